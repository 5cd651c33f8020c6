using System.Collections.Immutable;

namespace RxMediasoup;

/// <summary>
/// Why an item changed in a live collection (the subset of DynamicData's <c>EntityChangeReason</c> that entities need; named
/// so that it does not collide with DynamicData's when both namespaces are imported).
/// </summary>
public enum EntityChangeReason
{
    /// <summary>The item was added (or was present when the stream was connected).</summary>
    Add,
    /// <summary>The item was removed (closed).</summary>
    Remove,
}

/// <summary>One change of a live collection (DynamicData's <c>Change&lt;TObject, TKey&gt;</c> shape).</summary>
/// <typeparam name="TObject">The item type.</typeparam>
/// <typeparam name="TKey">The key type (an entity id).</typeparam>
/// <param name="Reason">Added or removed.</param>
/// <param name="Key">The item's key.</param>
/// <param name="Current">The item.</param>
public readonly record struct EntityChange<TObject, TKey>(EntityChangeReason Reason, TKey Key, TObject Current);

/// <summary>
/// A batch of changes of a live collection, in the shape of DynamicData's <c>IChangeSet&lt;TObject, TKey&gt;</c>
/// so that an adapter is trivial.
/// </summary>
/// <typeparam name="TObject">The item type.</typeparam>
/// <typeparam name="TKey">The key type (an entity id).</typeparam>
public interface IEntityChangeSet<TObject, TKey> : IReadOnlyList<EntityChange<TObject, TKey>>
{
    /// <summary>Number of additions in the batch.</summary>
    int Adds { get; }

    /// <summary>Number of removals in the batch.</summary>
    int Removes { get; }
}

/// <summary>A batch of changes: one change, or a snapshot (every item as an add, listed when first read).</summary>
internal sealed class EntityChangeSet<TObject, TKey> : IEntityChangeSet<TObject, TKey> where TKey : notnull
{
    private readonly ImmutableDictionary<TKey, TObject>? _snapshot;
    private readonly ImmutableDictionary<TKey, TObject>? _removed;
    private IReadOnlyList<EntityChange<TObject, TKey>>? _changes;

    public EntityChangeSet(EntityChange<TObject, TKey> change) => _changes = [change];

    private EntityChangeSet(ImmutableDictionary<TKey, TObject>? snapshot, ImmutableDictionary<TKey, TObject>? removed)
        => (_snapshot, _removed) = (snapshot, removed);

    /// <summary>The items of <paramref name="items"/> as adds (O(1): listed when first read).</summary>
    public static EntityChangeSet<TObject, TKey> Snapshot(ImmutableDictionary<TKey, TObject> items) => new(items, null);

    /// <summary>The items of <paramref name="items"/> as removals, in one set (an owner's close; O(1): listed when first read).</summary>
    public static EntityChangeSet<TObject, TKey> RemovalOf(ImmutableDictionary<TKey, TObject> items) => new(null, items);

    /// <summary>The items of a snapshot (null for a change).</summary>
    public ImmutableDictionary<TKey, TObject>? Items => _snapshot;

    private IReadOnlyList<EntityChange<TObject, TKey>> Changes
        => _changes ?? Interlocked.CompareExchange(ref _changes, List(_snapshot ?? _removed!, _snapshot is null ? EntityChangeReason.Remove : EntityChangeReason.Add), null) ?? _changes!;

    private static EntityChange<TObject, TKey>[] List(ImmutableDictionary<TKey, TObject> items, EntityChangeReason reason)
        => items.Select(p => new EntityChange<TObject, TKey>(reason, p.Key, p.Value)).ToArray();

    public EntityChange<TObject, TKey> this[int index] => Changes[index];
    public int Count => (_snapshot ?? _removed)?.Count ?? _changes!.Count;
    public int Adds => _snapshot?.Count ?? (_removed is null ? _changes!.Count(c => c.Reason == EntityChangeReason.Add) : 0);
    public int Removes => _removed?.Count ?? (_snapshot is null ? _changes!.Count(c => c.Reason == EntityChangeReason.Remove) : 0);
    public IEnumerator<EntityChange<TObject, TKey>> GetEnumerator() => Changes.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
