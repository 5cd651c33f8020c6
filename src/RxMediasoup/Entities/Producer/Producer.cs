using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;
using Event = FBS.Notification.Event;

namespace RxMediasoup;

/// <summary>
/// A producer: media (one audio or video track, possibly simulcast or SVC) that an endpoint sends into the router
/// through a transport. Create one with <see cref="Transport.ProduceAsync"/>; consume it with
/// <see cref="Transport.ConsumeAsync"/> on any transport of the same router.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its transport closes
/// (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Whatever the cause, every stream of the producer completes and
/// <see cref="Closed"/> emits the reason; its consumers close with <see cref="CloseReason.ProducerClosed"/> (mediasoup's
/// <c>producerclose</c>) unless their own transport, router or worker is closing them.</para>
/// <para>Commands on a closed producer throw <see cref="NotFoundException"/>, or <see cref="WorkerClosedException"/>
/// when the worker is gone.</para>
/// <para>Streams deliver synchronously on the channel's dispatch loop, in worker order: put slow work behind
/// <c>ObserveOn</c>. A subscriber that throws is logged and removed.</para>
/// </remarks>
public sealed class Producer : IAsyncDisposable
{
    private static readonly IReadOnlyList<ProducerScore> NoScores = ValueList<ProducerScore>.Empty;

    private readonly Transport _transport;
    private readonly EntityNotificationSink<Producer> _sink;
    private readonly ILogger _logger;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly StateStream<bool> _paused;
    private readonly StateStream<IReadOnlyList<ProducerScore>> _score;
    private readonly StateStream<ProducerVideoOrientation?> _videoOrientation;
    private readonly StateStream<ProducerTraceEvent> _trace;
    private readonly ConcurrentDictionary<string, Consumer> _consumers = new(StringComparer.Ordinal);
    private int _isClosed;
    private CloseReason? _closeReason;

    internal Producer(Transport transport, string id, MediaKind kind, RtpParameters rtpParameters, ProducerType type,
        RtpParameters consumableRtpParameters, bool paused, EntityNotificationSink<Producer> sink,
        IDictionary<string, object?>? appData, ILogger logger)
    {
        _transport = transport;
        _sink = sink;
        _logger = logger;
        Id = id;
        Kind = kind;
        RtpParameters = rtpParameters;
        Type = type;
        ConsumableRtpParameters = consumableRtpParameters;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>("Producer.Closed", logger);
        _paused = new StateStream<bool>("Producer.Paused", paused, logger);
        _score = new StateStream<IReadOnlyList<ProducerScore>>("Producer.Score", NoScores, logger);
        _videoOrientation = new StateStream<ProducerVideoOrientation?>("Producer.VideoOrientation", null, logger);
        _trace = StateStream<ProducerTraceEvent>.Events("Producer.Trace", logger);
    }

    /// <summary>The producer's id (a UUID unless <see cref="ProducerOptions.Id"/> gave one).</summary>
    public string Id { get; }

    /// <summary>Audio or video.</summary>
    public MediaKind Kind { get; }

    /// <summary>The RTP parameters the producer was created with (normalized, with the transport's CNAME).</summary>
    public RtpParameters RtpParameters { get; }

    /// <summary>Simple (one stream), simulcast (several encodings) or SVC (one encoding with several layers).</summary>
    public ProducerType Type { get; }

    /// <summary>True once the producer is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>The transport the producer belongs to.</summary>
    public Transport Transport => _transport;

    /// <summary>
    /// Emits why the producer closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// Whether the producer is paused: the current value on subscribe, then each change (from <see cref="PauseAsync"/>
    /// and <see cref="ResumeAsync"/>); completes when the producer closes.
    /// <code>
    /// paused:     false---true-----false---|
    /// </code>
    /// </summary>
    public IObservable<bool> Paused => _paused;

    /// <summary>
    /// The score of each of the producer's RTP streams (empty until the worker reports one): the current list on
    /// subscribe, then each change; completes when the producer closes.
    /// <code>
    /// score:      []-----[s0]----[s0']---|
    /// </code>
    /// </summary>
    public IObservable<IReadOnlyList<ProducerScore>> Score => _score;

    /// <summary>
    /// The video orientation signalled by the endpoint (the <c>urn:3gpp:video-orientation</c> header extension), null
    /// until one arrives: the current value on subscribe, then each change; completes when the producer closes.
    /// <code>
    /// orientation: null------o1------o2---|
    /// </code>
    /// </summary>
    public IObservable<ProducerVideoOrientation?> VideoOrientation => _videoOrientation;

    /// <summary>
    /// Trace events enabled with <see cref="EnableTraceEventAsync"/> (hot: no replay); completes when the producer closes.
    /// <code>
    /// trace:      --e1----e2--e3---|      (closed)
    /// </code>
    /// </summary>
    public IObservable<ProducerTraceEvent> Trace => _trace;

    /// <summary>The parameters consumers of this producer derive theirs from (mediasoup's private <c>consumableRtpParameters</c>).</summary>
    internal RtpParameters ConsumableRtpParameters { get; }

    /// <summary>The notification sink (tests feed it notifications).</summary>
    internal EntityNotificationSink<Producer> NotificationSink => _sink;

    /// <summary>Total subscribers of this producer's streams (a diagnostic for leak checks).</summary>
    internal int SubscriberCount => _closed.SubscriberCount + _paused.SubscriberCount + _score.SubscriberCount
        + _videoOrientation.SubscriberCount + _trace.SubscriberCount;

    private Channel.WorkerChannel Channel => _transport.Channel;

    /// <summary>Dumps the producer's internal state.</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<ProducerDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return await ProducerProtocol.DumpAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gets the statistics of the producer's RTP streams (inbound).</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return await ProducerProtocol.GetStatsAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The producer's stats (<see cref="GetStatsAsync"/>) every <paramref name="period"/>: the first request at
    /// subscribe, each next one <paramref name="period"/> after the previous answer (requests never overlap). One shared
    /// loop per producer, period and scheduler; it stops when the last subscriber leaves. Completes when the producer
    /// closes; a failed request other than "closed" is an error. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); the default scheduler when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<IReadOnlyList<RtpStreamStats>> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Producer.Stats", GetStatsAsync, period, _closed, scheduler, _logger);

    /// <summary>Pauses the producer: the worker stops forwarding its media to consumers (they see <c>ProducerPaused</c>).</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        // The state changes on the dispatch loop as the answer arrives, so concurrent calls end in the last answer's state.
        await ProducerProtocol.PauseAsync(Channel, Id, cancellationToken, () => _paused.OnNext(true)).ConfigureAwait(false);
    }

    /// <summary>Resumes the producer.</summary>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await ProducerProtocol.ResumeAsync(Channel, Id, cancellationToken, () => _paused.OnNext(false)).ConfigureAwait(false);
    }

    /// <summary>
    /// Chooses which trace events <see cref="Trace"/> emits; null or empty disables them all. Duplicates are sent once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined <see cref="ProducerTraceEventType"/> value.</exception>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task EnableTraceEventAsync(IEnumerable<ProducerTraceEventType>? types = null, CancellationToken cancellationToken = default)
    {
        var list = (types ?? []).Distinct().ToArray();
        foreach (var type in list)
            if (!Enum.IsDefined(type))
                throw new ArgumentOutOfRangeException(nameof(types), type, $"invalid trace event type: {type}");
        ThrowIfClosed();
        await ProducerProtocol.EnableTraceEventAsync(Channel, Id, list, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an RTP packet into the router, as if it came from a remote endpoint (producers of a
    /// <see cref="DirectTransport"/> only): a fire-and-forget notification (the worker does not answer). The bytes are
    /// copied before this returns.
    /// </summary>
    /// <exception cref="ArgumentException">An empty packet.</exception>
    /// <exception cref="UnsupportedException">The producer's transport is not a <see cref="DirectTransport"/>.</exception>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void Send(ReadOnlyMemory<byte> rtpPacket)
    {
        if (rtpPacket.IsEmpty) throw new ArgumentException("rtpPacket must not be empty", nameof(rtpPacket));
        if (_transport is not DirectTransport)
            throw new UnsupportedException($"Send() is only for producers of a DirectTransport [producer:{Id}]");
        ThrowIfClosed();
        ProducerProtocol.Send(Channel, Id, rtpPacket);
    }

    /// <summary>
    /// Closes the producer; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/> and its consumers close with
    /// <see cref="CloseReason.ProducerClosed"/>. Idempotent; completes when the worker has processed the close (errors
    /// because the worker or transport is gone are ignored).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!CloseCore(CloseReason.Explicit)) return;
        try
        {
            await ProducerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerClosedException or NotFoundException)
        {
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"Producer[id:{Id}]";

    /// <summary>The transport closed (or its router/worker did): close without telling the worker.</summary>
    internal void OnTransportClosed(CloseReason reason) => CloseCore(reason);

    /// <summary>Registers a consumer of this producer (for the close cascade); false if the producer is closed.</summary>
    internal bool AddConsumer(Consumer consumer)
    {
        _consumers[consumer.Id] = consumer;
        if (!IsClosed) return true;
        _consumers.TryRemove(consumer.Id, out _);
        return false;
    }

    internal void RemoveConsumer(Consumer consumer) => _consumers.TryRemove(new KeyValuePair<string, Consumer>(consumer.Id, consumer));

    /// <summary>Throws if closed: <see cref="WorkerClosedException"/> when the worker is gone, else <see cref="NotFoundException"/>.</summary>
    internal void ThrowIfClosed()
    {
        if (Channel.IsClosed) throw new WorkerClosedException($"Worker closed [producer:{Id}]");
        if (!IsClosed) return;
        if (_closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied)
            throw new WorkerClosedException($"Worker closed [producer:{Id}]");
        throw new NotFoundException($"Producer closed [id:{Id}]");
    }

    private bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        Channel.UnregisterHandler(Id);
        _transport.RemoveProducer(this);
        _transport.Router.RemoveProducer(this);
        // The worker closes the consumers too (CONSUMER_PRODUCER_CLOSE); closing them here makes the cascade
        // synchronous. Not when their router or worker is closing everything: then their transports close them.
        bool cascade = reason is not (CloseReason.WorkerClosed or CloseReason.WorkerDied) && !_transport.Router.IsClosed;
        foreach (var consumer in _consumers.Values)
        {
            if (cascade) consumer.OnProducerClosed();
        }
        _consumers.Clear();
        _paused.Complete();
        _score.Complete();
        _videoOrientation.Complete();
        _trace.Complete();
        _closed.EmitAndComplete(reason);
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications (parsed on the dispatch loop)
    // ---------------------------------------------------------------------------------------------

    internal static readonly EntityNotificationParser<Producer> ParseNotification = static (Event @event, in FBS.Notification.Notification n) =>
    {
        switch (@event)
        {
            case Event.PRODUCER_SCORE:
            {
                var scores = ProducerProtocol.ParseScoreNotification(n);
                return p => p._score.OnNext(scores);
            }
            case Event.PRODUCER_VIDEO_ORIENTATION_CHANGE:
            {
                var orientation = ProducerProtocol.ParseVideoOrientationNotification(n);
                return p => p._videoOrientation.OnNext(orientation);
            }
            case Event.PRODUCER_TRACE:
            {
                var trace = ProducerProtocol.ParseTraceNotification(n);
                return p => p._trace.OnNext(trace);
            }
            default:
                return null;
        }
    };
}
