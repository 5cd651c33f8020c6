namespace RxMediasoup.Channel;

/// <summary>A bounded set of the most recently added ids (the oldest leave first); thread-safe.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly object _gate = new();
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>Adds <paramref name="id"/>, forgetting the oldest id beyond the capacity.</summary>
    public void Add(string id)
    {
        lock (_gate)
        {
            if (!_set.Add(id)) return;
            _order.Enqueue(id);
            while (_order.Count > capacity) _set.Remove(_order.Dequeue());
        }
    }

    /// <summary>True when <paramref name="id"/> was added and not forgotten yet.</summary>
    public bool Contains(string id)
    {
        lock (_gate) return _set.Contains(id);
    }

    /// <summary>How many ids are remembered.</summary>
    public int Count
    {
        get { lock (_gate) return _set.Count; }
    }
}
