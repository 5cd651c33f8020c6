using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace RxMediasoup.Samples.Room;

/// <summary>A member of a room: a browser peer (one WebSocket) or a server peer (<see cref="ServerPeer"/>).</summary>
public sealed class RoomPeer
{
    internal RoomPeer(string peerId, bool isServerPeer, Action? kick)
    {
        PeerId = peerId;
        IsServerPeer = isServerPeer;
        Kick = kick;
    }

    /// <summary>The peer's id, unique in its room.</summary>
    public string PeerId { get; }

    /// <summary>True for a peer hosted by the server program itself (a broadcast, a bot, a recorder).</summary>
    public bool IsServerPeer { get; }

    /// <summary>Ends a browser peer's session (another socket joined with the same id).</summary>
    internal Action? Kick { get; }

    /// <inheritdoc />
    public override string ToString() => IsServerPeer ? $"server peer {PeerId}" : $"peer {PeerId}";
}

/// <summary>A media producer of a room and the peer that owns it.</summary>
public sealed record RoomProducer(string PeerId, Producer Producer);

/// <summary>A data producer (chat) of a room and the peer that owns it.</summary>
public sealed record RoomDataProducer(string PeerId, DataProducer DataProducer);

/// <summary>A value and its changes: the current value at subscription, then every new one.</summary>
internal sealed class StateSubject<T>(T initial) : IObservableState<T>
{
    private readonly BehaviorSubject<T> _subject = new(initial);

    public T Value => _subject.Value;

    public void Set(T value) => _subject.OnNext(value);

    public void Complete() => _subject.OnCompleted();

    public IDisposable Subscribe(IObserver<T> observer) => _subject.Subscribe(observer);

    public IObservable<T> Changes => _subject.Skip(1);
}
