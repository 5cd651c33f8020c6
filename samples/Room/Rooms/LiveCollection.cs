using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace RxMediasoup.Samples.Room;

/// <summary>Whether an item entered or left a <see cref="LiveCollection{T}"/>.</summary>
public enum LiveChangeKind
{
    /// <summary>The item was added (or was already there when the subscription started).</summary>
    Added,
    /// <summary>The item was removed.</summary>
    Removed,
}

/// <summary>One change of a <see cref="LiveCollection{T}"/>.</summary>
public readonly record struct LiveChange<T>(LiveChangeKind Kind, T Item);

/// <summary>
/// A collection whose changes are a stream: <see cref="Connect"/> replays the current items as additions, then
/// pushes every addition and removal, in order. Items are compared by reference (records by value).
/// </summary>
public sealed class LiveCollection<T> where T : notnull
{
    private readonly object _gate = new();
    private readonly List<T> _items = [];
    private readonly Subject<LiveChange<T>> _changes = new();

    /// <summary>A snapshot of the current items.</summary>
    public IReadOnlyList<T> Items
    {
        get { lock (_gate) return [.. _items]; }
    }

    /// <summary>The current items as additions, then every change (serialized: one change at a time).</summary>
    public IObservable<LiveChange<T>> Connect() => Observable.Create<LiveChange<T>>(observer =>
    {
        lock (_gate)
        {
            foreach (var item in _items) observer.OnNext(new LiveChange<T>(LiveChangeKind.Added, item));
            return _changes.Subscribe(observer);
        }
    });

    /// <summary>Every item present now or added later.</summary>
    public IObservable<T> Added() => Connect().Where(c => c.Kind == LiveChangeKind.Added).Select(c => c.Item);

    /// <summary>Emits once (then completes) when <paramref name="item"/> leaves the collection, or at once if it is not in it.</summary>
    public IObservable<T> WhenRemoved(T item) => Observable.Create<T>(observer =>
    {
        lock (_gate)
        {
            if (!_items.Contains(item))
            {
                observer.OnNext(item);
                observer.OnCompleted();
                return System.Reactive.Disposables.Disposable.Empty;
            }
            return _changes.Where(c => c.Kind == LiveChangeKind.Removed && EqualityComparer<T>.Default.Equals(c.Item, item))
                .Select(c => c.Item).Take(1).Subscribe(observer);
        }
    });

    /// <summary>Adds an item (no-op if present).</summary>
    public bool Add(T item)
    {
        lock (_gate)
        {
            if (_items.Contains(item)) return false;
            _items.Add(item);
            _changes.OnNext(new LiveChange<T>(LiveChangeKind.Added, item));
            return true;
        }
    }

    /// <summary>Removes an item (no-op if absent).</summary>
    public bool Remove(T item)
    {
        lock (_gate)
        {
            if (!_items.Remove(item)) return false;
            _changes.OnNext(new LiveChange<T>(LiveChangeKind.Removed, item));
            return true;
        }
    }

    /// <summary>Removes every item matching <paramref name="predicate"/>.</summary>
    public void RemoveWhere(Func<T, bool> predicate)
    {
        lock (_gate)
        {
            foreach (var item in _items.Where(predicate).ToList()) Remove(item);
        }
    }
}
