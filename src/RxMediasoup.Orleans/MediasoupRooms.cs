using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Reactive.Linq;
using Orleans.Runtime;

namespace RxMediasoup.Orleans;

/// <summary>
/// The silo's media service: its routers of the rooms (on the silo's <see cref="WorkerManager"/>), its peers and
/// original producers, its pipe transports to other silos' routers (<see cref="MediasoupRooms"/>.Pipes), the mirrors
/// of the rooms' state, and the reaction to other silos' deaths (.Membership).
/// </summary>
internal sealed partial class MediasoupRooms : IMediasoupRooms
{
    private static readonly IReadOnlyList<RtpCodecCapability> DefaultCodecs =
    [
        new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
    ];

    private readonly IServiceProvider _services;

    /// <summary>
    /// Cancelled when the silo's host stops: from then on, entities closing with the silo are not reported to the room or
    /// to other silos one by one; the survivors clean up when Orleans' membership declares this silo dead (as after a crash).
    /// </summary>
    private readonly CancellationToken _hostStopping;
    private readonly IGrainFactory _grains;
    private readonly MediasoupRoomsOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, LocalRoom> _rooms = new(StringComparer.Ordinal);

    public MediasoupRooms(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails silo, IOptions<MediasoupRoomsOptions> options,
        IClusterMembershipService membership, ILogger<MediasoupRooms> logger)
    {
        _services = services;
        _hostStopping = services.GetService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        _grains = grains;
        _options = options.Value;
        _options.Validate();
        _logger = logger;
        _membership = membership;
        LocalSilo = silo.SiloAddress;
    }

    public SiloAddress LocalSilo { get; }

    /// <summary>The silo's manager (AddMediasoup's singleton), resolved when first used: it runs once the host started.</summary>
    private WorkerManager Manager => _services.GetService<WorkerManager>()
        ?? throw new InvalidOperationException("no WorkerManager in the silo's services: call services.AddMediasoup(...) (RxMediasoup.Hosting)");

    private LocalRoom Room(string roomId)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        WatchMembership();
        return _rooms.GetOrAdd(roomId, id => new LocalRoom(id));
    }

    private IRoomGrain RoomGrain(string roomId) => _grains.GetRoom(roomId);

    public async Task<Router> GetRouterAsync(string roomId, CancellationToken cancellationToken = default)
    {
        var room = Room(roomId);
        Task<Router> task;
        lock (room)
        {
            if (room.Router is null || room.Router.IsFaulted || room.Router.IsCanceled
                || (room.Router.IsCompletedSuccessfully && room.Router.Result.IsClosed))
                room.Router = CreateRouterAsync(room);
            task = room.Router;
        }
        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Router> CreateRouterAsync(LocalRoom room)
    {
        var router = await Manager.CreateRouterAsync(new RouterOptions { MediaCodecs = _options.MediaCodecs ?? DefaultCodecs })
            .ConfigureAwait(false);
        _logger.LogInformation("room {RoomId}: router {RouterId} on silo {Silo}", room.Id, router.Id, LocalSilo);
        return router;
    }

    public async Task<RoomSnapshot> JoinAsync(string roomId, string peerId, string? displayName = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(peerId);
        var room = Room(roomId);
        var peer = new RoomPeer(peerId, LocalSilo, displayName);
        lock (room)
        {
            // Reserved (not yet reported to a rebuilding room grain): a concurrent join of the same id on this silo fails here.
            if (room.Peers.ContainsKey(peerId) || !room.Joining.Add(peerId)) throw new DuplicatePeerException(roomId, peerId);
        }
        try
        {
            var snapshot = await RoomGrain(roomId).JoinAsync(peer).WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (room) room.Peers[peerId] = peer;
            room.Following = true;
            room.Mirror.Apply(snapshot);
            return snapshot;
        }
        finally
        {
            lock (room) room.Joining.Remove(peerId);
        }
    }

    public async Task LeaveAsync(string roomId, string peerId, CancellationToken cancellationToken = default)
    {
        var room = Room(roomId);
        lock (room)
        {
            room.Peers.Remove(peerId);
            foreach (var p in room.Producers.Values.Where(p => p.PeerId == peerId).ToList()) room.Producers.Remove(p.Id);
        }
        // The grain pushes the change to every silo in the background; this silo applies the answer at once, so its own
        // streams show the leave when LeaveAsync returns (read-your-writes; an older push arriving later is ignored).
        room.Mirror.Apply(await RoomGrain(roomId).LeaveAsync(peerId).WaitAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task PublishAsync(string roomId, string peerId, Producer producer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(producer);
        var router = await GetRouterAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(router.GetProducer(producer.Id), producer))
            throw new ArgumentException($"the producer is not on the room's router of this silo [producerId:{producer.Id}]", nameof(producer));
        var kind = producer.Kind == MediaKind.Audio ? RoomProducerKind.Audio : RoomProducerKind.Video;
        var entry = new RoomProducer(producer.Id, peerId, LocalSilo, router.Id, kind, producer.Paused.Value);
        await PublishEntryAsync(roomId, entry, producer, cancellationToken).ConfigureAwait(false);
        // The directory follows the pause state, one call at a time in order (the replayed current value skipped).
        var grain = RoomGrain(roomId);
        var calls = new SerialCalls();
        producer.Paused.Skip(1).Subscribe(paused =>
        {
            calls.Post(() => Ignore(grain.SetPausedAsync(producer.Id, paused), "directory pause"));
        });
    }

    public async Task PublishAsync(string roomId, string peerId, DataProducer dataProducer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataProducer);
        var router = await GetRouterAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(router.GetDataProducer(dataProducer.Id), dataProducer))
            throw new ArgumentException($"the data producer is not on the room's router of this silo [dataProducerId:{dataProducer.Id}]",
                nameof(dataProducer));
        var entry = new RoomProducer(dataProducer.Id, peerId, LocalSilo, router.Id, RoomProducerKind.Data);
        await PublishEntryAsync(roomId, entry, dataProducer, cancellationToken).ConfigureAwait(false);
    }

    private async Task PublishEntryAsync(string roomId, RoomProducer entry, MediasoupEntity original, CancellationToken cancellationToken)
    {
        var room = Room(roomId);
        var snapshot = await RoomGrain(roomId).PublishAsync(entry).WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (room) room.Producers[entry.Id] = entry;
        room.Mirror.Apply(snapshot); // read-your-writes, as in LeaveAsync
        original.Closed.Subscribe(closeReason =>
        {
            lock (room) room.Producers.Remove(entry.Id);
            if (!_hostStopping.IsCancellationRequested)
                _ = Ignore(RoomGrain(roomId).UnpublishAsync(entry.Id), "unpublishing a closed producer");
        });
    }

    public async Task<Producer> GetConsumableProducerAsync(string roomId, string producerId, CancellationToken cancellationToken = default)
    {
        var router = await GetRouterAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (router.GetProducer(producerId) is { IsClosed: false } local) return local;
        await ConsumeThroughRoomAsync(roomId, producerId, router, cancellationToken).ConfigureAwait(false);
        return router.GetProducer(producerId) ?? throw new ProducerNotFoundException(roomId, producerId);
    }

    public async Task<DataProducer> GetConsumableDataProducerAsync(string roomId, string dataProducerId, CancellationToken cancellationToken = default)
    {
        var router = await GetRouterAsync(roomId, cancellationToken).ConfigureAwait(false);
        if (router.GetDataProducer(dataProducerId) is { IsClosed: false } local) return local;
        if (PipeDataProducer(router.Id, dataProducerId) is { } piped) return piped;
        await ConsumeThroughRoomAsync(roomId, dataProducerId, router, cancellationToken).ConfigureAwait(false);
        return PipeDataProducer(router.Id, dataProducerId) ?? throw new ProducerNotFoundException(roomId, dataProducerId);
    }

    /// <summary>
    /// The room grain pipes the producer to <paramref name="router"/>; a producer this silo saw on a silo that died is
    /// reported as such even by a room grain re-activated since (which never knew it).
    /// </summary>
    private async Task ConsumeThroughRoomAsync(string roomId, string producerId, Router router, CancellationToken cancellationToken)
    {
        try
        {
            await RoomGrain(roomId).ConsumeAsync(producerId, LocalSilo, router.Id).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProducerNotFoundException) when (Room(roomId).LostProducers.TryGetValue(producerId, out var silo))
        {
            throw new ProducerSiloUnavailableException(roomId, producerId, silo.ToParsableString());
        }
    }

    public IObservable<IEntityChangeSet<RoomPeer, string>> Peers(string roomId) => Follow(roomId).Mirror.Peers();

    public IObservable<IEntityChangeSet<RoomProducer, string>> Producers(string roomId) => Follow(roomId).Mirror.Producers();

    public IObservable<string?> ActiveSpeaker(string roomId) => Follow(roomId).Mirror.ActiveSpeaker();

    /// <summary>Makes the room grain push the room's changes to this silo (once per room).</summary>
    private LocalRoom Follow(string roomId)
    {
        var room = Room(roomId);
        if (!room.Following)
        {
            room.Following = true;
            _ = FollowAsync(room);
        }
        return room;
    }

    private async Task FollowAsync(LocalRoom room)
    {
        try
        {
            room.Mirror.Apply(await RoomGrain(room.Id).FollowAsync(LocalSilo).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            room.Following = false;
            _logger.LogWarning(e, "room {RoomId}: following failed", room.Id);
        }
    }

    /// <summary>What this silo holds of a room.</summary>
    internal SiloRoomState GetRoomState(string roomId)
    {
        if (!_rooms.TryGetValue(roomId, out var room)) return new SiloRoomState(LocalSilo, null, [], [], []);
        lock (room)
        {
            var router = room.Router is { IsCompletedSuccessfully: true } t && !t.Result.IsClosed ? t.Result.Id : null;
            return new SiloRoomState(LocalSilo, router, [.. room.Peers.Values], [.. room.Producers.Values], PipesOf(router),
                room.Following, room.IsHome, room.Mirror.Current.Version);
        }
    }

    internal async Task<string> EnsureHomeRouterAsync(string roomId)
    {
        var router = await GetRouterAsync(roomId).ConfigureAwait(false);
        var room = Room(roomId);
        room.IsHome = true;
        await StartActiveSpeakerAsync(room, router).ConfigureAwait(false);
        return router.Id;
    }

    internal void ApplyRoomSnapshot(RoomSnapshot snapshot)
    {
        var room = Room(snapshot.RoomId);
        room.Following = true;
        bool applied = room.Mirror.Apply(snapshot);
        _logger.LogDebug("room {RoomId}: version {Version} {Outcome}: {Peers} peers, {Producers} producers, active speaker {Speaker}",
            snapshot.RoomId, snapshot.Version, applied ? "applied" : "ignored (not newer)", snapshot.Peers.Length, snapshot.Producers.Length,
            snapshot.ActiveSpeakerPeerId ?? "none");
    }

    internal async Task<int> GetLoadAsync() => (await Manager.GetLeastLoadedWorkerAsync().ConfigureAwait(false)).Routers.Count;

    private async Task Ignore(Task task, string what)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogDebug(e, "{What} failed", what);
        }
    }

    private sealed class LocalRoom(string id)
    {
        public string Id { get; } = id;
        public Task<Router>? Router { get; set; }
        public Dictionary<string, RoomPeer> Peers { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Joining { get; } = new(StringComparer.Ordinal);
        /// <summary>Producers of silos that died, by id (for the typed error).</summary>
        public ConcurrentDictionary<string, SiloAddress> LostProducers { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, RoomProducer> Producers { get; } = new(StringComparer.Ordinal);
        public RoomMirror Mirror { get; } = new(id);
        public volatile bool Following;
        public volatile bool IsHome;
        public int SpeakerObserving;
    }
}
