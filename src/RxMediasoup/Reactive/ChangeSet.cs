namespace RxMediasoup;

/// <summary>Why an item changed in a live collection (the subset of DynamicData's reasons that entities need).</summary>
public enum ChangeReason
{
    /// <summary>The item was added (or was present when the stream was connected).</summary>
    Add,
    /// <summary>The item was removed (closed).</summary>
    Remove,
}

/// <summary>One change of a live collection.</summary>
/// <typeparam name="TObject">The item type.</typeparam>
/// <typeparam name="TKey">The key type (an entity id).</typeparam>
/// <param name="Reason">Added or removed.</param>
/// <param name="Key">The item's key.</param>
/// <param name="Current">The item.</param>
public readonly record struct Change<TObject, TKey>(ChangeReason Reason, TKey Key, TObject Current);

/// <summary>
/// A batch of changes of a live collection, in the shape of DynamicData's <c>IChangeSet&lt;TObject, TKey&gt;</c>
/// so that an adapter is trivial.
/// </summary>
public interface IChangeSet<TObject, TKey> : IReadOnlyList<Change<TObject, TKey>>
{
    /// <summary>Number of additions in the batch.</summary>
    int Adds { get; }

    /// <summary>Number of removals in the batch.</summary>
    int Removes { get; }
}

internal sealed class ChangeSet<TObject, TKey>(IReadOnlyList<Change<TObject, TKey>> changes) : IChangeSet<TObject, TKey>
{
    public Change<TObject, TKey> this[int index] => changes[index];
    public int Count => changes.Count;
    public int Adds => changes.Count(c => c.Reason == ChangeReason.Add);
    public int Removes => changes.Count(c => c.Reason == ChangeReason.Remove);
    public IEnumerator<Change<TObject, TKey>> GetEnumerator() => changes.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
