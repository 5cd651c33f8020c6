using System.Collections.Immutable;
using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace RxMediasoup.Orleans;

/// <summary>
/// A silo's copy of a room's state (the room grain pushes snapshots; a newer version replaces the current one) and its
/// change-set streams: a snapshot first, then the differences between consecutive snapshots.
/// </summary>
internal sealed class RoomMirror
{
    private readonly object _gate = new();
    private readonly Subject<(RoomSnapshot Old, RoomSnapshot New)> _changes = new();
    private RoomSnapshot _current;

    public RoomMirror(string roomId) => _current = new RoomSnapshot(roomId, -1, [], []);

    public RoomSnapshot Current { get { lock (_gate) return _current; } }

    /// <summary>Applies a snapshot newer than the current one (an older or equal version is ignored); true if applied.</summary>
    public bool Apply(RoomSnapshot snapshot)
    {
        // Published under the gate: subscribers see the snapshots in version order, and a new subscriber's snapshot is
        // exactly the state before the next change it gets.
        lock (_gate)
        {
            if (snapshot.Version <= _current.Version) return false;
            var old = _current;
            _current = snapshot;
            _changes.OnNext((old, snapshot));
            return true;
        }
    }

    public IObservable<IEntityChangeSet<RoomPeer, string>> Peers() => Connect(s => s.Peers, p => p.Id);

    public IObservable<IEntityChangeSet<RoomProducer, string>> Producers() => Connect(s => s.Producers, p => p.Id);

    public IObservable<string?> ActiveSpeaker() => Observable.Create<string?>(observer =>
    {
        lock (_gate)
        {
            observer.OnNext(_current.ActiveSpeakerPeerId);
            return _changes.Select(c => c.New.ActiveSpeakerPeerId).DistinctUntilChanged().Subscribe(observer);
        }
    });

    private IObservable<IEntityChangeSet<T, string>> Connect<T>(Func<RoomSnapshot, ImmutableArray<T>> items, Func<T, string> key)
        where T : notnull => Observable.Create<IEntityChangeSet<T, string>>(observer =>
    {
        lock (_gate)
        {
            observer.OnNext(Diff(ImmutableArray<T>.Empty, items(_current), key));
            return _changes
                .Select(c => Diff(items(c.Old), items(c.New), key))
                .Where(set => set.Count > 0)
                .Subscribe(observer);
        }
    });

    /// <summary>The changes from <paramref name="before"/> to <paramref name="after"/>: removals, then additions (a changed item is both).</summary>
    internal static ChangeSet<T> Diff<T>(ImmutableArray<T> before, ImmutableArray<T> after, Func<T, string> key) where T : notnull
    {
        var set = new ChangeSet<T>();
        var next = after.ToDictionary(key, StringComparer.Ordinal);
        var previous = before.ToDictionary(key, StringComparer.Ordinal);
        foreach (var (k, item) in previous)
            if (!next.TryGetValue(k, out var now) || !Equals(now, item))
                set.Add(new EntityChange<T, string>(EntityChangeReason.Remove, k, item));
        foreach (var item in after)
        {
            var k = key(item);
            if (!previous.TryGetValue(k, out var was) || !Equals(was, item))
                set.Add(new EntityChange<T, string>(EntityChangeReason.Add, k, item));
        }
        return set;
    }
}

/// <summary>A batch of changes of a room's membership or directory.</summary>
internal sealed class ChangeSet<T> : List<EntityChange<T, string>>, IEntityChangeSet<T, string>
{
    public int Adds => this.Count(c => c.Reason == EntityChangeReason.Add);
    public int Removes => this.Count(c => c.Reason == EntityChangeReason.Remove);
}
