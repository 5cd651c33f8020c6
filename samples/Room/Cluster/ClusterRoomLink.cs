using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxMediasoup.Orleans;
using ClusterPeer = RxMediasoup.Orleans.RoomPeer;
using ClusterProducer = RxMediasoup.Orleans.RoomProducer;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Links one <see cref="Room"/> of this process to its room grain (RxMediasoup.Orleans), in both directions:
/// <list type="bullet">
/// <item>this process's peers join and leave the grain (a peer id taken on another process is refused with a typed
/// error), and their producers and data producers are published to its directory;</item>
/// <item>the other processes' peers appear in <see cref="Room.Peers"/>, their producers and data producers in
/// <see cref="Room.Producers"/>/<see cref="Room.DataProducers"/> as the pipe producers (same ids) that
/// <see cref="IMediasoupRooms.GetConsumableProducerAsync"/> feeds through one PipeTransport pair per pair of processes —
/// so the peer sessions consume them like local ones;</item>
/// <item>the active speaker is the cluster's (RxMediasoup.Orleans runs one ActiveSpeakerObserver on the room's home
/// router, fed by every process's audio): every process shows it instead of its own router's observer's. The link
/// makes sure the room has a home router (<see cref="IRoomGrain.GetHomeRouterAsync"/>: on the least loaded process)
/// after each join of its peers and after a process left.</item>
/// </list>
/// Calls to the grain run one after another (a reconnecting peer's leave is done before its new join).
/// </summary>
internal sealed class ClusterRoomLink(Room room, IMediasoupRooms rooms, IRoomGrain grain, ILogger log) : IDisposable
{
    private readonly CompositeDisposable _subscriptions = [];
    private readonly object _gate = new();
    private readonly HashSet<string> _joined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoomPeer> _remotePeers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Router> _pipes = new(StringComparer.Ordinal);
    private readonly HashSet<object> _piped = new(ReferenceEqualityComparer.Instance);
    private Task _queue = Task.CompletedTask;
    private volatile bool _disposed;

    public void Start()
    {
        room.AdmitPeer = AdmitAsync;
        room.ActiveSpeakerFromCluster = true;
        _subscriptions.Add(rooms.Peers(room.Id).Subscribe(OnClusterPeers, e => LogStreamError("membership", e)));
        _subscriptions.Add(room.Peers.Connect().Subscribe(OnLocalPeer));
        _subscriptions.Add(room.Producers.Added()
            .Where(p => IsJoined(p.PeerId) && !IsPiped(p.Producer))
            .Subscribe(p => Enqueue(() => rooms.PublishAsync(room.Id, p.PeerId, p.Producer), $"publish {p.PeerId}'s {p.Producer.Kind}")));
        _subscriptions.Add(room.DataProducers.Added()
            .Where(p => IsJoined(p.PeerId) && !IsPiped(p.DataProducer))
            .Subscribe(p => Enqueue(() => rooms.PublishAsync(room.Id, p.PeerId, p.DataProducer), $"publish {p.PeerId}'s data")));
        // The other processes' producers, piped onto the room's current router (again onto a new one after a move).
        _subscriptions.Add(room.Router
            .Select(router => rooms.Producers(room.Id).Select(changes => (Router: router, Changes: changes)))
            .Switch()
            .Subscribe(c => OnClusterProducers(c.Router, c.Changes), e => LogStreamError("directory", e)));
        _subscriptions.Add(rooms.ActiveSpeaker(room.Id).Subscribe(room.SetActiveSpeaker, e => LogStreamError("active speaker", e)));
    }

    /// <summary>
    /// Joins <paramref name="peerId"/> to the room grain before the session joins the local room, unless it is a local
    /// peer reconnecting (the local room replaces it, and this link leaves and rejoins it in order).
    /// </summary>
    /// <exception cref="SignallingException"><c>invalid_value</c>: the id is taken on another Room process.</exception>
    private async Task AdmitAsync(string peerId, CancellationToken cancellationToken)
    {
        if (room.Peers.Items.Any(p => p.PeerId == peerId && !IsRemote(p))) return;
        try
        {
            await Enqueue(async () =>
            {
                lock (_gate)
                {
                    if (_joined.Contains(peerId)) return; // joined meanwhile by the local room's own change
                }
                await rooms.JoinAsync(room.Id, peerId, cancellationToken: cancellationToken).ConfigureAwait(false);
                lock (_gate) _joined.Add(peerId);
            }, $"join {peerId}").ConfigureAwait(false);
            EnsureHome();
            _ = LeaveIfNeverJoinedAsync(peerId);
        }
        catch (DuplicatePeerException)
        {
            throw new SignallingException(ErrorCodes.InvalidValue,
                $"data.peerId '{peerId}' is already in room '{room.Id}' on another Room server of the cluster");
        }
    }

    /// <summary>
    /// An admitted peer whose session ended before it joined the local room (the socket closed meanwhile) would stay in
    /// the grain: after <see cref="AdmissionTimeout"/> it is taken out unless it joined (its later leave takes it out then).
    /// </summary>
    private async Task LeaveIfNeverJoinedAsync(string peerId)
    {
        await Task.Delay(AdmissionTimeout).ConfigureAwait(false);
        // Read outside _gate: the room's collection calls this link under its own lock (one lock order).
        bool present = room.Peers.Items.Any(p => p.PeerId == peerId && !IsRemote(p));
        lock (_gate)
        {
            if (_disposed || present || !_joined.Remove(peerId)) return;
            Enqueue(() => rooms.LeaveAsync(room.Id, peerId), $"leave {peerId} (admitted, never joined)");
        }
    }

    /// <summary>How long an admitted peer has to join the local room (a join takes milliseconds once admitted).</summary>
    internal static readonly TimeSpan AdmissionTimeout = TimeSpan.FromSeconds(10);

    private void OnLocalPeer(LiveChange<RoomPeer> change)
    {
        if (IsRemote(change.Item)) return;
        string id = change.Item.PeerId;
        lock (_gate)
        {
            if (change.Kind == LiveChangeKind.Added)
            {
                if (!_joined.Add(id)) return; // admitted already
                Enqueue(() => rooms.JoinAsync(room.Id, id), $"join {id}");
                EnsureHome();
            }
            else if (_joined.Remove(id))
            {
                Enqueue(() => rooms.LeaveAsync(room.Id, id), $"leave {id}");
            }
        }
    }

    private void OnClusterPeers(IEntityChangeSet<ClusterPeer, string> changes)
    {
        // A process left (or its peers): the home router may have gone with it.
        if (changes.Removes > 0 && IsAnyJoined()) EnsureHome();
        var added = changes.Where(c => c.Reason == EntityChangeReason.Add).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (change.Reason == EntityChangeReason.Remove && !added.Contains(change.Key))
            {
                RoomPeer? gone;
                lock (_gate)
                {
                    if (!_remotePeers.Remove(change.Key, out gone)) continue;
                }
                room.Leave(gone);
            }
            else if (change.Reason == EntityChangeReason.Add && change.Current.Silo != rooms.LocalSilo)
            {
                var peer = new RoomPeer(change.Key, isServerPeer: false, kick: null);
                lock (_gate)
                {
                    if (!_remotePeers.TryAdd(change.Key, peer)) continue;
                }
                room.Peers.Add(peer);
            }
        }
    }

    /// <summary>A directory change: removed entries leave the room; added ones of other processes are piped in. A pause change (a remove and an add of one id) changes nothing here: the pipe producer follows the pause itself.</summary>
    private void OnClusterProducers(Router router, IEntityChangeSet<ClusterProducer, string> changes)
    {
        var added = changes.Where(c => c.Reason == EntityChangeReason.Add).ToDictionary(c => c.Key, c => c.Current, StringComparer.Ordinal);
        foreach (var change in changes.Where(c => c.Reason == EntityChangeReason.Remove && !added.ContainsKey(c.Key)))
            Unpipe(change.Key);
        foreach (var entry in added.Values.Where(p => p.Silo != rooms.LocalSilo))
            _ = PipeAsync(router, entry);
    }

    private async Task PipeAsync(Router router, ClusterProducer entry)
    {
        lock (_gate)
        {
            if (_pipes.TryGetValue(entry.Id, out var current) && current == router) return;
            _pipes[entry.Id] = router;
        }
        try
        {
            object piped = entry.Kind == RoomProducerKind.Data
                ? await rooms.GetConsumableDataProducerAsync(room.Id, entry.Id).ConfigureAwait(false)
                : await rooms.GetConsumableProducerAsync(room.Id, entry.Id).ConfigureAwait(false);
            lock (_gate)
            {
                // Removed from the directory, or the room moved, while the pipe was set up: not this router's any more.
                if (!_pipes.TryGetValue(entry.Id, out var current) || current != router || router.IsClosed) return;
                _piped.Add(piped);
            }
            if (piped is Producer producer) room.AddProducer(new RoomProducer(entry.PeerId, producer));
            else room.AddDataProducer(new RoomDataProducer(entry.PeerId, (DataProducer)piped));
            log.LogDebug("room {RoomId}: {PeerId}'s {Kind} {ProducerId} piped in from silo {Silo}", room.Id, entry.PeerId, entry.Kind, entry.Id, entry.Silo);
        }
        catch (Exception e) when (e is RoomException or MediasoupException or OperationCanceledException or TimeoutException)
        {
            lock (_gate)
            {
                if (_pipes.TryGetValue(entry.Id, out var current) && current == router) _pipes.Remove(entry.Id);
            }
            if (!_disposed) log.LogInformation("room {RoomId}: cannot pipe {PeerId}'s {Kind} {ProducerId} in: {Error}", room.Id, entry.PeerId, entry.Kind, entry.Id, e.Message);
        }
    }

    private void Unpipe(string producerId)
    {
        lock (_gate)
        {
            if (!_pipes.Remove(producerId)) return;
        }
        room.Producers.RemoveWhere(p => p.Producer.Id == producerId && IsPiped(p.Producer));
        room.DataProducers.RemoveWhere(p => p.DataProducer.Id == producerId && IsPiped(p.DataProducer));
    }

    /// <summary>The room's home router (its active-speaker observer) exists: created on the least loaded process if not.</summary>
    private void EnsureHome() => Enqueue(() => grain.GetHomeRouterAsync(), "home router");

    private bool IsAnyJoined()
    {
        lock (_gate) return _joined.Count > 0;
    }

    private bool IsRemote(RoomPeer peer)
    {
        lock (_gate) return _remotePeers.TryGetValue(peer.PeerId, out var remote) && ReferenceEquals(remote, peer);
    }

    private bool IsJoined(string peerId)
    {
        lock (_gate) return _joined.Contains(peerId);
    }

    private bool IsPiped(object entity)
    {
        lock (_gate) return _piped.Contains(entity);
    }

    /// <summary>Runs <paramref name="operation"/> after the previous grain calls; its task (failures are also logged).</summary>
    private Task Enqueue(Func<Task> operation, string what)
    {
        lock (_gate)
        {
            var next = _queue.ContinueWith(_ => operation(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            _queue = next.ContinueWith(t =>
            {
                if (t.IsFaulted && !_disposed && t.Exception.InnerException is not DuplicatePeerException)
                    log.LogWarning("room {RoomId}: {What} failed: {Error}", room.Id, what, t.Exception.InnerException?.Message);
            }, TaskScheduler.Default);
            return next;
        }
    }

    private void LogStreamError(string what, Exception e)
    {
        if (!_disposed) log.LogWarning("room {RoomId}: the cluster's {What} stream ended: {Error}", room.Id, what, e.Message);
    }

    public void Dispose()
    {
        _disposed = true;
        _subscriptions.Dispose();
    }
}
