namespace RxMediasoup.Samples.Room;

/// <summary>
/// A peer hosted by the server program (a broadcast from ffmpeg, a chat bot, a recorder). Its producers and data
/// producers, created on <see cref="Room.Router"/>'s current router by the host (PlainTransport, DirectTransport…),
/// are consumed by the browser peers like a browser peer's; to consume the room it reads <see cref="Room.Producers"/>
/// and <see cref="Room.DataProducers"/> (chat) on a transport of its own. Disposing it leaves the room (browser
/// consumers of its producers close); the producers themselves stay the host's to close.
/// </summary>
public sealed class ServerPeer : IAsyncDisposable
{
    private readonly RoomPeer _peer;
    private bool _left;

    internal ServerPeer(Room room, RoomPeer peer)
    {
        Room = room;
        _peer = peer;
    }

    /// <summary>The room joined.</summary>
    public Room Room { get; }

    /// <summary>This peer's id in the room.</summary>
    public string PeerId => _peer.PeerId;

    /// <summary>Publishes a producer (of the room's current router) to the room until it closes or this peer leaves.</summary>
    /// <exception cref="ObjectDisposedException">The peer has left.</exception>
    public void AddProducer(Producer producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ObjectDisposedException.ThrowIf(_left, this);
        Room.AddProducer(new RoomProducer(PeerId, producer));
    }

    /// <summary>Publishes a data producer (of the room's current router) to the room until it closes or this peer leaves.</summary>
    /// <exception cref="ObjectDisposedException">The peer has left.</exception>
    public void AddDataProducer(DataProducer dataProducer)
    {
        ArgumentNullException.ThrowIfNull(dataProducer);
        ObjectDisposedException.ThrowIf(_left, this);
        Room.AddDataProducer(new RoomDataProducer(PeerId, dataProducer));
    }

    /// <summary>Leaves the room.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_left)
        {
            _left = true;
            Room.Leave(_peer);
        }
        return ValueTask.CompletedTask;
    }
}
