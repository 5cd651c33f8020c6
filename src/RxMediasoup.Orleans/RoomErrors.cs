namespace RxMediasoup.Orleans;

/// <summary>
/// A room operation refused across the cluster; serialized by Orleans, so a caller on any silo or client gets the
/// same type. <see cref="Field"/> names the argument at fault.
/// </summary>
[GenerateSerializer]
public class RoomException : Exception
{
    /// <summary>Creates the error.</summary>
    public RoomException(string message, string roomId, string field) : base(message)
    {
        RoomId = roomId;
        Field = field;
    }

    /// <summary>The room.</summary>
    [Id(0)] public string RoomId { get; private set; }

    /// <summary>The argument at fault (e.g. <c>roomId</c>, <c>peerId</c>, <c>producerId</c>).</summary>
    [Id(1)] public string Field { get; private set; }
}

/// <summary>The room has no state: no peer joined it (or all left).</summary>
[GenerateSerializer]
public sealed class RoomNotFoundException(string roomId)
    : RoomException($"room not found [roomId:{roomId}]", roomId, "roomId");

/// <summary>A peer with this id is already in the room (on any silo).</summary>
[GenerateSerializer]
public sealed class DuplicatePeerException(string roomId, string peerId)
    : RoomException($"duplicate peer [roomId:{roomId}, peerId:{peerId}]", roomId, "peerId")
{
    /// <summary>The peer id.</summary>
    [Id(0)] public string PeerId { get; private set; } = peerId;
}

/// <summary>The peer is not a member of the room.</summary>
[GenerateSerializer]
public sealed class PeerNotFoundException(string roomId, string peerId)
    : RoomException($"peer not found [roomId:{roomId}, peerId:{peerId}]", roomId, "peerId")
{
    /// <summary>The peer id.</summary>
    [Id(0)] public string PeerId { get; private set; } = peerId;
}

/// <summary>No such producer in the room's directory.</summary>
[GenerateSerializer]
public sealed class ProducerNotFoundException(string roomId, string producerId)
    : RoomException($"producer not found [roomId:{roomId}, producerId:{producerId}]", roomId, "producerId")
{
    /// <summary>The producer id.</summary>
    [Id(0)] public string ProducerId { get; private set; } = producerId;
}

/// <summary>The producer's silo is dead or leaving: its producers cannot be consumed.</summary>
[GenerateSerializer]
public sealed class ProducerSiloUnavailableException(string roomId, string producerId, string silo)
    : RoomException($"the producer's silo is not active [roomId:{roomId}, producerId:{producerId}, silo:{silo}]", roomId, "producerId")
{
    /// <summary>The producer id.</summary>
    [Id(0)] public string ProducerId { get; private set; } = producerId;

    /// <summary>The silo (its parsable address).</summary>
    [Id(1)] public string Silo { get; private set; } = silo;
}
