using Orleans.Runtime;

namespace RxMediasoup.Orleans;

/// <summary>
/// One room across the cluster (keyed by room id): its membership (peers and the silo serving each), its producer
/// directory (silo, router and id of each producer) and the PipeTransport pairs between its routers on different
/// silos. The room grain holds no media: the silos' <see cref="IMediaSiloGrain"/>s do; every change is pushed to every
/// silo of the room as a <see cref="RoomSnapshot"/> (observable there through <see cref="IMediasoupRooms"/>).
/// A re-activated room grain rebuilds its state from the live silos (<see cref="IMediaSiloGrain.GetRoomStateAsync"/>).
/// </summary>
/// <remarks>Applications normally use <see cref="IMediasoupRooms"/> on their silo, which calls this grain.</remarks>
public interface IRoomGrain : IGrainWithStringKey
{
    /// <summary>Adds a peer served by <see cref="RoomPeer.Silo"/>; creates the room when it is the first.</summary>
    /// <returns>The room after the join.</returns>
    /// <exception cref="DuplicatePeerException">A peer with this id is in the room (served by any silo).</exception>
    Task<RoomSnapshot> JoinAsync(RoomPeer peer);

    /// <summary>Removes a peer and its producers from the directory (no-op for a peer not in the room).</summary>
    /// <returns>The room after the leave (the caller's silo applies it at once: it reads its own write).</returns>
    /// <exception cref="RoomNotFoundException">The room has no state (no peer ever joined, or all left).</exception>
    Task<RoomSnapshot> LeaveAsync(string peerId);

    /// <summary>Adds a producer (or data producer) of a member to the directory.</summary>
    /// <exception cref="RoomNotFoundException">The room has no state.</exception>
    /// <exception cref="PeerNotFoundException">The producer's peer is not a member.</exception>
    /// <returns>The room after the change.</returns>
    Task<RoomSnapshot> PublishAsync(RoomProducer producer);

    /// <summary>Removes a producer from the directory (no-op when absent). Pipes of it close on their own.</summary>
    /// <returns>The room after the change.</returns>
    Task<RoomSnapshot> UnpublishAsync(string producerId);

    /// <summary>Records the pause state of a producer (the directory's <see cref="RoomProducer.Paused"/>).</summary>
    Task SetPausedAsync(string producerId, bool paused);

    /// <summary>Records the room's dominant speaker (null: none).</summary>
    Task SetActiveSpeakerAsync(string? peerId);

    /// <summary>
    /// Makes a producer of the directory consumable on <paramref name="routerId"/> of <paramref name="silo"/>: nothing
    /// when it is that router's own; otherwise creates or reuses the one PipeTransport pair between the two routers
    /// (listen addresses exchanged), consumes the producer onto the producer side's pipe transport and produces it with
    /// the same id on the consumer side's (once per producer and router).
    /// </summary>
    /// <returns>The producer to consume from: same id, on <paramref name="routerId"/>.</returns>
    /// <exception cref="RoomNotFoundException">The room has no state.</exception>
    /// <exception cref="ProducerNotFoundException">No such producer in the directory.</exception>
    /// <exception cref="ProducerSiloUnavailableException">The producer's silo is dead (or leaving).</exception>
    Task<RoomProducer> ConsumeAsync(string producerId, SiloAddress silo, string routerId);

    /// <summary>Makes the grain push the room's changes to <paramref name="silo"/>'s media service; the current state (possibly empty).</summary>
    Task<RoomSnapshot> FollowAsync(SiloAddress silo);

    /// <summary>The room's state.</summary>
    /// <exception cref="RoomNotFoundException">The room has no state.</exception>
    Task<RoomSnapshot> GetAsync();

    /// <summary>
    /// The room's home router: created, for a new room, on the least-loaded active silo (by each silo's
    /// <see cref="IMediaSiloGrain.GetLoadAsync"/>, the library's worker load); the same router afterwards while its
    /// silo lives.
    /// </summary>
    Task<RouterLocation> GetHomeRouterAsync();

    /// <summary>
    /// Drops what a dead silo served: its peers, its producers and the pipes to it (the survivors close their side
    /// themselves). Idempotent; called by every surviving silo that sees the death.
    /// </summary>
    Task SiloDiedAsync(SiloAddress silo);
}
