using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace RxMediasoup.Orleans;

/// <summary>
/// The room grain (see <see cref="IRoomGrain"/>): not reentrant, so the directory and the pipe pairs of a room change
/// one call at a time. It holds no durable state: an activation rebuilds from the live silos.
/// </summary>
internal sealed partial class RoomGrain(IClusterMembershipService membership, ILogger<RoomGrain> logger) : Grain, IRoomGrain
{
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, RoomPeer> _peers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoomProducer> _producers = new(StringComparer.Ordinal);
    private readonly HashSet<SiloAddress> _followers = [];
    /// <summary>Producers of silos that died during this activation (a typed error, not "not found").</summary>
    private readonly Dictionary<string, SiloAddress> _lostProducers = new(StringComparer.Ordinal);
    private RouterLocation? _home;
    private string? _activeSpeaker;
    private long _version;

    private string RoomId => this.GetPrimaryKeyString();

    private bool Exists => _peers.Count > 0 || _producers.Count > 0;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var silos = ActiveSilos().ToList();
        var states = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                return await GrainFactory.GetMediaSilo(silo).GetRoomStateAsync(RoomId).WaitAsync(RebuildTimeout, cancellationToken);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "room {RoomId}: silo {Silo} did not report its state", RoomId, silo);
                return null;
            }
        }));
        foreach (var state in states.OfType<SiloRoomState>())
        {
            foreach (var peer in state.Peers) _peers[peer.Id] = peer;
            foreach (var producer in state.Producers) _producers[producer.Id] = producer;
            if (state.Following || state.RouterId is not null) _followers.Add(state.Silo);
            if (state.IsHome && state.RouterId is not null) _home = new RouterLocation(state.Silo, state.RouterId);
            _version = Math.Max(_version, state.Version);
        }
        // Producers whose peer is unknown (left meanwhile) are not part of the room.
        foreach (var orphan in _producers.Values.Where(p => !_peers.ContainsKey(p.PeerId)).ToList()) _producers.Remove(orphan.Id);
        if (_followers.Count == 0) return;
        logger.LogInformation("room {RoomId}: rebuilt from {Silos} silos: {Peers} peers, {Producers} producers",
            RoomId, states.Count(s => s is not null), _peers.Count, _producers.Count);
        // The silos' copies may hold what no live silo reported (a dead silo's peers): push the rebuilt state.
        Changed();
    }

    public Task<RoomSnapshot> JoinAsync(RoomPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (string.IsNullOrEmpty(peer.Id)) throw new ArgumentException("empty peer id", "peerId");
        if (_peers.TryGetValue(peer.Id, out var known))
        {
            // A grain activated by this very join rebuilt its members from the silos, and the joining silo had reserved
            // the id before calling: the same peer of the same silo is this join, not a duplicate (the silo refuses a
            // second local join of an id itself).
            if (!known.Silo.Equals(peer.Silo)) throw new DuplicatePeerException(RoomId, peer.Id);
            _followers.Add(peer.Silo);
            return Task.FromResult(Snapshot());
        }
        _peers[peer.Id] = peer;
        _followers.Add(peer.Silo);
        return Task.FromResult(Changed());
    }

    public Task<RoomSnapshot> LeaveAsync(string peerId)
    {
        ThrowIfUnknown();
        if (!_peers.Remove(peerId)) return Task.FromResult(Snapshot());
        if (_activeSpeaker == peerId) _activeSpeaker = null;
        foreach (var p in _producers.Values.Where(p => p.PeerId == peerId).ToList()) _producers.Remove(p.Id);
        return Task.FromResult(Changed());
    }

    public Task<RoomSnapshot> PublishAsync(RoomProducer producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ThrowIfUnknown();
        if (!_peers.ContainsKey(producer.PeerId)) throw new PeerNotFoundException(RoomId, producer.PeerId);
        _producers[producer.Id] = producer;
        return Task.FromResult(Changed());
    }

    public Task<RoomSnapshot> UnpublishAsync(string producerId) =>
        Task.FromResult(_producers.Remove(producerId) ? Changed() : Snapshot());

    public Task SetPausedAsync(string producerId, bool paused)
    {
        if (_producers.TryGetValue(producerId, out var p) && p.Paused != paused)
        {
            _producers[producerId] = p with { Paused = paused };
            Changed();
        }
        return Task.CompletedTask;
    }

    public Task SetActiveSpeakerAsync(string? peerId)
    {
        // A late report of a peer that left is ignored.
        if (_activeSpeaker != peerId && (peerId is null || _peers.ContainsKey(peerId)))
        {
            logger.LogDebug("room {RoomId}: active speaker {PeerId}", RoomId, peerId);
            _activeSpeaker = peerId;
            Changed();
        }
        return Task.CompletedTask;
    }

    public Task<RoomSnapshot> FollowAsync(SiloAddress silo)
    {
        _followers.Add(silo);
        return Task.FromResult(Snapshot());
    }

    public Task<RoomSnapshot> GetAsync()
    {
        ThrowIfUnknown();
        return Task.FromResult(Snapshot());
    }

    public Task SiloDiedAsync(SiloAddress silo)
    {
        bool changed = false;
        foreach (var peer in _peers.Values.Where(p => p.Silo.Equals(silo)).ToList())
        {
            changed |= _peers.Remove(peer.Id);
            if (_activeSpeaker == peer.Id) _activeSpeaker = null;
        }
        foreach (var producer in _producers.Values.Where(p => p.Silo.Equals(silo)).ToList())
        {
            changed |= _producers.Remove(producer.Id);
            _lostProducers[producer.Id] = silo;
        }
        _followers.Remove(silo);
        if (_home?.Silo.Equals(silo) == true) _home = null;
        if (changed)
        {
            logger.LogInformation("room {RoomId}: silo {Silo} died: its peers and producers left", RoomId, silo);
            Changed();
        }
        return Task.CompletedTask;
    }

    private void ThrowIfUnknown()
    {
        if (!Exists) throw new RoomNotFoundException(RoomId);
    }

    private IEnumerable<SiloAddress> ActiveSilos()
        => membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);

    private bool IsActive(SiloAddress silo) => membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Active;

    private RoomSnapshot Snapshot()
        => new(RoomId, _version, [.. _peers.Values], [.. _producers.Values], _activeSpeaker);

    /// <summary>A change: a new version, pushed to every following silo (in the background; silos apply only newer versions).</summary>
    private RoomSnapshot Changed()
    {
        _version = Math.Max(_version + 1, DateTime.UtcNow.Ticks);
        var snapshot = Snapshot();
        foreach (var silo in _followers.ToList())
        {
            if (!IsActive(silo)) continue;
            _ = PushAsync(silo, snapshot);
        }
        return snapshot;
    }

    private async Task PushAsync(SiloAddress silo, RoomSnapshot snapshot)
    {
        try
        {
            await GrainFactory.GetMediaSilo(silo).RoomChangedAsync(snapshot);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "room {RoomId}: pushing version {Version} to {Silo} failed", RoomId, snapshot.Version, silo);
        }
    }
}
