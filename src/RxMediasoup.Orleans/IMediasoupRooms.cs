using Orleans.Runtime;

namespace RxMediasoup.Orleans;

/// <summary>
/// The rooms as one silo sees them (a singleton in each silo's services, registered by
/// <see cref="MediasoupRoomsExtensions.UseMediasoupRooms"/>): the silo's router of each room (on the silo's
/// <see cref="WorkerManager"/>), joins and publications through the room grain, producers of any silo made consumable
/// on this silo's router, and each room's membership and directory as change-set streams.
/// </summary>
/// <remarks>
/// A signalling layer creates a peer's transports on <see cref="GetRouterAsync"/> of the silo its connection reached,
/// publishes its producers with <see cref="PublishAsync(string, string, Producer, CancellationToken)"/>, subscribes to
/// <see cref="Producers"/> and, for each producer, consumes <see cref="GetConsumableProducerAsync"/>'s result.
/// </remarks>
public interface IMediasoupRooms
{
    /// <summary>This silo.</summary>
    SiloAddress LocalSilo { get; }

    /// <summary>This silo's router of the room (created on first use, on the least-loaded worker).</summary>
    Task<Router> GetRouterAsync(string roomId, CancellationToken cancellationToken = default);

    /// <summary>Joins a peer served by this silo.</summary>
    /// <exception cref="DuplicatePeerException">The id is taken in the room (on any silo).</exception>
    Task<RoomSnapshot> JoinAsync(string roomId, string peerId, string? displayName = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a peer of this silo; its published producers leave the directory (the producers stay open).</summary>
    Task LeaveAsync(string roomId, string peerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a producer of a peer of this silo, created on <see cref="GetRouterAsync"/>'s router: it enters the
    /// directory and leaves it when it closes; its pause state follows in the directory and to its pipes.
    /// </summary>
    /// <exception cref="ArgumentException">The producer is not on the room's router of this silo (<c>producer</c>).</exception>
    /// <exception cref="PeerNotFoundException">The peer is not a member.</exception>
    Task PublishAsync(string roomId, string peerId, Producer producer, CancellationToken cancellationToken = default);

    /// <summary>Publishes a data producer (e.g. the chat) like <see cref="PublishAsync(string, string, Producer, CancellationToken)"/>.</summary>
    Task PublishAsync(string roomId, string peerId, DataProducer dataProducer, CancellationToken cancellationToken = default);

    /// <summary>
    /// The producer to consume a directory entry from on this silo's router: the original when it is on that router;
    /// otherwise the pipe producer (same id) fed through the one pipe transport pair between the two routers, created
    /// on first use and reused.
    /// </summary>
    /// <exception cref="ProducerNotFoundException">No such producer in the room.</exception>
    /// <exception cref="ProducerSiloUnavailableException">The producer's silo is dead.</exception>
    Task<Producer> GetConsumableProducerAsync(string roomId, string producerId, CancellationToken cancellationToken = default);

    /// <summary>The data producer to consume from on this silo's router (see <see cref="GetConsumableProducerAsync"/>).</summary>
    Task<DataProducer> GetConsumableDataProducerAsync(string roomId, string dataProducerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The room's members as a change-set stream on this silo: a snapshot first (as adds), then each join and leave
    /// (a silo's death removes its peers). Starts following the room on this silo.
    /// </summary>
    IObservable<IEntityChangeSet<RoomPeer, string>> Peers(string roomId);

    /// <summary>The room's producer directory as a change-set stream (a pause change is a remove then an add).</summary>
    IObservable<IEntityChangeSet<RoomProducer, string>> Producers(string roomId);

    /// <summary>The room's dominant speaker (peer id, null when none): the current value first, then changes.</summary>
    IObservable<string?> ActiveSpeaker(string roomId);
}
