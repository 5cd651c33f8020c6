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
/// Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its router closes (<see cref="CloseReason.RouterClosed"/>,
/// mediasoup's <c>routerclose</c>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). A producer that closes leaves its observers in the worker silently (no
/// <see cref="ProducerRemoved"/>, as in mediasoup). Lifecycle, command and delivery rules: <see cref="MediasoupEntity"/>.
/// </remarks>
public abstract class RtpObserver : MediasoupEntity, INotificationTarget<RtpObserverNotification>
{
    private readonly Router _router;
    private readonly StreamSubject<bool> _paused;
    private readonly StreamSubject<Producer> _producerAdded;
    private readonly StreamSubject<Producer> _producerRemoved;

    private protected RtpObserver(string kind, Router router, string id, NotificationSink<RtpObserverNotification> sink,
        IDictionary<string, object?>? appData, ILogger logger)
        : base(kind, id, router.Channel, logger, appData)
    {
        _router = router;
        NotificationSink = sink;
        Id = id;
        _paused = State("Paused", false);
        _producerAdded = Events<Producer>("ProducerAdded");
        _producerRemoved = Events<Producer>("ProducerRemoved");
    }

    /// <summary>The observer's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>Active speaker or audio level (mediasoup's <c>type</c>).</summary>
    public abstract RtpObserverType Type { get; }

    /// <summary>The router the observer belongs to.</summary>
    public Router Router => _router;

    /// <summary>
    /// Whether the observer is paused: the current value on subscribe (false at creation), then each change (from
    /// <see cref="PauseAsync"/> and <see cref="ResumeAsync"/>, applied as the worker answers, so concurrent calls end in
    /// the last answer's state); completes when the observer closes. <c>Paused.Value</c> is the current state.
    /// <code>
    /// paused:     false---true-----false---|
    /// </code>
    /// </summary>
    public IObservableState<bool> Paused => _paused;

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

    /// <summary>The notification sink (tests feed it notifications).</summary>
    internal NotificationSink<RtpObserverNotification> NotificationSink { get; }

    /// <summary>Pauses the observer: it stops observing (and emitting) until resumed.</summary>
    /// <exception cref="NotFoundException">The observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
        => Command(() => RtpObserverProtocol.PauseAsync(Channel, Id, () => _paused.OnNext(true), cancellationToken));

    /// <summary>Resumes the observer.</summary>
    /// <exception cref="NotFoundException">The observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
        => Command(() => RtpObserverProtocol.ResumeAsync(Channel, Id, () => _paused.OnNext(false), cancellationToken));

    /// <summary>
    /// Adds a producer (of any transport of the router) to observe; <see cref="ProducerAdded"/> emits it once the worker
    /// accepted it. Only audio producers whose RTP carries the <c>ssrc-audio-level</c> header extension are measured.
    /// </summary>
    /// <param name="producerId">The id of a producer of this observer's router.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentNullException"><paramref name="producerId"/> is null.</exception>
    /// <exception cref="NotFoundException">No such producer in the router, or the observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed (checked first).</exception>
    public Task AddProducerAsync(string producerId, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            var producer = FindProducer(producerId);
            return RtpObserverProtocol.AddProducerAsync(Channel, Id, producerId, () => _producerAdded.OnNext(producer), cancellationToken);
        });

    /// <summary>Stops observing a producer; <see cref="ProducerRemoved"/> emits it once the worker accepted it.</summary>
    /// <param name="producerId">The id of a producer of this observer's router.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentNullException"><paramref name="producerId"/> is null.</exception>
    /// <exception cref="NotFoundException">No such producer in the router, or the observer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed (checked first).</exception>
    public Task RemoveProducerAsync(string producerId, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            var producer = FindProducer(producerId);
            return RtpObserverProtocol.RemoveProducerAsync(Channel, Id, producerId, () => _producerRemoved.OnNext(producer), cancellationToken);
        });

    /// <summary>The live producer of the router with <paramref name="producerId"/>, or null (it closed meanwhile).</summary>
    private protected Producer? GetProducer(string producerId) => _router.GetProducer(producerId);

    /// <summary>Handles a notification of the observer's own kind (on the worker's delivery queue, in worker order).</summary>
    private protected abstract void OnNotification(RtpObserverNotification notification);

    private protected override Task SendCloseAsync() => RtpObserverProtocol.CloseAsync(Channel, _router.Id, Id, CancellationToken.None);

    private protected override void OnClosing(CloseReason reason) => _router.RtpObservers.Remove(this);

    private Producer FindProducer(string producerId)
    {
        ArgumentNullException.ThrowIfNull(producerId);
        return GetProducer(producerId) ?? throw new NotFoundException($"Producer with id \"{producerId}\" not found");
    }

    void INotificationTarget<RtpObserverNotification>.OnNotification(RtpObserverNotification notification) => OnNotification(notification);
}
