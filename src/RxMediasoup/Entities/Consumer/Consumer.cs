using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;
using Event = FBS.Notification.Event;

namespace RxMediasoup;

/// <summary>
/// A consumer: a producer's media sent from the router to an endpoint through a transport. Create one with
/// <see cref="Transport.ConsumeAsync"/>.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when the producer closes
/// (<see cref="CloseReason.ProducerClosed"/>, mediasoup's <c>producerclose</c>), when its transport closes
/// (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Whatever the cause, every stream of the consumer completes and
/// <see cref="Closed"/> emits the reason.</para>
/// <para>Commands on a closed consumer throw <see cref="NotFoundException"/>, or <see cref="WorkerClosedException"/>
/// when the worker is gone.</para>
/// <para>Streams deliver synchronously on the channel's dispatch loop, in worker order: put slow work behind
/// <c>ObserveOn</c>. A subscriber that throws is logged and removed.</para>
/// </remarks>
public sealed class Consumer : IAsyncDisposable
{
    private readonly Transport _transport;
    private readonly Producer _producer;
    private readonly EntityNotificationSink<Consumer> _sink;
    private readonly ILogger _logger;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly StateStream<bool> _paused;
    private readonly StateStream<bool> _producerPaused;
    private readonly StateStream<ConsumerScore> _score;
    private readonly StateStream<ConsumerLayers?> _preferredLayers;
    private readonly StateStream<ConsumerLayers?> _layers;
    private readonly StateStream<ConsumerTraceEvent> _trace;
    private readonly StateStream<ReadOnlyMemory<byte>> _rtp;
    private long _droppedRtpPackets;
    private int _priority = 1;
    private int _isClosed;
    private CloseReason? _closeReason;

    internal Consumer(Transport transport, Producer producer, string id, RtpParameters rtpParameters, ConsumerType type,
        ConsumeResult status, EntityNotificationSink<Consumer> sink, IDictionary<string, object?>? appData, ILogger logger)
    {
        _transport = transport;
        _producer = producer;
        _sink = sink;
        _logger = logger;
        Id = id;
        ProducerId = producer.Id;
        Kind = producer.Kind;
        RtpParameters = rtpParameters;
        Type = type;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>("Consumer.Closed", logger);
        _paused = new StateStream<bool>("Consumer.Paused", status.Paused, logger);
        _producerPaused = new StateStream<bool>("Consumer.ProducerPaused", status.ProducerPaused, logger);
        _score = new StateStream<ConsumerScore>("Consumer.Score", status.Score, logger);
        _preferredLayers = new StateStream<ConsumerLayers?>("Consumer.PreferredLayers", status.PreferredLayers, logger);
        _layers = new StateStream<ConsumerLayers?>("Consumer.Layers", null, logger);
        _trace = StateStream<ConsumerTraceEvent>.Events("Consumer.Trace", logger);
        _rtp = StateStream<ReadOnlyMemory<byte>>.Events("Consumer.Rtp", logger);
    }

    /// <summary>The consumer's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>The id of the consumed producer.</summary>
    public string ProducerId { get; }

    /// <summary>Audio or video (the producer's kind).</summary>
    public MediaKind Kind { get; }

    /// <summary>The RTP parameters of what the consumer sends to the endpoint (give them to mediasoup-client's <c>consume</c>).</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>Simple, simulcast, SVC (the producer's type) or pipe.</summary>
    public ConsumerType Type { get; }

    /// <summary>True once the consumer is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>The transport the consumer belongs to.</summary>
    public Transport Transport => _transport;

    /// <summary>The consumer's priority for the transport's outgoing bitrate (1, the default, to 255); see <see cref="SetPriorityAsync"/>.</summary>
    public int Priority => Volatile.Read(ref _priority);

    /// <summary>
    /// Emits why the consumer closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// Whether the consumer itself is paused (<see cref="PauseAsync"/>, <see cref="ResumeAsync"/>,
    /// <see cref="ConsumerOptions.Paused"/>): the current value on subscribe, then each change; completes on close.
    /// Media flows only while both this and <see cref="ProducerPaused"/> are false.
    /// <code>
    /// paused:     true-----false---|
    /// </code>
    /// </summary>
    public IObservable<bool> Paused => _paused;

    /// <summary>
    /// Whether the consumed producer is paused (mediasoup's <c>producerpause</c> / <c>producerresume</c>): the current
    /// value on subscribe, then each change; completes on close.
    /// <code>
    /// producerPaused: false---true----false---|
    /// </code>
    /// </summary>
    public IObservable<bool> ProducerPaused => _producerPaused;

    /// <summary>
    /// The consumer's score (and the producer's): the current value on subscribe, then each change; completes on close.
    /// <code>
    /// score:      s0------s1----s2---|
    /// </code>
    /// </summary>
    public IObservable<ConsumerScore> Score => _score;

    /// <summary>
    /// The preferred layers (simulcast/SVC; null for other consumers or until known): the current value on subscribe,
    /// then each change made by <see cref="SetPreferredLayersAsync"/>; completes on close.
    /// <code>
    /// preferred:  {2,2}------{0,0}---|
    /// </code>
    /// </summary>
    public IObservable<ConsumerLayers?> PreferredLayers => _preferredLayers;

    /// <summary>
    /// The layers currently sent (mediasoup's <c>currentLayers</c> / <c>layerschange</c>; null while none is sent):
    /// the current value on subscribe, then each change; completes on close.
    /// <code>
    /// layers:     null---{0,2}---{2,2}---null---|
    /// </code>
    /// </summary>
    public IObservable<ConsumerLayers?> Layers => _layers;

    /// <summary>
    /// Trace events enabled with <see cref="EnableTraceEventAsync"/> (hot: no replay); completes on close.
    /// <code>
    /// trace:      --e1----e2--e3---|
    /// </code>
    /// </summary>
    public IObservable<ConsumerTraceEvent> Trace => _trace;

    /// <summary>
    /// RTP packets the consumer sends to the application (consumers of a <see cref="DirectTransport"/>; hot: no
    /// replay); completes on close. Payload ownership: each packet is copied out of the channel's receive buffer into
    /// memory that is never reused, so subscribers may keep it (all subscribers see the same read-only copy).
    /// <code>
    /// rtp:        --p1-p2-p3--p4---|
    /// </code>
    /// </summary>
    public IObservable<ReadOnlyMemory<byte>> Rtp => _rtp;

    /// <summary>
    /// <see cref="Rtp"/> behind an opt-in bounded buffer, for a subscriber slower than the packet rate: each subscription
    /// gets its own queue of at most <paramref name="capacity"/> packets, delivered on <paramref name="scheduler"/> (off the
    /// channel's dispatch loop). When the queue is full the oldest packet is dropped (the freshest media wins) and counted
    /// in <see cref="DroppedRtpPackets"/>. Completes, after the queued packets, when the consumer closes.
    /// <code>
    /// rtp:        -p1-p2-p3-p4--------|
    /// capacity 2, slow subscriber:
    /// buffered:   -p1--------p3--p4---|     p2 dropped
    /// </code>
    /// Payload ownership: as <see cref="Rtp"/> (each packet is its own copy, safe to keep and to queue).
    /// </summary>
    /// <param name="capacity">The most packets waiting per subscription; positive.</param>
    /// <param name="scheduler">Where packets are delivered; <see cref="TaskPoolScheduler.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public IObservable<ReadOnlyMemory<byte>> BufferedRtp(int capacity, IScheduler? scheduler = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new BoundedObservable<ReadOnlyMemory<byte>>(_rtp, capacity, scheduler ?? TaskPoolScheduler.Default,
            () => Interlocked.Increment(ref _droppedRtpPackets), _logger, "Consumer.BufferedRtp");
    }

    /// <summary>Packets dropped so far by full <see cref="BufferedRtp"/> queues (all subscriptions).</summary>
    public long DroppedRtpPackets => Interlocked.Read(ref _droppedRtpPackets);

    /// <summary>The notification sink (tests feed it notifications).</summary>
    internal EntityNotificationSink<Consumer> NotificationSink => _sink;

    /// <summary>Total subscribers of this consumer's streams (a diagnostic for leak checks).</summary>
    internal int SubscriberCount => _closed.SubscriberCount + _paused.SubscriberCount + _producerPaused.SubscriberCount
        + _score.SubscriberCount + _preferredLayers.SubscriberCount + _layers.SubscriberCount + _trace.SubscriberCount
        + _rtp.SubscriberCount;

    private Channel.WorkerChannel Channel => _transport.Channel;

    /// <summary>Dumps the consumer's internal state.</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<ConsumerDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return await ConsumerProtocol.DumpAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the consumer's stream statistics: its outbound stream(s) first, then (if any) the producer's inbound one.</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return await ConsumerProtocol.GetStatsAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The consumer's stats (<see cref="GetStatsAsync"/>) every <paramref name="period"/>: the first request at
    /// subscribe, each next one <paramref name="period"/> after the previous answer (requests never overlap). One shared
    /// loop per consumer, period and scheduler; it stops when the last subscriber leaves. Completes when the consumer
    /// closes; a failed request other than "closed" is an error. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); the default scheduler when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<IReadOnlyList<RtpStreamStats>> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Consumer.Stats", GetStatsAsync, period, _closed, scheduler, _logger);

    /// <summary>Pauses the consumer: the worker stops sending it media.</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        // The state changes on the dispatch loop as the answer arrives, so concurrent calls end in the last answer's state.
        await ConsumerProtocol.PauseAsync(Channel, Id, cancellationToken, () => _paused.OnNext(true)).ConfigureAwait(false);
    }

    /// <summary>Resumes the consumer (media flows again unless the producer is paused).</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await ConsumerProtocol.ResumeAsync(Channel, Id, cancellationToken, () => _paused.OnNext(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets the preferred spatial and temporal layers (simulcast and SVC consumers); the worker clamps them to what
    /// the producer has, and <see cref="PreferredLayers"/> then holds what it settled on (null for other consumers).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A layer outside 0–255.</exception>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task SetPreferredLayersAsync(ConsumerLayers layers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.SpatialLayer is < 0 or > byte.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(layers), layers.SpatialLayer, "spatialLayer must be a number between 0 and 255");
        if (layers.TemporalLayer is < 0 or > byte.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(layers), layers.TemporalLayer, "if given, temporalLayer must be a number between 0 and 255");
        ThrowIfClosed();
        await Channel.RequestAsync(FBS.Request.Method.CONSUMER_SET_PREFERRED_LAYERS, Id, FBS.Request.Body.Consumer_SetPreferredLayersRequest,
            layers, static (b, l) => ConsumerProtocol.WriteSetPreferredLayersRequest(b, l).Value,
            (in FBS.Response.Response r) => _preferredLayers.OnNext(ConsumerProtocol.ParseSetPreferredLayersResponse(r)),
            cancellationToken).ConfigureAwait(false);
    }

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
    public async Task SetPriorityAsync(int priority, CancellationToken cancellationToken = default)
    {
        if (priority is < 0 or > byte.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "priority must be a positive number up to 255");
        ThrowIfClosed();
        await Channel.RequestAsync(FBS.Request.Method.CONSUMER_SET_PRIORITY, Id, FBS.Request.Body.Consumer_SetPriorityRequest,
            priority, static (b, p) => ConsumerProtocol.WriteSetPriorityRequest(b, p).Value,
            (in FBS.Response.Response r) => { Volatile.Write(ref _priority, ConsumerProtocol.ParseSetPriorityResponse(r)); return true; },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resets the priority to 1 (the default).</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task UnsetPriorityAsync(CancellationToken cancellationToken = default) => SetPriorityAsync(1, cancellationToken);

    /// <summary>Asks the producer's endpoint for a key frame (video).</summary>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task RequestKeyFrameAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await ConsumerProtocol.RequestKeyFrameAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Chooses which trace events <see cref="Trace"/> emits; null or empty disables them all. Duplicates are sent once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined <see cref="ConsumerTraceEventType"/> value.</exception>
    /// <exception cref="NotFoundException">The consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task EnableTraceEventAsync(IEnumerable<ConsumerTraceEventType>? types = null, CancellationToken cancellationToken = default)
    {
        var list = (types ?? []).Distinct().ToArray();
        foreach (var type in list)
            if (!Enum.IsDefined(type))
                throw new ArgumentOutOfRangeException(nameof(types), type, $"invalid trace event type: {type}");
        ThrowIfClosed();
        await ConsumerProtocol.EnableTraceEventAsync(Channel, Id, list, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the consumer; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>. Idempotent; completes when the
    /// worker has processed the close (errors because the worker or transport is gone are ignored).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!CloseCore(CloseReason.Explicit)) return;
        try
        {
            await ConsumerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerClosedException or NotFoundException)
        {
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"Consumer[id:{Id}]";

    /// <summary>The transport closed (or its router/worker did): close without telling the worker.</summary>
    internal void OnTransportClosed(CloseReason reason) => CloseCore(reason);

    /// <summary>The producer closed: close without telling the worker (it closed the consumer itself).</summary>
    internal void OnProducerClosed() => CloseCore(CloseReason.ProducerClosed);

    /// <summary>Throws if closed: <see cref="WorkerClosedException"/> when the worker is gone, else <see cref="NotFoundException"/>.</summary>
    internal void ThrowIfClosed()
    {
        if (Channel.IsClosed) throw new WorkerClosedException($"Worker closed [consumer:{Id}]");
        if (!IsClosed) return;
        if (_closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied)
            throw new WorkerClosedException($"Worker closed [consumer:{Id}]");
        throw new NotFoundException($"Consumer closed [id:{Id}]");
    }

    private bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        Channel.UnregisterHandler(Id);
        _transport.RemoveConsumer(this);
        _producer.RemoveConsumer(this);
        _paused.Complete();
        _producerPaused.Complete();
        _score.Complete();
        _preferredLayers.Complete();
        _layers.Complete();
        _trace.Complete();
        _rtp.Complete();
        _closed.EmitAndComplete(reason);
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications (parsed on the dispatch loop)
    // ---------------------------------------------------------------------------------------------

    internal static readonly EntityNotificationParser<Consumer> ParseNotification = static (Event @event, in FBS.Notification.Notification n) =>
    {
        switch (@event)
        {
            case Event.CONSUMER_PRODUCER_CLOSE:
                return static c => c.OnProducerClosed();
            case Event.CONSUMER_PRODUCER_PAUSE:
                return static c => c._producerPaused.OnNext(true);
            case Event.CONSUMER_PRODUCER_RESUME:
                return static c => c._producerPaused.OnNext(false);
            case Event.CONSUMER_SCORE:
            {
                var score = ConsumerProtocol.ParseScoreNotification(n);
                return c => c._score.OnNext(score);
            }
            case Event.CONSUMER_LAYERS_CHANGE:
            {
                var layers = ConsumerProtocol.ParseLayersChangeNotification(n);
                return c => c._layers.OnNext(layers);
            }
            case Event.CONSUMER_TRACE:
            {
                var trace = ConsumerProtocol.ParseTraceNotification(n);
                return c => c._trace.OnNext(trace);
            }
            case Event.CONSUMER_RTP:
            {
                ReadOnlyMemory<byte> packet = ConsumerProtocol.ParseRtpNotification(n);
                return c => c._rtp.OnNext(packet);
            }
            default:
                return null;
        }
    };

    /// <summary>
    /// The hot path once the consumer exists: an RTP packet goes straight to <see cref="Rtp"/>, with one allocation (the
    /// packet's copy) per notification.
    /// </summary>
    internal static readonly EntityNotificationDispatcher<Consumer> DispatchNotification = static (Consumer c, Event @event, in FBS.Notification.Notification n) =>
    {
        if (@event != Event.CONSUMER_RTP) return false;
        c._rtp.OnNext(ConsumerProtocol.ParseRtpNotification(n));
        return true;
    };
}
