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
        options ??= new ActiveSpeakerObserverOptions();
        options.Validate();
        return await CreateRtpObserverCoreAsync(ActiveSpeakerObserver.ParseNotification,
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
        options ??= new AudioLevelObserverOptions();
        options.Validate();
        return await CreateRtpObserverCoreAsync(AudioLevelObserver.ParseNotification,
            id => RtpObserverProtocol.CreateAudioLevelObserverAsync(Channel, Id, id, (ushort)options.MaxEntries, (sbyte)options.Threshold,
                (ushort)options.Interval, CancellationToken.None),
            (id, sink) => new AudioLevelObserver(this, id, sink, options.AppData, _logger), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers the observer's notification handler, then sends the create request (so nothing the worker says first is
    /// lost). On failure or cancellation the handler is removed; an observer the worker created after the caller
    /// cancelled is closed in the worker.
    /// </summary>
    private async Task<T> CreateRtpObserverCoreAsync<T>(EntityNotificationParser<RtpObserver> parse, Func<string, Task> create,
        Func<string, EntityNotificationSink<RtpObserver>, T> construct, CancellationToken cancellationToken) where T : RtpObserver
    {
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string rtpObserverId = Guid.NewGuid().ToString();
        var sink = new EntityNotificationSink<RtpObserver>(parse);
        Channel.RegisterHandler(rtpObserverId, sink);
        try
        {
            var created = create(rtpObserverId);
            await EntityCreation.AwaitCreatedAsync(created,
                () => RtpObserverProtocol.CloseAsync(Channel, Id, rtpObserverId, CancellationToken.None), cancellationToken).ConfigureAwait(false);
            await created.ConfigureAwait(false);
        }
        catch
        {
            Channel.UnregisterHandler(rtpObserverId);
            throw;
        }
        var observer = construct(rtpObserverId, sink);
        if (!RtpObservers.Add(observer))
        {
            // The router closed (or its worker closed/died) while the observer was being created.
            bool workerGone = Channel.IsClosed || _worker.IsClosed;
            observer.OnRouterClosed(workerGone ? (_worker.HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed) : CloseReason.RouterClosed);
            if (workerGone) throw new WorkerClosedException($"Worker closed while creating an RTP observer [router:{Id}]");
            throw new NotFoundException($"Router closed while creating an RTP observer [id:{Id}]");
        }
        observer.AttachNotifications();
        return observer;
    }

    /// <summary>The router closed (or its worker did): close every observer, then complete the collection.</summary>
    private void CloseRtpObservers(CloseReason reason)
    {
        foreach (var observer in RtpObservers.Items) observer.OnRouterClosed(reason);
        RtpObservers.Complete();
        // An observer added concurrently, before Complete, is closed too (no add succeeds after it).
        foreach (var observer in RtpObservers.Items) observer.OnRouterClosed(reason);
    }
}
