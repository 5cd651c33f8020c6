using System.Reactive.Concurrency;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A producer: media (one audio or video track, possibly simulcast or SVC) that an endpoint sends into the router
/// through a transport. Create one with <see cref="Transport.ProduceAsync"/>; consume it with
/// <see cref="Transport.ConsumeAsync"/> on any transport of the same router.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its transport closes
/// (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Its consumers then close with <see cref="CloseReason.ProducerClosed"/> (mediasoup's
/// <c>producerclose</c>), after the producer's own <see cref="MediasoupEntity.Closed"/>, unless their own transport,
/// router or worker is closing them. Lifecycle, command and delivery rules: <see cref="MediasoupEntity"/>.</para>
/// </remarks>
public class Producer : MediasoupEntity, INotificationTarget<ProducerNotification>
{
    private static readonly IReadOnlyList<ProducerScore> NoScores = ValueList<ProducerScore>.Empty;
    private static RtpParameters? s_lastConsumerRtpParameters; // of any producer: see ShareWithConsumer

    private readonly Transport _transport;
    // Created on first use (see LazyStream).
    private LazyStream<bool> _paused;
    private LazyStream<IReadOnlyList<ProducerScore>> _score = LazyStream<IReadOnlyList<ProducerScore>>.State(NoScores);
    private LazyStream<ProducerVideoOrientation?> _videoOrientation;
    private StreamSubject<ProducerTraceEvent>? _trace;
    private HashSet<Consumer>? _consumers; // under Gate; created by the first consumer (a ConcurrentDictionary was ~500 B empty)
    private List<Action>? _deferredDependents;

    private protected Producer(Transport transport, string id, MediaKind kind, RtpParameters rtpParameters, ProducerType type,
        RtpParameters consumableRtpParameters, bool paused, NotificationSink<ProducerNotification> sink,
        IDictionary<string, object?>? appData)
        : base(nameof(Producer), id, transport.Channel, transport.Logger, appData)
    {
        _transport = transport;
        NotificationSink = sink;
        Kind = kind;
        RtpParameters = rtpParameters;
        Type = type;
        ConsumableRtpParameters = consumableRtpParameters;
        _paused = LazyStream<bool>.State(paused);
    }

    /// <summary>Creates the producer object for a create the worker accepted (a <see cref="DirectProducer"/> on a direct transport).</summary>
    internal static Producer Create(Transport transport, string id, MediaKind kind, RtpParameters rtpParameters, ProducerType type,
        RtpParameters consumableRtpParameters, bool paused, NotificationSink<ProducerNotification> sink, IDictionary<string, object?>? appData)
        => transport is DirectTransport
            ? new DirectProducer(transport, id, kind, rtpParameters, type, consumableRtpParameters, paused, sink, appData)
            : new Producer(transport, id, kind, rtpParameters, type, consumableRtpParameters, paused, sink, appData);

    /// <summary>The producer's id (a UUID unless <see cref="ProducerOptions.Id"/> gave one).</summary>
    public string Id => EntityId;

    /// <summary>Audio or video.</summary>
    public MediaKind Kind { get; }

    /// <summary>The RTP parameters the producer was created with (normalized, with the transport's CNAME).</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>Simple (one stream), simulcast (several encodings) or SVC (one encoding with several layers).</summary>
    public ProducerType Type { get; }

    /// <summary>The transport the producer belongs to.</summary>
    public Transport Transport => _transport;

    /// <summary>
    /// Whether the producer is paused: the current value on subscribe, then each change (from <see cref="PauseAsync"/>
    /// and <see cref="ResumeAsync"/>); completes when the producer closes. <c>Paused.Value</c> is the current state.
    /// <code>
    /// paused:     false---true-----false---|
    /// </code>
    /// </summary>
    public IObservableState<bool> Paused => StateStream(ref _paused, nameof(Paused));

    /// <summary>
    /// The score of each of the producer's RTP streams (empty until the worker reports one): the current list on
    /// subscribe, then each change; completes when the producer closes.
    /// <code>
    /// score:      []-----[s0]----[s0']---|
    /// </code>
    /// </summary>
    public IObservableState<IReadOnlyList<ProducerScore>> Score => StateStream(ref _score, nameof(Score));

    /// <summary>
    /// The video orientation signalled by the endpoint (the <c>urn:3gpp:video-orientation</c> header extension), null
    /// until one arrives: the current value on subscribe, then each change; completes when the producer closes.
    /// <code>
    /// orientation: null------o1------o2---|
    /// </code>
    /// </summary>
    public IObservableState<ProducerVideoOrientation?> VideoOrientation => StateStream(ref _videoOrientation, nameof(VideoOrientation));

    /// <summary>
    /// Trace events enabled with <see cref="EnableTraceEventAsync"/> (hot: no replay); completes when the producer closes.
    /// <code>
    /// trace:      --e1----e2--e3---|      (closed)
    /// </code>
    /// </summary>
    public IObservable<ProducerTraceEvent> Trace => EventStream(ref _trace, nameof(Trace));

    /// <summary>The parameters consumers of this producer derive theirs from (mediasoup's private <c>consumableRtpParameters</c>).</summary>
    internal RtpParameters ConsumableRtpParameters { get; }

    /// <summary>The notification sink (tests feed it notifications).</summary>
    internal NotificationSink<ProducerNotification> NotificationSink { get; }

    /// <summary>Dumps the producer's internal state.</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<ProducerDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => ProducerProtocol.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>Gets the statistics of the producer's RTP streams (inbound).</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => ProducerProtocol.GetStatsAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// The producer's stats (<see cref="GetStatsAsync"/>) every <paramref name="period"/>: the first request at
    /// subscribe, each next one <paramref name="period"/> after the previous answer (requests never overlap). One shared
    /// loop per producer, period and scheduler; it stops when the last subscriber leaves. Completes when the producer
    /// closes; a failed request other than "closed" is an error. With <see cref="StatsOperators.Stalled"/> this is the
    /// liveness signal of the producer's media.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); when null, a simulated worker's scheduler (RxMediasoup.Testing), else the default scheduler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<IReadOnlyList<RtpStreamStats>> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Producer.Stats", GetStatsAsync, period, ClosedSignal, scheduler ?? Channel.Scheduler, Logger);

    /// <summary>Pauses the producer: the worker stops forwarding its media to consumers (they see <c>ProducerPaused</c>).</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
        => Command(() => ProducerProtocol.PauseAsync(Channel, Id, () => SetState(ref _paused, true), cancellationToken));

    /// <summary>Resumes the producer.</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
        => Command(() => ProducerProtocol.ResumeAsync(Channel, Id, () => SetState(ref _paused, false), cancellationToken));

    /// <summary>
    /// Chooses which trace events <see cref="Trace"/> emits; null or empty disables them all. Duplicates are sent once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined <see cref="ProducerTraceEventType"/> value.</exception>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task EnableTraceEventAsync(IEnumerable<ProducerTraceEventType>? types = null, CancellationToken cancellationToken = default)
        => Command(() => ProducerProtocol.EnableTraceEventAsync(Channel, Id, TraceEventTypes(types), cancellationToken));

    private protected override Task SendCloseAsync() => ProducerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None);

    /// <summary>
    /// The transport closed: close without telling the worker, and add the closing of this producer's consumers (on
    /// other transports) to <paramref name="dependents"/>, which the transport runs once all its producers reported
    /// (mediasoup's order: every <c>transportclose</c> before the consumers' <c>producerclose</c>).
    /// </summary>
    internal void OnTransportClosed(CloseReason reason, List<Action> dependents)
    {
        _deferredDependents = dependents;
        CloseCore(reason);
    }

    /// <summary>
    /// A consumer's RTP parameters with the codec, header extension and RTCP parts of the previous consumer's (of any
    /// producer) when they are equal (they usually are: the same codecs, the same endpoint capabilities), so that 1,000
    /// consumers keep one copy of them. The model's records and lists are immutable: sharing is safe.
    /// </summary>
    internal static RtpParameters ShareWithConsumer(RtpParameters parameters)
    {
        var last = Volatile.Read(ref s_lastConsumerRtpParameters);
        Volatile.Write(ref s_lastConsumerRtpParameters, parameters);
        if (last is null) return parameters;
        bool codecs = !ReferenceEquals(parameters.Codecs, last.Codecs) && parameters.Codecs.Equals(last.Codecs);
        bool extensions = !ReferenceEquals(parameters.HeaderExtensions, last.HeaderExtensions)
                          && parameters.HeaderExtensions.Equals(last.HeaderExtensions);
        bool rtcp = !ReferenceEquals(parameters.Rtcp, last.Rtcp) && parameters.Rtcp.Equals(last.Rtcp);
        if (!codecs && !extensions && !rtcp) return parameters;
        var shared = parameters with
        {
            Codecs = codecs ? last.Codecs : parameters.Codecs,
            HeaderExtensions = extensions ? last.HeaderExtensions : parameters.HeaderExtensions,
            Rtcp = rtcp ? last.Rtcp : parameters.Rtcp,
        };
        Volatile.Write(ref s_lastConsumerRtpParameters, shared);
        return shared;
    }

    /// <summary>Registers a consumer of this producer (for the close cascade); false if the producer is closed.</summary>
    internal bool AddConsumer(Consumer consumer)
    {
        lock (Gate)
        {
            (_consumers ??= new HashSet<Consumer>(ReferenceEqualityComparer.Instance)).Add(consumer);
            if (!IsClosed) return true;
            _consumers.Remove(consumer);
            return false;
        }
    }

    internal void RemoveConsumer(Consumer consumer)
    {
        lock (Gate) _consumers?.Remove(consumer);
    }

    private protected override void OnClosing(CloseReason reason)
    {
        _transport.RemoveProducer(this);
        _transport.Router.RemoveProducer(this);
    }

    private protected override void CloseDependents(CloseReason reason)
    {
        // The worker closes the consumers too (CONSUMER_PRODUCER_CLOSE); closing them here makes the cascade
        // synchronous. Not when their router or worker is closing everything: then their transports close them.
        bool cascade = reason is not (CloseReason.WorkerClosed or CloseReason.WorkerDied) && !_transport.Router.IsClosed;
        Consumer[] consumers;
        lock (Gate)
        {
            consumers = cascade && _consumers is { } table ? [.. table] : [];
            _consumers = null;
        }
        if (consumers.Length == 0) return;
        if (_deferredDependents is { } deferred) deferred.Add(() => { foreach (var c in consumers) c.OnProducerClosed(); });
        else foreach (var consumer in consumers) consumer.OnProducerClosed();
    }

    void INotificationTarget<ProducerNotification>.OnNotification(ProducerNotification notification)
    {
        switch (notification)
        {
            case ProducerNotification.Score s: SetState(ref _score, s.Scores); break;
            case ProducerNotification.VideoOrientationChange v: SetState(ref _videoOrientation, v.Orientation); break;
            case ProducerNotification.Trace t: Publish(ref _trace, t.Event); break;
        }
    }
}
