using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A pipe transport: links two routers, on the same or another worker or host, over plain RTP/RTCP (and SCTP).
/// Create one with <see cref="Router.CreatePipeTransportAsync"/> on each side, then connect each to the other's
/// <see cref="Tuple"/>.
/// </summary>
public sealed class PipeTransport : Transport
{
    private readonly StateStream<TransportTuple> _tuple;
    private SrtpParameters? _srtpParameters;

    internal PipeTransport(Router router, string id, EntityNotificationSink<Transport> sink, PipeTransportDump data,
        IDictionary<string, object?>? appData, ILogger logger)
        : base(router, id, sink, appData, data.SctpState, logger)
    {
        Rtx = data.Rtx;
        SctpParameters = data.SctpParameters;
        _srtpParameters = data.SrtpParameters;
        _tuple = new StateStream<TransportTuple>("PipeTransport.Tuple", data.Tuple, logger);
    }

    /// <summary>Whether RTX is enabled.</summary>
    public bool Rtx { get; }

    /// <summary>The local SCTP parameters, or null without SCTP.</summary>
    public SctpParameters? SctpParameters { get; }

    /// <summary>The SRTP parameters: the local ones, then the remote ones after <see cref="ConnectAsync"/>; null without SRTP.</summary>
    public SrtpParameters? SrtpParameters => Volatile.Read(ref _srtpParameters);

    /// <summary>
    /// The tuple: the current value on subscribe (local address and port; remote ones once connected), then each
    /// change; completes when the transport closes.
    /// <code>
    /// tuple:      local-----local+remote------|
    /// </code>
    /// </summary>
    public IObservable<TransportTuple> Tuple => _tuple;

    /// <summary>
    /// The SCTP state (null without SCTP): current value on subscribe, then changes; closed (if SCTP is enabled)
    /// and completion when the transport closes.
    /// <code>
    /// sctpState:  new---connecting--connected----(closed|)
    /// </code>
    /// </summary>
    public IObservable<SctpState?> SctpState => SctpStateStream;

    /// <summary>
    /// The negotiated SCTP capabilities (null until negotiated): current value on subscribe, then changes; completes
    /// when the transport closes.
    /// <code>
    /// caps:       null--------caps------|
    /// </code>
    /// </summary>
    public IObservable<SctpNegotiatedCapabilities?> SctpNegotiatedCapabilities => SctpNegotiatedCapabilitiesStream;

    /// <summary>Dumps the transport's internal state.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public new Task<PipeTransportDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return PipeTransportProtocol.DumpAsync(Channel, Id, cancellationToken);
    }

    /// <summary>Gets the transport's statistics.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public new Task<PipeTransportStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return PipeTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken);
    }

    /// <summary>
    /// The transport's stats (<see cref="GetStatsAsync"/>) every <paramref name="period"/>: the first request at subscribe, each next one
    /// <paramref name="period"/> after the previous answer (requests never overlap). One shared loop per transport,
    /// period and scheduler; it stops when the last subscriber leaves. Completes when the transport closes; a failed
    /// request other than "closed" is an error. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); the default scheduler when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public new IObservable<PipeTransportStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "PipeTransport.Stats", GetStatsAsync, period, Closed, scheduler, Logger);

    /// <summary>Provides the remote pipe transport's address (and SRTP parameters, with SRTP). Can be called once.</summary>
    /// <param name="ip">The remote IP.</param>
    /// <param name="port">The remote port.</param>
    /// <param name="srtpParameters">The remote SRTP parameters (required with SRTP, rejected without).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentException">Missing or invalid arguments.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. already connected.</exception>
    public async Task ConnectAsync(string ip, int port, SrtpParameters? srtpParameters = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        ArgumentException.ThrowIfNullOrWhiteSpace(ip);
        PlainTransport.CheckPort(port, nameof(port));
        if (srtpParameters is not null) BaseTransportProtocol.ValidateSrtpParameters(srtpParameters, nameof(srtpParameters));
        var tuple = await PipeTransportProtocol.ConnectAsync(Channel, Id, ip, port, srtpParameters, cancellationToken).ConfigureAwait(false);
        _tuple.OnNext(tuple);
        if (srtpParameters is not null) Volatile.Write(ref _srtpParameters, srtpParameters);
    }

    private protected override async Task<TransportDump> DumpCoreAsync(CancellationToken cancellationToken)
        => await PipeTransportProtocol.DumpAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override async Task<TransportStats> GetStatsCoreAsync(CancellationToken cancellationToken)
        => await PipeTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override void OnClosing(CloseReason reason) => _tuple.Complete();

    internal override int SubscriberCount => base.SubscriberCount + _tuple.SubscriberCount;
}
