using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A consumer: a producer's media sent from the router to an endpoint through a transport. Create one with
/// <see cref="Transport.ConsumeAsync"/>.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when the producer closes
/// (<see cref="CloseReason.ProducerClosed"/>, mediasoup's <c>producerclose</c>), when its transport closes
/// (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Lifecycle, command and delivery rules: <see cref="MediasoupEntity"/>.
/// Liveness of the media: <see cref="PollStats"/> with <see cref="StatsOperators.Stalled"/>, not <see cref="Score"/>.</para>
/// </remarks>
public sealed class Consumer : MediasoupEntity, INotificationTarget<ConsumerNotification>
{
    private readonly Transport _transport;
    private readonly Producer _producer;
    // Created on first use (a subject each costs ~100 B; most consumers never have most of them subscribed).
    private LazyStream<bool> _paused, _producerPaused;
    private LazyStream<ConsumerScore> _score;
    private LazyStream<ConsumerLayers?> _preferredLayers, _layers;
    private LazyStream<int> _priority;
    private StreamSubject<ConsumerTraceEvent>? _trace;
    private StreamSubject<byte[]>? _rtp; // the arrays the protocol copied packets into: no boxing per packet
    private long _droppedRtpPackets;

    internal Consumer(Transport transport, Producer producer, string id, RtpParameters rtpParameters, ConsumerType type,
        ConsumeResult status, NotificationSink<ConsumerNotification> sink, IDictionary<string, object?>? appData)
        : base(nameof(Consumer), id, transport.Channel, transport.Logger, appData)
    {
        _transport = transport;
        _producer = producer;
        NotificationSink = sink;
        RtpParameters = Producer.ShareWithConsumer(rtpParameters);
        Type = type;
        _paused = LazyStream<bool>.State(status.Paused);
        _producerPaused = LazyStream<bool>.State(status.ProducerPaused);
        _score = LazyStream<ConsumerScore>.State(status.Score);
        _preferredLayers = LazyStream<ConsumerLayers?>.State(status.PreferredLayers);
        _priority = LazyStream<int>.State(1);
    }

    /// <summary>The consumer's id (a UUID).</summary>
    public string Id => EntityId;

    /// <summary>The id of the consumed producer.</summary>
    public string ProducerId => _producer.Id;

    /// <summary>Audio or video (the producer's kind).</summary>
    public MediaKind Kind => _producer.Kind;

    /// <summary>The RTP parameters of what the consumer sends to the endpoint (give them to mediasoup-client's <c>consume</c>).</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>Simple, simulcast, SVC (the producer's type) or pipe.</summary>
    public ConsumerType Type { get; }

    /// <summary>The transport the consumer belongs to.</summary>
    public Transport Transport => _transport;

    /// <summary>
    /// Whether the consumer itself is paused (<see cref="PauseAsync"/>, <see cref="ResumeAsync"/>,
    /// <see cref="ConsumerOptions.Paused"/>): the current value on subscribe, then each change; completes on close.
    /// Media flows only while both this and <see cref="ProducerPaused"/> are false. <c>Paused.Value</c> is the current state.
    /// <code>
    /// paused:     true-----false---|
    /// </code>
    /// </summary>
    public IObservableState<bool> Paused => StateStream(ref _paused, nameof(Paused));

    /// <summary>
    /// Whether the consumed producer is paused (mediasoup's <c>producerpause</c> / <c>producerresume</c>): the current
    /// value on subscribe, then each change; completes on close.
    /// <code>
    /// producerPaused: false---true----false---|
    /// </code>
    /// </summary>
    public IObservableState<bool> ProducerPaused => StateStream(ref _producerPaused, nameof(ProducerPaused));

    /// <summary>
    /// The consumer's score (and the producer's): the current value on subscribe, then each change; completes on close.
    /// It starts at the worker's initial score, before any packet (<c>Score</c> 10, 0 per producer stream), so it is no
    /// liveness signal: <see cref="PollStats"/> with <see cref="StatsOperators.Stalled"/> is.
    /// <code>
    /// score:      s0------s1----s2---|      s0: the initial score (before any packet)
    /// </code>
    /// </summary>
    public IObservableState<ConsumerScore> Score => StateStream(ref _score, nameof(Score));

    /// <summary>
    /// The preferred layers (simulcast/SVC; null for other consumers or until known): the current value on subscribe,
    /// then each change made by <see cref="SetPreferredLayersAsync"/>; completes on close.
    /// <code>
    /// preferred:  {2,2}------{0,0}---|
    /// </code>
    /// </summary>
    public IObservableState<ConsumerLayers?> PreferredLayers => StateStream(ref _preferredLayers, nameof(PreferredLayers));

    /// <summary>
    /// The layers currently sent (mediasoup's <c>currentLayers</c> / <c>layerschange</c>; null while none is sent):
    /// the current value on subscribe, then each change; completes on close.
    /// <code>
    /// layers:     null---{0,2}---{2,2}---null---|
    /// </code>
    /// </summary>
    public IObservableState<ConsumerLayers?> Layers => StateStream(ref _layers, nameof(Layers));

    /// <summary>
    /// The priority for the transport's outgoing bitrate (1, the default, to 255): the current value on subscribe, then
    /// each value the worker settles on for <see cref="SetPriorityAsync"/> / <see cref="UnsetPriorityAsync"/>; completes on close.
    /// <code>
    /// priority:   1------3------1---|
    /// </code>
    /// </summary>
    public IObservableState<int> Priority => StateStream(ref _priority, nameof(Priority));

    /// <summary>
    /// Trace events enabled with <see cref="EnableTraceEventAsync"/> (hot: no replay); completes on close.
    /// <code>
    /// trace:      --e1----e2--e3---|
    /// </code>
    /// </summary>
    public IObservable<ConsumerTraceEvent> Trace => EventStream(ref _trace, nameof(Trace));

    /// <summary>
    /// RTP packets the consumer sends to the application (consumers of a <see cref="DirectTransport"/>; hot: no
    /// replay); completes on close. Payload ownership: each packet is copied out of the channel's receive buffer into
    /// memory that is never reused, so subscribers may keep it (all subscribers see the same read-only copy).
    /// <code>
    /// rtp:        --p1-p2-p3--p4---|
    /// </code>
    /// </summary>
    public IObservable<ReadOnlyMemory<byte>> Rtp => EventStream(ref _rtp, nameof(Rtp)).Select(static packet => (ReadOnlyMemory<byte>)packet);

    /// <summary>
    /// <see cref="Rtp"/> behind an opt-in bounded buffer, for a subscriber slower than the packet rate: each subscription
    /// gets its own queue of at most <paramref name="capacity"/> packets, delivered on <paramref name="scheduler"/> (off the
    /// worker's delivery queue). When the queue is full the oldest packet is dropped (the freshest media wins) and counted
    /// in <see cref="DroppedRtpPackets"/>. Completes, after the queued packets, when the consumer closes.
    /// <code>
    /// rtp:        -p1-p2-p3-p4--------|
    /// capacity 2, slow subscriber:
    /// buffered:   -p1--------p3--p4---|     p2 dropped
    /// </code>
    /// Payload ownership: as <see cref="Rtp"/> (each packet is its own copy, safe to keep and to queue).
    /// </summary>
    /// <param name="capacity">The most packets waiting per subscription; positive.</param>
    /// <param name="scheduler">Where packets are delivered; a simulated worker's scheduler (RxMediasoup.Testing), else <see cref="TaskPoolScheduler.Default"/>, when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public IObservable<ReadOnlyMemory<byte>> BufferedRtp(int capacity, IScheduler? scheduler = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new BoundedObservable<ReadOnlyMemory<byte>>(Rtp, capacity, scheduler ?? Channel.Scheduler ?? TaskPoolScheduler.Default,
            () => Interlocked.Increment(ref _droppedRtpPackets), Logger, nameof(Consumer), "Consumer.BufferedRtp");
    }

    /// <summary>Packets dropped so far by full <see cref="BufferedRtp"/> queues (all subscriptions).</summary>
    public long DroppedRtpPackets => Interlocked.Read(ref _droppedRtpPackets);

    /// <summary>The notification sink (tests feed it notifications).</summary>
    internal NotificationSink<ConsumerNotification> NotificationSink { get; }

    /// <summary>Dumps the consumer's internal state.</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<ConsumerDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => ConsumerProtocol.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>Gets the consumer's stream statistics: its outbound stream(s) first, then (if any) the producer's inbound one.</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => ConsumerProtocol.GetStatsAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// The consumer's stats (<see cref="GetStatsAsync"/>) every <paramref name="period"/>: the first request at
    /// subscribe, each next one <paramref name="period"/> after the previous answer (requests never overlap). One shared
    /// loop per consumer, period and scheduler; it stops when the last subscriber leaves. Completes when the consumer
    /// closes; a failed request other than "closed" is an error. With <see cref="StatsOperators.Stalled"/> on the outbound
    /// stream's packet count, this is the liveness signal of the consumer's media (<see cref="Score"/> is not).
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); when null, a simulated worker's scheduler (RxMediasoup.Testing), else the default scheduler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<IReadOnlyList<RtpStreamStats>> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Consumer.Stats", GetStatsAsync, period, ClosedSignal, scheduler ?? Channel.Scheduler, Logger);

    /// <summary>Pauses the consumer: the worker stops sending it media.</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
        => Command(() => ConsumerProtocol.PauseAsync(Channel, Id, () => SetState(ref _paused, true), cancellationToken));

    /// <summary>Resumes the consumer (media flows again unless the producer is paused).</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
        => Command(() => ConsumerProtocol.ResumeAsync(Channel, Id, () => SetState(ref _paused, false), cancellationToken));

    /// <summary>
    /// Sets the preferred spatial and temporal layers (simulcast and SVC consumers); the worker clamps them to what
    /// the producer has, and <see cref="PreferredLayers"/> then holds what it settled on (null for other consumers).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A layer outside 0–255.</exception>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetPreferredLayersAsync(ConsumerLayers layers, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            ArgumentNullException.ThrowIfNull(layers);
            if (layers is { SpatialLayer: < 0 or > byte.MaxValue } or { TemporalLayer: < 0 or > byte.MaxValue })
                throw new ArgumentOutOfRangeException(nameof(layers), layers, "spatialLayer and temporalLayer must be between 0 and 255");
            return ConsumerProtocol.SetPreferredLayersAsync(Channel, Id, layers, l => SetState(ref _preferredLayers, l), cancellationToken);
        });

    /// <summary>
    /// Sets the consumer's priority for the transport's outgoing bitrate (a higher priority gets bandwidth first);
    /// <see cref="Priority"/> then holds the value the worker settled on.
    /// </summary>
    /// <param name="priority">1–255 (the worker rejects 0).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative priority or one above 255.</exception>
    /// <exception cref="ArgumentException">0 (rejected by the worker).</exception>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetPriorityAsync(int priority, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            if (priority is < 0 or > byte.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(priority), priority, "priority must be a positive number up to 255");
            return ConsumerProtocol.SetPriorityAsync(Channel, Id, priority, p => SetState(ref _priority, p), cancellationToken);
        });

    /// <summary>Resets the priority to 1 (the default); exceptions as <see cref="SetPriorityAsync"/>.</summary>
    public Task UnsetPriorityAsync(CancellationToken cancellationToken = default) => SetPriorityAsync(1, cancellationToken);

    /// <summary>Asks the producer's endpoint for a key frame (video).</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task RequestKeyFrameAsync(CancellationToken cancellationToken = default)
        => Command(() => ConsumerProtocol.RequestKeyFrameAsync(Channel, Id, cancellationToken));

    /// <summary>
    /// Chooses which trace events <see cref="Trace"/> emits; null or empty disables them all. Duplicates are sent once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined <see cref="ConsumerTraceEventType"/> value.</exception>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task EnableTraceEventAsync(IEnumerable<ConsumerTraceEventType>? types = null, CancellationToken cancellationToken = default)
        => Command(() => ConsumerProtocol.EnableTraceEventAsync(Channel, Id, TraceEventTypes(types), cancellationToken));

    private protected override Task SendCloseAsync() => ConsumerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None);

    /// <summary>The producer closed: close without telling the worker (it closed the consumer itself).</summary>
    internal void OnProducerClosed() => CloseCore(CloseReason.ProducerClosed);

    private protected override void OnClosing(CloseReason reason)
    {
        _transport.RemoveConsumer(this);
        _producer.RemoveConsumer(this);
    }

    void INotificationTarget<ConsumerNotification>.OnNotification(ConsumerNotification notification)
    {
        switch (notification)
        {
            case ConsumerNotification.Rtp r: Publish(ref _rtp, r.Packet); break;
            case ConsumerNotification.Score s: SetState(ref _score, s.Value); break;
            case ConsumerNotification.LayersChange l: SetState(ref _layers, l.Layers); break;
            case ConsumerNotification.ProducerPaused p: SetState(ref _producerPaused, p.Paused); break;
            case ConsumerNotification.ProducerClose: OnProducerClosed(); break;
            case ConsumerNotification.Trace t: Publish(ref _trace, t.Event); break;
        }
    }
}
