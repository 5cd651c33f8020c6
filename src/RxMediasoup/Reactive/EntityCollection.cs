using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A live collection of entities keyed by id (e.g. <see cref="Worker.Routers"/>): a snapshot
/// (<see cref="Items"/>) and a change-set stream (<see cref="Connect"/>) in DynamicData's shape
/// (<see cref="IEntityChangeSet{TObject, TKey}"/>). Entities join when created and leave when closed, for whatever reason.
/// </summary>
/// <typeparam name="TObject">The entity type.</typeparam>
public sealed class EntityCollection<TObject> : IStreamCompletion where TObject : class
{
    private static readonly ImmutableDictionary<string, TObject> Empty = ImmutableDictionary<string, TObject>.Empty.WithComparers(StringComparer.Ordinal);

    private readonly Func<TObject, string> _key;

    // A state stream whose value is the snapshot (replayed to a new subscriber) and whose deliveries are the changes.
    private readonly StreamSubject<IEntityChangeSet<TObject, string>> _changes;

    /// <param name="key">The item's id.</param>
    /// <param name="logger">Where a subscriber that throws is logged.</param>
    /// <param name="queue">The delivery queue (the worker's, to deliver in order with the entities' streams); its own when null.</param>
    /// <param name="name">The stream's name in logs (e.g. <c>"Router.Transports"</c>).</param>
    internal EntityCollection(Func<TObject, string> key, ILogger? logger = null, DeliveryQueue? queue = null, string? name = null)
    {
        _key = key;
        _changes = StreamSubject<IEntityChangeSet<TObject, string>>.State(name ?? $"{typeof(TObject).Name}Collection",
            EntityChangeSet<TObject, string>.Snapshot(Empty), queue, logger, ReferenceEqualityComparer.Instance);
    }

    private ImmutableDictionary<string, TObject> Snapshot => ((EntityChangeSet<TObject, string>)_changes.Value).Items!;

    /// <summary>The current items (a snapshot).</summary>
    public IReadOnlyCollection<TObject> Items => ToArray(Snapshot);

    /// <summary>The current number of items.</summary>
    public int Count => Snapshot.Count;

    /// <summary>The item with <paramref name="id"/>, or null.</summary>
    public TObject? Lookup(string id) => Snapshot.GetValueOrDefault(id);

    /// <summary>Number of active <see cref="Connect"/> subscriptions (a diagnostic for leak checks).</summary>
    internal int SubscriberCount => _changes.SubscriberCount;

    /// <summary>
    /// The collection as a change-set stream: the current snapshot first (as adds, possibly an empty set), then
    /// each addition and removal as it happens; completes when the owner closes (after the removals: its close removes
    /// every item in one change set, before any of them closes).
    /// <code>
    /// items {a}; b added; a closed; owner closed
    /// Connect():  [+a]--[+b]--[-a]--[-b]|
    /// </code>
    /// Delivered like every entity stream: with no lock held, one call at a time, in the order of the changes (a
    /// subscriber gets its snapshot, then exactly the changes made after it); a subscriber that throws is logged and
    /// removed.
    /// </summary>
    public IObservable<IEntityChangeSet<TObject, string>> Connect() => _changes;

    /// <summary>Adds an item; false once the collection completed (its owner closed).</summary>
    internal bool Add(TObject item)
    {
        if (_changes.IsCompleted) return false;
        return _changes.Update(static (current, arg) =>
        {
            var (self, item) = arg;
            if (self._changes.IsCompleted) return null;
            string key = self._key(item);
            var items = ((EntityChangeSet<TObject, string>)current).Items!.SetItem(key, item);
            return (EntityChangeSet<TObject, string>.Snapshot(items),
                new EntityChangeSet<TObject, string>(new EntityChange<TObject, string>(EntityChangeReason.Add, key, item)));
        }, (this, item));
    }

    /// <summary>Removes an item (this very instance); false if it is not in the collection. Works after completion too.</summary>
    internal bool Remove(TObject item)
        => _changes.Update(static (current, arg) =>
        {
            var (self, item) = arg;
            string key = self._key(item);
            var items = ((EntityChangeSet<TObject, string>)current).Items!;
            if (!items.TryGetValue(key, out var existing) || !ReferenceEquals(existing, item)) return null;
            return (EntityChangeSet<TObject, string>.Snapshot(items.Remove(key)),
                new EntityChangeSet<TObject, string>(new EntityChange<TObject, string>(EntityChangeReason.Remove, key, item)));
        }, (this, item));

    /// <summary>Completes every change-set stream after the changes already made (the items, if any, stay until removed).</summary>
    internal bool Complete() => _changes.Complete();

    /// <summary>
    /// Closes the items with the collection's owner: removes them all in one change set, <paramref name="close"/> for
    /// each, <see cref="Complete"/>, then the same for any item still there (one added concurrently, before completion;
    /// no add succeeds after it). One removal for the whole owner, not one per item: closing a transport with n
    /// consumers is O(n), not n immutable-dictionary removals and n change sets.
    /// </summary>
    internal void CloseAll(Action<TObject> close)
    {
        foreach (var (_, item) in RemoveAll()) close(item);
        Complete();
        foreach (var (_, item) in RemoveAll()) close(item);
    }

    /// <summary>Removes every item, in one change set (delivered unless completed); returns them.</summary>
    private ImmutableDictionary<string, TObject> RemoveAll()
    {
        var removed = new StrongBox<ImmutableDictionary<string, TObject>>(Empty);
        _changes.Update(static (current, removed) =>
        {
            var items = ((EntityChangeSet<TObject, string>)current).Items!;
            if (items.IsEmpty) return null;
            removed.Value = items;
            return (EntityChangeSet<TObject, string>.Snapshot(Empty), EntityChangeSet<TObject, string>.RemovalOf(items));
        }, removed);
        return removed.Value!;
    }

    private static TObject[] ToArray(ImmutableDictionary<string, TObject> items)
    {
        var array = new TObject[items.Count];
        int i = 0;
        foreach (var pair in items) array[i++] = pair.Value;
        return array;
    }

    int IStreamCompletion.SubscriberCount => SubscriberCount;

    bool IStreamCompletion.Complete() => Complete();
}
