using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// A room: one router (moved to a live worker if its worker dies), its members, their producers and data producers
/// as live collections, and the room-wide streams derived from the library's: the active speaker
/// (<see cref="ActiveSpeakerObserver.DominantSpeaker"/>) and each peer's stall state
/// (<see cref="Producer.PollStats"/> + <see cref="StatsOperators.Stalled{T}"/>). Every delay (stats polling, stall
/// threshold, the move's retries) runs on <see cref="Scheduler"/>: the default scheduler in production, a
/// <c>TestScheduler</c> with simulated workers in the room's unit tests.
/// </summary>
public sealed class Room : IAsyncDisposable
{
    /// <summary>The codecs every room's router offers: Opus and VP8 (simulcast).</summary>
    public static readonly IReadOnlyList<RtpCodecCapability> MediaCodecs =
    [
        new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
    ];

    private readonly WorkerManager _workers;
    private readonly RoomServerOptions _options;
    private readonly IScheduler _scheduler;
    private readonly ILogger _log;
    private readonly StateSubject<Router> _router;
    private readonly StateSubject<string?> _activeSpeaker = new(null);
    private readonly Func<CancellationToken, Task<Router>> _createRouter;
    private readonly Subject<(string PeerId, bool Stalled)> _stalls = new();
    private readonly SerialDisposable _routerWiring = new();
    private readonly CompositeDisposable _subscriptions = [];
    private readonly CancellationTokenSource _closing = new();

    private Room(string id, Router router, WorkerManager workers, RoomServerOptions options, IScheduler scheduler, ILogger log,
        Func<CancellationToken, Task<Router>> createRouter)
    {
        Id = id;
        _workers = workers;
        _createRouter = createRouter;
        _options = options;
        _scheduler = scheduler;
        _log = log;
        _router = new StateSubject<Router>(router);
        _subscriptions.Add(_routerWiring);
        _subscriptions.Add(StallsOfPeers().Subscribe(_stalls));
    }

    /// <summary>The room's id.</summary>
    public string Id { get; }

    /// <summary>The clock of the room's delays (stats polling, stall threshold, retries).</summary>
    public IScheduler Scheduler => _scheduler;

    /// <summary>The room's current router, then each router it moves to (after its worker died).</summary>
    public IObservableState<Router> Router => _router;

    /// <summary>The room's members (browser and server peers).</summary>
    public LiveCollection<RoomPeer> Peers { get; } = new();

    /// <summary>Every media producer in the room, with its peer's id.</summary>
    public LiveCollection<RoomProducer> Producers { get; } = new();

    /// <summary>Every data producer (chat) in the room, with its peer's id.</summary>
    public LiveCollection<RoomDataProducer> DataProducers { get; } = new();

    /// <summary>The peer id of the dominant speaker (null until there is one), then each change.</summary>
    public IObservableState<string?> ActiveSpeaker => _activeSpeaker;

    /// <summary>A peer's stall state changes: true once any of its producers has sent nothing for the threshold.</summary>
    public IObservable<(string PeerId, bool Stalled)> Stalls => _stalls;

    /// <param name="createRouter">Where the room's router comes from (also after a move); default: a new router on the least loaded worker (cluster mode: the cluster's router of this process).</param>
    internal static async Task<Room> CreateAsync(string id, WorkerManager workers, RoomServerOptions options, IScheduler scheduler, ILogger log,
        CancellationToken cancellationToken, Func<CancellationToken, Task<Router>>? createRouter = null)
    {
        createRouter ??= ct => workers.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs }, ct);
        var router = await createRouter(cancellationToken).ConfigureAwait(false);
        var room = new Room(id, router, workers, options, scheduler, log, createRouter);
        await room.WireAsync(router, cancellationToken).ConfigureAwait(false);
        log.LogInformation("room {RoomId} created on router {RouterId} (worker pid {Pid})", id, router.Id, WorkerPidOf(workers, router));
        return room;
    }

    /// <summary>Cluster mode: admits a peer id across the cluster before it joins (throws a signalling error if taken elsewhere).</summary>
    internal Func<string, CancellationToken, Task>? AdmitPeer { get; set; }

    /// <summary>Cluster mode: the active speaker is the cluster's (<see cref="SetActiveSpeaker"/>), not this router's observer's.</summary>
    internal bool ActiveSpeakerFromCluster { get; set; }

    /// <summary>Cluster mode: the cluster's active speaker.</summary>
    internal void SetActiveSpeaker(string? peerId) => _activeSpeaker.Set(peerId);

    /// <summary>
    /// Joins a peer hosted by this program: producers given to <see cref="ServerPeer.AddProducer"/> are consumed by
    /// the browser peers exactly like a browser peer's. Dispose it to leave.
    /// </summary>
    /// <exception cref="InvalidOperationException">A peer with this id is already in the room.</exception>
    public Task<ServerPeer> JoinServerPeerAsync(string peerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(peerId);
        cancellationToken.ThrowIfCancellationRequested();
        var peer = new RoomPeer(peerId, isServerPeer: true, kick: null);
        if (!TryJoin(peer, out _))
            throw new InvalidOperationException($"peerId '{peerId}' is already in room '{Id}'");
        return Task.FromResult(new ServerPeer(this, peer));
    }

    /// <summary>Adds a browser peer; one with the same id is kicked (a page reconnecting before its old socket dropped).</summary>
    internal bool TryJoin(RoomPeer peer, out RoomPeer? existing)
    {
        existing = Peers.Items.FirstOrDefault(p => p.PeerId == peer.PeerId);
        if (existing is not null)
        {
            if (existing.IsServerPeer || peer.IsServerPeer) return false;
            existing.Kick?.Invoke();
            Leave(existing);
        }
        Peers.Add(peer);
        return true;
    }

    internal void Leave(RoomPeer peer)
    {
        if (!Peers.Remove(peer)) return;
        Producers.RemoveWhere(p => p.PeerId == peer.PeerId);
        DataProducers.RemoveWhere(p => p.PeerId == peer.PeerId);
    }

    /// <summary>Adds a producer to the room until it closes (or is removed by its peer leaving).</summary>
    internal void AddProducer(RoomProducer entry)
    {
        if (!Producers.Add(entry)) return;
        entry.Producer.Closed.Take(1).Subscribe(_ => Producers.Remove(entry));
    }

    internal void AddDataProducer(RoomDataProducer entry)
    {
        if (!DataProducers.Add(entry)) return;
        entry.DataProducer.Closed.Take(1).Subscribe(_ => DataProducers.Remove(entry));
    }

    /// <summary>The router's room-wide pipelines: active speaker, and the move when the router dies with its worker.</summary>
    private async Task WireAsync(Router router, CancellationToken cancellationToken)
    {
        var observer = await router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 300 }, cancellationToken)
            .ConfigureAwait(false);
        var wiring = new CompositeDisposable();
        // Every audio producer on this router joins the observer; the dominant one's peer becomes the active speaker.
        wiring.Add(Producers.Added()
            .Where(p => p.Producer.Kind == MediaKind.Audio && !p.Producer.IsClosed && router.Transports.Lookup(p.Producer.Transport.Id) is not null)
            .SelectMany(p => Observable.FromAsync(ct => observer.AddProducerAsync(p.Producer.Id, ct))
                .Catch<System.Reactive.Unit, Exception>(_ => Observable.Empty<System.Reactive.Unit>()))
            .Subscribe());
        wiring.Add(observer.DominantSpeaker
            .Select(d => Producers.Items.FirstOrDefault(p => p.Producer.Id == d.ProducerId)?.PeerId)
            .Where(peerId => peerId is not null)
            .DistinctUntilChanged()
            .Where(_ => !ActiveSpeakerFromCluster)
            .Subscribe(peerId => _activeSpeaker.Set(peerId)));
        // The worker died (not a close of ours): move the room to a live worker; the peers reconnect to the new router.
        wiring.Add(router.Closed.Take(1)
            .Where(reason => reason != CloseReason.Explicit && !_closing.IsCancellationRequested)
            .SelectMany(reason => Observable.FromAsync(ct => MoveAsync(reason, ct)))
            .Subscribe(_ => { }, e => _log.LogError("room {RoomId} could not move to a live worker: {Error}", Id, e.Message)));
        wiring.Add(Disposable.Create(() => EntityLifetimeClose(observer)));
        _routerWiring.Disposable = wiring;
    }

    private async Task MoveAsync(CloseReason reason, CancellationToken cancellationToken)
    {
        _log.LogWarning("room {RoomId}: its router closed ({Reason}); moving to a live worker", Id, reason);
        Producers.RemoveWhere(p => p.Producer.IsClosed);
        DataProducers.RemoveWhere(p => p.DataProducer.IsClosed);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var router = await _createRouter(linked.Token).ConfigureAwait(false);
                await WireAsync(router, linked.Token).ConfigureAwait(false);
                if (!ActiveSpeakerFromCluster) _activeSpeaker.Set(null);
                _router.Set(router);
                _log.LogInformation("room {RoomId} moved to router {RouterId} (worker pid {Pid})", Id, router.Id, WorkerPidOf(_workers, router));
                return;
            }
            catch (Exception e) when (attempt < 40 && e is not OperationCanceledException)
            {
                // The manager may still be replacing the dead worker; try again shortly.
                _log.LogInformation("room {RoomId}: move attempt {Attempt} failed ({Error}); retrying in 250 ms", Id, attempt, e.Message);
                await Observable.Timer(TimeSpan.FromMilliseconds(250), _scheduler).ToTask(linked.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Per peer: stalled while any of its producers' packet counts has not grown for the threshold.</summary>
    private IObservable<(string PeerId, bool Stalled)> StallsOfPeers()
    {
        var stalledProducers = new Dictionary<string, HashSet<string>>();
        return Producers.Added()
            .SelectMany(p => p.Producer.PollStats(_options.StallPollPeriod, _scheduler)
                .Stalled(stats => stats.Sum(s => s.PacketCount), _options.StallThreshold, _scheduler)
                .Catch<bool, Exception>(_ => Observable.Empty<bool>())
                .TakeUntil(Producers.WhenRemoved(p))
                .Concat(Observable.Return(false))
                .Select(stalled => (Entry: p, Stalled: stalled)))
            .Select(change =>
            {
                // SelectMany serializes its inner streams' values, so this state needs no lock.
                if (!stalledProducers.TryGetValue(change.Entry.PeerId, out var set))
                    stalledProducers[change.Entry.PeerId] = set = [];
                if (change.Stalled) set.Add(change.Entry.Producer.Id);
                else set.Remove(change.Entry.Producer.Id);
                return (change.Entry.PeerId, Stalled: set.Count > 0);
            })
            .GroupBy(s => s.PeerId)
            .SelectMany(peer => peer.DistinctUntilChanged());
    }

    private static int? WorkerPidOf(WorkerManager workers, Router router) =>
        workers.Workers.Items.FirstOrDefault(w => w.Routers.Lookup(router.Id) is not null)?.Pid;

    private static void EntityLifetimeClose(MediasoupEntity entity) => _ = entity.CloseAsync().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);

    /// <summary>Closes the room's router (its transports and everything on them).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closing.IsCancellationRequested) return;
        _closing.Cancel();
        _subscriptions.Dispose();
        try
        {
            await _router.Value.CloseAsync().ConfigureAwait(false);
        }
        catch (MediasoupException)
        {
            // The worker is already gone.
        }
        _router.Complete();
        _activeSpeaker.Complete();
        _stalls.OnCompleted();
    }
}
