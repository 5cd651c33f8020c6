using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxMediasoup;

/// <summary>
/// A live collection of entities keyed by id (e.g. <see cref="Worker.Routers"/>): a snapshot
/// (<see cref="Items"/>) and a change-set stream (<see cref="Connect"/>) in DynamicData's shape.
/// Entities join when created and leave when closed, for whatever reason.
/// </summary>
/// <typeparam name="TObject">The entity type.</typeparam>
public sealed class EntityCollection<TObject> where TObject : class
{
    private readonly object _gate = new();
    private readonly Func<TObject, string> _key;
    private readonly ILogger _logger;
    private ImmutableDictionary<string, TObject> _items = ImmutableDictionary<string, TObject>.Empty.WithComparers(StringComparer.Ordinal);
    private ImmutableList<IObserver<IChangeSet<TObject, string>>> _observers = [];
    private bool _completed;

    internal EntityCollection(Func<TObject, string> key, ILogger? logger = null)
    {
        _key = key;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The current items (a snapshot).</summary>
    public IReadOnlyCollection<TObject> Items => _items.Values.ToArray();

    /// <summary>The current number of items.</summary>
    public int Count => _items.Count;

    /// <summary>The item with <paramref name="id"/>, or null.</summary>
    public TObject? Lookup(string id) => _items.GetValueOrDefault(id);

    /// <summary>Number of active <see cref="Connect"/> subscriptions (a diagnostic for leak checks).</summary>
    public int SubscriberCount => _observers.Count;

    /// <summary>
    /// The collection as a change-set stream: the current snapshot first (as adds, possibly an empty set), then
    /// each addition and removal as it happens; completes when the owner closes (after the removals).
    /// <code>
    /// items {a}; b added; a closed; owner closed
    /// Connect():  [+a]--[+b]--[-a]--[-b]|
    /// </code>
    /// Delivered synchronously, in order; a subscriber that throws is logged and removed.
    /// </summary>
    public IObservable<IChangeSet<TObject, string>> Connect() => new ConnectObservable(this);

    /// <summary>Adds an item; false once the collection completed (its owner closed).</summary>
    internal bool Add(TObject item)
    {
        lock (_gate)
        {
            if (_completed) return false;
            string key = _key(item);
            _items = _items.SetItem(key, item);
            Publish([new Change<TObject, string>(ChangeReason.Add, key, item)]);
            return true;
        }
    }

    internal bool Remove(TObject item)
    {
        lock (_gate)
        {
            string key = _key(item);
            if (!_items.TryGetValue(key, out var existing) || !ReferenceEquals(existing, item)) return false;
            _items = _items.Remove(key);
            Publish([new Change<TObject, string>(ChangeReason.Remove, key, item)]);
            return true;
        }
    }

    /// <summary>Completes every change-set stream (the items, if any, stay until removed).</summary>
    internal void Complete()
    {
        ImmutableList<IObserver<IChangeSet<TObject, string>>> observers;
        lock (_gate)
        {
            if (_completed) return;
            _completed = true;
            observers = _observers;
            _observers = [];
            foreach (var o in observers)
            {
                try { o.OnCompleted(); }
                catch (Exception e) { _logger.LogError(e, "a subscriber of a live collection threw on completion"); }
            }
        }
    }

    private void Publish(Change<TObject, string>[] changes)
    {
        if (_observers.IsEmpty) return;
        var set = new ChangeSet<TObject, string>(changes);
        foreach (var o in _observers)
        {
            try { o.OnNext(set); }
            catch (Exception e)
            {
                _logger.LogError(e, "a subscriber of a live collection threw; it was removed");
                _observers = _observers.Remove(o);
            }
        }
    }

    private sealed class ConnectObservable(EntityCollection<TObject> owner) : IObservable<IChangeSet<TObject, string>>
    {
        public IDisposable Subscribe(IObserver<IChangeSet<TObject, string>> observer)
        {
            ArgumentNullException.ThrowIfNull(observer);
            lock (owner._gate)
            {
                var snapshot = owner._items.Select(p => new Change<TObject, string>(ChangeReason.Add, p.Key, p.Value)).ToArray();
                try
                {
                    observer.OnNext(new ChangeSet<TObject, string>(snapshot));
                }
                catch (Exception e)
                {
                    // Isolated like every later delivery: logged, and the subscriber is not kept.
                    owner._logger.LogError(e, "a subscriber of a live collection threw on the snapshot; it was not added");
                    return System.Reactive.Disposables.Disposable.Empty;
                }
                if (owner._completed)
                {
                    observer.OnCompleted();
                    return System.Reactive.Disposables.Disposable.Empty;
                }
                owner._observers = owner._observers.Add(observer);
            }
            return System.Reactive.Disposables.Disposable.Create(() =>
            {
                lock (owner._gate) owner._observers = owner._observers.Remove(observer);
            });
        }
    }
}
