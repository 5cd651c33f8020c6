using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A direct transport: no network; RTP, RTCP and data messages are exchanged with the application itself
/// (producers' <c>Send</c>, consumers' RTP streams, <see cref="SendRtcp"/> / <see cref="Rtcp"/>, direct data
/// producers and consumers). Create one with <see cref="Router.CreateDirectTransportAsync"/>.
/// </summary>
public sealed class DirectTransport : Transport
{
    private readonly StateStream<ReadOnlyMemory<byte>> _rtcp;

    internal DirectTransport(Router router, string id, EntityNotificationSink<Transport> sink, IDictionary<string, object?>? appData, ILogger logger)
        : base(router, id, sink, appData, null, logger)
    {
        _rtcp = StateStream<ReadOnlyMemory<byte>>.Events("DirectTransport.Rtcp", logger);
    }

    /// <summary>
    /// RTCP packets the worker sends to the application (hot: no replay); completes when the transport closes.
    /// Payload ownership: each packet is copied out of the channel's receive buffer into memory that is never reused,
    /// so subscribers may keep it (all subscribers see the same read-only copy).
    /// <code>
    /// rtcp:       --p1---p2--p3---|      (closed)
    /// </code>
    /// </summary>
    public IObservable<ReadOnlyMemory<byte>> Rtcp => _rtcp;

    /// <summary>Does nothing: a direct transport has no remote endpoint (mediasoup's <c>connect()</c> is a no-op here too).</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
    }

    /// <summary>Not supported by direct transports.</summary>
    /// <exception cref="UnsupportedException">Always.</exception>
    public override Task SetMaxIncomingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
        => Task.FromException(new UnsupportedException("setMaxIncomingBitrate() not implemented in DirectTransport"));

    /// <summary>Not supported by direct transports.</summary>
    /// <exception cref="UnsupportedException">Always.</exception>
    public override Task SetMaxOutgoingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
        => Task.FromException(new UnsupportedException("setMaxOutgoingBitrate() not implemented in DirectTransport"));

    /// <summary>Not supported by direct transports.</summary>
    /// <exception cref="UnsupportedException">Always.</exception>
    public override Task SetMinOutgoingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
        => Task.FromException(new UnsupportedException("setMinOutgoingBitrate() not implemented in DirectTransport"));

    /// <summary>
    /// Sends an RTCP packet (or compound packet) into the router, as if it came from a remote endpoint: a
    /// fire-and-forget notification (the worker does not answer). The bytes are copied before this returns.
    /// </summary>
    /// <exception cref="ArgumentException">An empty packet.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void SendRtcp(ReadOnlyMemory<byte> rtcpPacket)
    {
        if (rtcpPacket.IsEmpty) throw new ArgumentException("rtcpPacket must not be empty", nameof(rtcpPacket));
        ThrowIfClosed();
        DirectTransportProtocol.SendRtcp(Channel, Id, rtcpPacket);
    }

    private protected override async Task<TransportDump> DumpCoreAsync(CancellationToken cancellationToken)
        => await DirectTransportProtocol.DumpAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override async Task<TransportStats> GetStatsCoreAsync(CancellationToken cancellationToken)
        => await DirectTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override void OnClosing(CloseReason reason) => _rtcp.Complete();

    internal override int SubscriberCount => base.SubscriberCount + _rtcp.SubscriberCount;

    internal override void OnRtcp(byte[] packet) => _rtcp.OnNext(packet);
}
