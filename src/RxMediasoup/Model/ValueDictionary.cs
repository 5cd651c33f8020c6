using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup;

/// <summary>
/// An immutable string-keyed dictionary with structural (order-insensitive) equality that keeps the insertion
/// order of its keys when enumerated, used behind the <see cref="IReadOnlyDictionary{TKey,TValue}"/> properties
/// of the model records (e.g. codec <c>parameters</c>).
/// </summary>
internal sealed class ValueDictionary<TValue> : IReadOnlyDictionary<string, TValue>, IEquatable<ValueDictionary<TValue>>
{
    private readonly Dictionary<string, TValue> _items;

    public static ValueDictionary<TValue> Empty { get; } = new(new Dictionary<string, TValue>(StringComparer.Ordinal));

    private ValueDictionary(Dictionary<string, TValue> items) => _items = items;

    /// <summary>Wraps a copy of <paramref name="items"/>; <see langword="null"/> becomes the empty dictionary.</summary>
    public static ValueDictionary<TValue> From(IEnumerable<KeyValuePair<string, TValue>>? items)
    {
        switch (items)
        {
            case null:
                return Empty;
            case ValueDictionary<TValue> dictionary:
                return dictionary;
        }

        var copy = new Dictionary<string, TValue>(StringComparer.Ordinal);
        foreach (var (key, value) in items)
        {
            copy[key] = value;
        }
        return Create(copy);
    }

    /// <summary>Takes ownership of <paramref name="items"/> (the caller must not change it afterwards).</summary>
    internal static ValueDictionary<TValue> Create(Dictionary<string, TValue> items) => items.Count == 0 ? Empty : new(items);

    public TValue this[string key] => _items[key];

    public IEnumerable<string> Keys => _items.Keys;

    public IEnumerable<TValue> Values => _items.Values;

    public int Count => _items.Count;

    public bool ContainsKey(string key) => _items.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _items.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ValueDictionary<TValue>? other)
    {
        if (other is null)
        {
            return false;
        }
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other._items.Count != _items.Count)
        {
            return false;
        }
        foreach (var (key, value) in _items)
        {
            if (!other._items.TryGetValue(key, out var otherValue) || !EqualityComparer<TValue>.Default.Equals(value, otherValue))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ValueDictionary<TValue> other && Equals(other);

    public override int GetHashCode()
    {
        // Order-insensitive: combine per-entry hashes commutatively.
        var hash = 0;
        foreach (var (key, value) in _items)
        {
            hash += HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), value);
        }
        return hash;
    }

    public override string ToString() => $"{{{string.Join(", ", _items.Select(kv => $"{kv.Key}: {kv.Value}"))}}}";
}

/// <summary>Factory helpers for <see cref="ValueDictionary{TValue}"/>.</summary>
internal static class ValueDictionary
{
    public static ValueDictionary<TValue> From<TValue>(IEnumerable<KeyValuePair<string, TValue>>? items) =>
        ValueDictionary<TValue>.From(items);
}
