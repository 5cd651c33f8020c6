using System.Collections;

namespace RxMediasoup;

/// <summary>
/// An immutable list with structural equality, used behind the <see cref="IReadOnlyList{T}"/> properties of the
/// model records so that two records holding equal items compare equal (record equality is otherwise by
/// reference for collections) and so that a record cannot be changed through a list its creator still holds.
/// </summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;

    public static ValueList<T> Empty { get; } = new([]);

    private ValueList(T[] items) => _items = items;

    /// <summary>Wraps a copy of <paramref name="items"/>; <see langword="null"/> becomes the empty list.</summary>
    public static ValueList<T> From(IEnumerable<T>? items) => items switch
    {
        null => Empty,
        ValueList<T> list => list,
        _ => Create(items.ToArray()),
    };

    /// <summary>Takes ownership of <paramref name="items"/> (the caller must not change it afterwards).</summary>
    internal static ValueList<T> Create(T[] items) => items.Length == 0 ? Empty : new(items);

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || _items.AsSpan().SequenceEqual(other._items));

    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items)
        {
            hash.Add(item);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", _items)}]";
}

/// <summary>Factory helpers for <see cref="ValueList{T}"/>.</summary>
internal static class ValueList
{
    public static ValueList<T> From<T>(IEnumerable<T>? items) => ValueList<T>.From(items);
}
