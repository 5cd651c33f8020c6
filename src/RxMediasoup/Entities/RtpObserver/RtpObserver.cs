using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>The kind of an <see cref="RtpObserver"/> (mediasoup's <c>rtpObserver.type</c>).</summary>
public enum RtpObserverType
{
    /// <summary>An <see cref="ActiveSpeakerObserver"/> (<c>activespeaker</c>).</summary>
    ActiveSpeaker,
    /// <summary>An <see cref="AudioLevelObserver"/> (<c>audiolevel</c>).</summary>
    AudioLevel,
}

/// <summary>
/// The base of the router's RTP observers (<see cref="ActiveSpeakerObserver"/>, <see cref="AudioLevelObserver"/>):
/// they watch the audio levels of the producers added to them (the <c>urn:ietf:params:rtp-hdrext:ssrc-audio-level</c>
/// header extension of their RTP, RFC 6464) and report on them. Unlike other entities they have no dump or stats, as
/// in mediasoup.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its router closes (<see cref="CloseReason.RouterClosed"/>,
/// mediasoup's <c>routerclose</c>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Whatever the cause, every stream of the observer completes and
/// <see cref="Closed"/> emits the reason. A producer that closes leaves its observers in the worker silently (no
/// <see cref="ProducerRemoved"/>, as in mediasoup).</para>
/// <para>Commands on a closed observer throw <see cref="NotFoundException"/>, or <see cref="WorkerClosedException"/>
/// when the worker is gone.</para>
/// <para>Streams deliver synchronously on the channel's dispatch loop, in worker order: put slow work behind
/// <c>ObserveOn</c>. A subscriber that throws is logged and removed.</para>
/// </remarks>
public abstract class RtpObserver : IAsyncDisposable
{
    private readonly Router _router;
    private readonly EntityNotificationSink<RtpObserver> _sink;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly StateStream<bool> _paused;
    private readonly StateStream<Producer> _producerAdded;
    private readonly StateStream<Producer> _producerRemoved;
    private int _isClosed;
    private CloseReason? _closeReason;

    private protected RtpObserver(Router router, string id, EntityNotificationSink<RtpObserver> sink, IDictionary<string, object?>? appData,
        ILogger logger)
    {
        _router = router;
        _sink = sink;
        Logger = logger;
        Id = id;
        AppData = appData ?? new Dictionary<string, object?>();
        string name = GetType().Name;
        _closed = new LifecycleSignal<CloseReason>($"{name}.Closed", logger);
        _paused = new StateStream<bool>($"{name}.Paused", false, logger);
        _producerAdded = StateStream<Producer>.Events($"{name}.ProducerAdded", logger);
        _producerRemoved = StateStream<Producer>.Events($"{name}.ProducerRemoved", logger);
    }

    /// <summary>The observer's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>Active speaker or audio level (mediasoup's <c>type</c>).</summary>
    public abstract RtpObserverType Type { get; }

    /// <summary>The router the observer belongs to.</summary>
    public Router Router => _router;

    /// <summary>True once the observer is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Whether the observer is paused (the current value of <see cref="Paused"/>).</summary>
    public bool IsPaused => _paused.Value;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>
    /// Emits why the observer closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// Whether the observer is paused: the current value on subscribe (false at creation), then each change (from
    /// <see cref="PauseAsync"/> and <see cref="ResumeAsync"/>, applied on the dispatch loop as the worker answers, so
    /// concurrent calls end in the last answer's state); completes when the observer closes.
    /// <code>
    /// paused:     false---true-----false---|
    /// </code>
    /// </summary>
    public IObservable<bool> Paused => _paused;

    /// <summary>
    /// Each producer added with <see cref="AddProducerAsync"/>, as the worker's answer arrives (mediasoup's observer
    /// <c>addproducer</c>; hot: no replay); completes when the observer closes.
    /// <code>
    /// added:      ---p1------p2----|
    /// </code>
    /// </summary>
    public IObservable<Producer> ProducerAdded => _producerAdded;

    /// <summary>
    /// Each producer removed with <see cref="RemoveProducerAsync"/>, as the worker's answer arrives (mediasoup's observer
    /// <c>removeproducer</c>; hot: no replay); completes when the observer closes. A producer that closes is not
    /// reported here.
    /// <code>
    /// removed:    ---------p1------|
    /// </code>
    /// </summary>
    public IObservable<Producer> ProducerRemoved => _producerRemoved;

    /// <summary>Total subscribers of this observer's streams (a diagnostic for leak checks).</summary>
    internal virtual int SubscriberCount => _closed.SubscriberCount + _paused.SubscriberCount + _producerAdded.SubscriberCount
        + _producerRemoved.SubscriberCount;

    /// <summary>The notification sink (tests feed it notifications).</summary>
    internal EntityNotificationSink<RtpObserver> NotificationSink => _sink;

    private protected ILogger Logger { get; }

    private Channel.WorkerChannel Channel => _router.Channel;

    /// <summary>Pauses the observer: it stops observing (and emitting) until resumed.</summary>
    /// <exception cref="NotFoundException">The observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task PauseAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        // The state changes on the dispatch loop as the answer arrives, so concurrent calls end in the last answer's state.
        await RtpObserverProtocol.PauseAsync(Channel, Id, () => _paused.OnNext(true), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes the observer.</summary>
    /// <exception cref="NotFoundException">The observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        await RtpObserverProtocol.ResumeAsync(Channel, Id, () => _paused.OnNext(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a producer (of any transport of the router) to observe; <see cref="ProducerAdded"/> emits it once the worker
    /// accepted it. Only audio producers whose RTP carries the <c>ssrc-audio-level</c> header extension are measured.
    /// </summary>
    /// <param name="producerId">The id of a producer of this observer's router.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentNullException"><paramref name="producerId"/> is null.</exception>
    /// <exception cref="NotFoundException">No such producer in the router, or the observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task AddProducerAsync(string producerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(producerId);
        var producer = _router.GetProducer(producerId) ?? throw new NotFoundException($"Producer with id \"{producerId}\" not found");
        ThrowIfClosed();
        await RtpObserverProtocol.AddProducerAsync(Channel, Id, producerId, () => _producerAdded.OnNext(producer), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Stops observing a producer; <see cref="ProducerRemoved"/> emits it once the worker accepted it.</summary>
    /// <param name="producerId">The id of a producer of this observer's router.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentNullException"><paramref name="producerId"/> is null.</exception>
    /// <exception cref="NotFoundException">No such producer in the router, or the observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task RemoveProducerAsync(string producerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(producerId);
        var producer = _router.GetProducer(producerId) ?? throw new NotFoundException($"Producer with id \"{producerId}\" not found");
        ThrowIfClosed();
        await RtpObserverProtocol.RemoveProducerAsync(Channel, Id, producerId, () => _producerRemoved.OnNext(producer), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the observer; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>. Idempotent; completes when the
    /// worker has processed the close (errors because the worker or router is gone are ignored).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!CloseCore(CloseReason.Explicit)) return;
        try
        {
            await RtpObserverProtocol.CloseAsync(Channel, _router.Id, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerClosedException or NotFoundException)
        {
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}[id:{Id}]";

    /// <summary>The router closed (or its worker closed/died): close without telling the worker.</summary>
    internal void OnRouterClosed(CloseReason reason) => CloseCore(reason);

    /// <summary>Starts delivering the worker's notifications (those that arrived during creation first).</summary>
    internal void AttachNotifications() => _sink.Attach(this);

    /// <summary>The live producer of the router with <paramref name="producerId"/>, or null (it closed meanwhile).</summary>
    private protected Producer? GetProducer(string producerId) => _router.GetProducer(producerId);

    /// <summary>Completes the subclass's own streams (called once, on close, before <see cref="Closed"/> emits).</summary>
    private protected abstract void CompleteStreams();

    /// <summary>Throws if closed: <see cref="WorkerClosedException"/> when the worker is gone, else <see cref="NotFoundException"/>.</summary>
    private void ThrowIfClosed()
    {
        if (Channel.IsClosed) throw new WorkerClosedException($"Worker closed [rtpObserver:{Id}]");
        if (!IsClosed) return;
        if (_closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied)
            throw new WorkerClosedException($"Worker closed [rtpObserver:{Id}]");
        throw new NotFoundException($"RtpObserver closed [id:{Id}]");
    }

    private bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        Channel.UnregisterHandler(Id);
        _router.RtpObservers.Remove(this);
        _paused.Complete();
        _producerAdded.Complete();
        _producerRemoved.Complete();
        CompleteStreams();
        _closed.EmitAndComplete(reason);
        return true;
    }
}
