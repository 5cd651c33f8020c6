using System.Reactive.Concurrency;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// The base of every transport: <see cref="WebRtcTransport"/>, <see cref="PlainTransport"/> and
/// <see cref="PipeTransport"/> (the <see cref="NetworkTransport"/>s), and <see cref="DirectTransport"/>. A transport
/// connects an endpoint to a <see cref="Router"/>; producers and consumers live in it. Create one with the router's
/// <c>Create…TransportAsync</c> methods.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its router closes
/// (<see cref="CloseReason.RouterClosed"/>), when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>), or — for a WebRTC transport listening through a <see cref="WebRtcServer"/> —
/// when that server closes (<see cref="CloseReason.ListenServerClosed"/>). Its consumers, producers, data consumers and
/// data producers close first (with <see cref="CloseReason.TransportClosed"/>, or the worker's reason), then the
/// transport's streams complete and <see cref="MediasoupEntity.Closed"/> emits; the consumers on other transports of
/// its producers close after their producer (with <see cref="CloseReason.ProducerClosed"/>), as in mediasoup.
/// Lifecycle, command and delivery rules: <see cref="MediasoupEntity"/>.</para>
/// </remarks>
public abstract partial class Transport : MediasoupEntity
{
    private readonly TransportResponses _responses;
    // Created on first use (see LazyStream).
    private StreamSubject<TransportTraceEvent>? _trace;
    private LazyStream<SctpState?> _sctpState;
    private LazyStream<SctpNegotiatedCapabilities?> _sctpNegotiatedCapabilities;

    private protected Transport(string kind, Router router, string id, IDictionary<string, object?>? appData, SctpState? sctpState,
        TransportResponses responses)
        : base(kind, id, router.Channel, router.TransportLogger, appData)
    {
        Router = router;
        _responses = responses;
        _sctpState = LazyStream<SctpState?>.State(sctpState);
    }

    /// <summary>The transport's id (a UUID).</summary>
    public string Id => EntityId;

    /// <summary>
    /// Trace events enabled with <see cref="EnableTraceEventAsync"/> (hot: no replay); completes when the transport closes.
    /// <code>
    /// trace:      --e1----e2--e3---|      (closed)
    /// </code>
    /// </summary>
    public IObservable<TransportTraceEvent> Trace => EventStream(ref _trace, nameof(Trace));

    /// <summary>The SCTP state (null without SCTP); public on the <see cref="NetworkTransport"/>s.</summary>
    private protected StreamSubject<SctpState?> SctpStateStream => StateStream(ref _sctpState, "SctpState");

    /// <summary>The negotiated SCTP capabilities (null until negotiated); public on the <see cref="NetworkTransport"/>s.</summary>
    private protected StreamSubject<SctpNegotiatedCapabilities?> SctpNegotiatedCapabilitiesStream
        => StateStream(ref _sctpNegotiatedCapabilities, "SctpNegotiatedCapabilities");

    /// <summary>The negotiated SCTP capabilities now (without creating their stream).</summary>
    private protected SctpNegotiatedCapabilities? SctpNegotiatedCapabilitiesValue => StateValue(ref _sctpNegotiatedCapabilities);

    /// <summary>The router this transport belongs to.</summary>
    internal Router Router { get; }

    /// <summary>The notification sink registered for this transport (tests feed it notifications); set when it attaches.</summary>
    internal RxMediasoup.Channel.INotificationSink? NotificationSink { get; private set; }

    /// <summary>Starts the transport's notifications through <paramref name="sink"/> (the creation's last step).</summary>
    internal void Attach<TNotification>(NotificationSink<TNotification> sink) where TNotification : class
    {
        NotificationSink = sink;
        sink.Attach((INotificationTarget<TNotification>)this);
    }

    /// <summary>
    /// Dumps the transport's internal state. The record is the transport type's own (<see cref="WebRtcTransportDump"/>,
    /// <see cref="PlainTransportDump"/>, <see cref="PipeTransportDump"/>; a plain <see cref="TransportDump"/> for a
    /// direct transport): pattern-match it for the type's fields, e.g. <c>if (await t.DumpAsync() is WebRtcTransportDump d)</c>.
    /// </summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<TransportDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((_responses, Channel, Id, cancellationToken), static s => s._responses.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// Gets the transport's statistics (Node returns them as a one-element array; this returns the element). The record
    /// is the transport type's own (<see cref="WebRtcTransportStats"/>, <see cref="PlainTransportStats"/>,
    /// <see cref="PipeTransportStats"/>; a plain <see cref="TransportStats"/> for a direct transport): pattern-match it
    /// for the type's fields.
    /// </summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<TransportStats> GetStatsAsync(CancellationToken cancellationToken = default)
        => Command((_responses, Channel, Id, cancellationToken), static s => s._responses.GetStatsAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// The transport's stats (<see cref="GetStatsAsync"/>: each element is the transport type's own stats record) every
    /// <paramref name="period"/>: the first request at subscribe, each next one <paramref name="period"/> after the
    /// previous answer (requests never overlap). One shared loop per transport, period and scheduler; it stops when the
    /// last subscriber leaves. Completes when the transport closes; a failed request other than "closed" is an error.
    /// With <see cref="StatsOperators.Stalled"/> this is a liveness signal of the transport. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); when null, a simulated worker's scheduler (RxMediasoup.Testing), else the default scheduler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<TransportStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Transport.Stats", GetStatsAsync, period, ClosedSignal, scheduler ?? Channel.Scheduler, Logger);

    /// <summary>
    /// Chooses which trace events <see cref="Trace"/> emits; null or empty disables them all. Duplicates are sent once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined <see cref="TransportTraceEventType"/> value.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task EnableTraceEventAsync(IEnumerable<TransportTraceEventType>? types = null, CancellationToken cancellationToken = default)
        => Command(() => BaseTransportProtocol.EnableTraceEventAsync(Channel, Id, TraceEventTypes(types), cancellationToken));

    private protected override Task SendCloseAsync() => BaseTransportProtocol.CloseAsync(Channel, Router.Id, Id, CancellationToken.None);

    private protected override void OnClosing(CloseReason reason)
    {
        Router.Transports.Remove(this);
        if (StateValue(ref _sctpState) is not null) SetState(ref _sctpState, RxMediasoup.SctpState.Closed);
    }

    /// <summary>The WebRTC server this transport listens through closed: close without telling the worker.</summary>
    internal void OnListenServerClosed() => CloseCore(CloseReason.ListenServerClosed);

    /// <summary>Applies a notification every transport type gets (trace, SCTP).</summary>
    private protected void OnCommonNotification(TransportNotification notification)
    {
        switch (notification)
        {
            case TransportNotification.Trace t: Publish(ref _trace, t.Event); break;
            case TransportNotification.SctpStateChange s: SetState(ref _sctpState, s.State); break;
            case TransportNotification.SctpNegotiatedCapabilitiesChange c: SetState(ref _sctpNegotiatedCapabilities, c.Capabilities); break;
        }
    }

    /// <summary>The reason the transport's children close with: its worker's, else <see cref="CloseReason.TransportClosed"/>.</summary>
    private protected CloseReason ChildCloseReason()
    {
        if (Channel.IsClosed) return CloseReason.WorkerClosed;
        return ClosedBecause is CloseReason.WorkerClosed or CloseReason.WorkerDied ? ClosedBecause.Value : CloseReason.TransportClosed;
    }
}
