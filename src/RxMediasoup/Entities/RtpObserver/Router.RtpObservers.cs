using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

// The router's RTP observers (mediasoup's createActiveSpeakerObserver / createAudioLevelObserver).
public sealed partial class Router
{
    /// <summary>
    /// The router's RTP observers as a live collection: <c>RtpObservers.Items</c> is the snapshot,
    /// <c>RtpObservers.Connect()</c> the change-set stream (snapshot, then each observer created — mediasoup's
    /// <c>newrtpobserver</c> — or closed; completes when the router closes).
    /// </summary>
    public EntityCollection<RtpObserver> RtpObservers { get; }

    /// <summary>Creates an active speaker observer (dominant speaker detection among the producers added to it).</summary>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker; an observer created anyway is closed.</param>
    /// <exception cref="ArgumentException">Invalid options (mediasoup's TypeError).</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<ActiveSpeakerObserver> CreateActiveSpeakerObserverAsync(ActiveSpeakerObserverOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        options ??= new ActiveSpeakerObserverOptions();
        options.Validate();
        return await CreateRtpObserverAsync(nameof(ActiveSpeakerObserver),
            id => RtpObserverProtocol.CreateActiveSpeakerObserverAsync(Channel, Id, id, (ushort)options.Interval, CancellationToken.None),
            (id, sink) => new ActiveSpeakerObserver(this, id, sink, options.AppData, _logger), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an audio level observer (periodic volumes of the loudest producers added to it, and silence).</summary>
    /// <param name="options">The options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker; an observer created anyway is closed.</param>
    /// <exception cref="ArgumentException">Invalid options (mediasoup's TypeError).</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<AudioLevelObserver> CreateAudioLevelObserverAsync(AudioLevelObserverOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        options ??= new AudioLevelObserverOptions();
        options.Validate();
        return await CreateRtpObserverAsync(nameof(AudioLevelObserver),
            id => RtpObserverProtocol.CreateAudioLevelObserverAsync(Channel, Id, id, (ushort)options.MaxEntries, (sbyte)options.Threshold,
                (ushort)options.Interval, CancellationToken.None),
            (id, sink) => new AudioLevelObserver(this, id, sink, options.AppData, _logger), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates an observer through <see cref="EntityCreation"/> (the observer's sink is registered first).</summary>
    private Task<T> CreateRtpObserverAsync<T>(string kind, Func<string, Task<bool>> create,
        Func<string, NotificationSink<RtpObserverNotification>, T> construct, CancellationToken cancellationToken) where T : RtpObserver
    {
        string rtpObserverId = Channel.NewId();
        var sink = new NotificationSink<RtpObserverNotification>(RtpObserverNotification.Parse, Channel.Deliveries, kind);
        return EntityCreation.CreateAsync(this, new EntityCreation.Steps<bool, T>
        {
            Kind = kind,
            Id = rtpObserverId,
            Sink = sink,
            Send = () => create(rtpObserverId),
            CloseInWorker = () => RtpObserverProtocol.CloseAsync(Channel, Id, rtpObserverId, CancellationToken.None),
            Construct = _ => construct(rtpObserverId, sink),
            Register = RtpObservers.Add,
            Attach = sink.Attach,
            ParentCloseReason = () => Channel.IsClosed || _worker.IsClosed
                ? (_worker.HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed)
                : CloseReason.RouterClosed,
        }, cancellationToken);
    }

    /// <summary>The router closed (or its worker did): close every observer, then complete the collection.</summary>
    private void CloseRtpObservers(CloseReason reason)
    {
        RtpObservers.CloseAll(observer => observer.CloseCore(reason));
    }
}
