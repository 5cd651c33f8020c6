using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A transport with a remote endpoint on the network: <see cref="WebRtcTransport"/>, <see cref="PlainTransport"/> or
/// <see cref="PipeTransport"/>. It carries what a <see cref="DirectTransport"/> does not have: bitrate limits and SCTP.
/// </summary>
public abstract class NetworkTransport : Transport
{
    private protected NetworkTransport(string kind, Router router, string id, IDictionary<string, object?>? appData,
        SctpParameters? sctpParameters, SctpState? sctpState, TransportResponses responses)
        : base(kind, router, id, appData, sctpState, responses)
    {
        SctpParameters = sctpParameters;
    }

    /// <summary>The local SCTP parameters, or null without SCTP.</summary>
    public SctpParameters? SctpParameters { get; }

    /// <summary>
    /// The SCTP state (null without SCTP): current value on subscribe, then changes;
    /// <see cref="RxMediasoup.SctpState.Closed"/> (if SCTP is enabled) and completion when the transport closes.
    /// <c>SctpState.Value</c> is the current state.
    /// <code>
    /// sctpState:  new---connecting--connected----(closed|)
    /// no SCTP:    null--------------------------|
    /// </code>
    /// </summary>
    public IObservableState<SctpState?> SctpState => SctpStateStream;

    /// <summary>
    /// The negotiated SCTP capabilities (null until the association is established): current value on subscribe,
    /// then changes; completes when the transport closes.
    /// <code>
    /// caps:       null--------caps------|
    /// </code>
    /// </summary>
    public IObservableState<SctpNegotiatedCapabilities?> SctpNegotiatedCapabilities => SctpNegotiatedCapabilitiesStream;

    /// <summary>Sets the maximum incoming bitrate for media streams sent by the remote endpoint; 0 removes the limit.</summary>
    /// <param name="bitrate">Bits per second, 0–9223372036854775806 (<see cref="long.MaxValue"/> − 1).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too large bitrate.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetMaxIncomingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
        => Command(() => BaseTransportProtocol.SetMaxIncomingBitrateAsync(Channel, Id, CheckBitrate(bitrate), cancellationToken));

    /// <summary>
    /// Sets the maximum outgoing bitrate for media streams sent to the remote endpoint; 0 removes the limit.
    /// The worker rejects a value lower than the current minimum (<see cref="MediasoupException"/>).
    /// </summary>
    /// <param name="bitrate">Bits per second, 0–9223372036854775806 (<see cref="long.MaxValue"/> − 1).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too large bitrate.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetMaxOutgoingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
        => Command(() => BaseTransportProtocol.SetMaxOutgoingBitrateAsync(Channel, Id, CheckBitrate(bitrate), cancellationToken));

    /// <summary>
    /// Sets the minimum outgoing bitrate for media streams sent to the remote endpoint; 0 removes the limit.
    /// The worker rejects a value higher than the current maximum (<see cref="MediasoupException"/>).
    /// </summary>
    /// <param name="bitrate">Bits per second, 0–9223372036854775806 (<see cref="long.MaxValue"/> − 1).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too large bitrate.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetMinOutgoingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
        => Command(() => BaseTransportProtocol.SetMinOutgoingBitrateAsync(Channel, Id, CheckBitrate(bitrate), cancellationToken));

    /// <summary>Checks a port given to a connect.</summary>
    private protected static void CheckPort(int? port, string name)
    {
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(name, port, $"{name} must be a port number (1-65535)");
    }

    /// <summary>The highest bitrate the worker accepts (mediasoup 3.27's <c>AbsoluteMaxBitrate</c>: <see cref="long.MaxValue"/> − 1).</summary>
    internal const long MaxBitrate = long.MaxValue - 1;

    private static ulong CheckBitrate(long bitrate)
    {
        if (bitrate is < 0 or > MaxBitrate)
            throw new ArgumentOutOfRangeException(nameof(bitrate), bitrate, $"bitrate must be between 0 and {MaxBitrate} bps");
        return (ulong)bitrate;
    }
}
