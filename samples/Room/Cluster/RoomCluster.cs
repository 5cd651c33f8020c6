using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RxMediasoup.Orleans;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Cluster mode's rooms: each room of this process lives on the cluster's router of this process
/// (<see cref="IMediasoupRooms.GetRouterAsync"/>) and is linked to the room grain by a <see cref="ClusterRoomLink"/>:
/// local peers and producers go to the grain; the other processes' peers, producers (through pipe transports) and the
/// room's active speaker come from it. Disposed by the host after the rooms closed.
/// </summary>
internal sealed class RoomCluster(IMediasoupRooms rooms, IGrainFactory grains, RoomServerOptions options, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, ClusterRoomLink> _links = new();

    public async Task<Room> CreateRoomAsync(string roomId, WorkerManager workers, System.Reactive.Concurrency.IScheduler scheduler,
        CancellationToken cancellationToken)
    {
        var room = await Room.CreateAsync(roomId, workers, options, scheduler, loggers.CreateLogger("RxMediasoup.Samples.Room.Room"), cancellationToken,
            createRouter: ct => rooms.GetRouterAsync(roomId, ct)).ConfigureAwait(false);
        var link = new ClusterRoomLink(room, rooms, grains.GetRoom(roomId), loggers.CreateLogger("RxMediasoup.Samples.Room.Cluster"));
        _links[roomId] = link;
        link.Start();
        return room;
    }

    public void Dispose()
    {
        foreach (var link in _links.Values) link.Dispose();
        _links.Clear();
    }
}
