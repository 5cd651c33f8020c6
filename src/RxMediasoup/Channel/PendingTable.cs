using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup.Channel;

/// <summary>
/// The requests awaiting a response, by id: a dictionary under a lock. (A <c>ConcurrentDictionary</c> locks on adds
/// and removes as well, and allocates a node per entry: 40 bytes per request.) Whoever removes a request ends it.
/// </summary>
internal sealed class PendingTable
{
    private readonly Dictionary<uint, IPendingRequest> _items = [];
    private readonly Lock _lock = new();

    public int Count
    {
        get { lock (_lock) return _items.Count; }
    }

    /// <summary>Adds a request under a new id (ids wrap after 2³² requests: a request that old is replaced).</summary>
    public void Add(uint id, IPendingRequest request)
    {
        lock (_lock) _items[id] = request;
    }

    public bool TryRemove(uint id, [MaybeNullWhen(false)] out IPendingRequest request)
    {
        lock (_lock) return _items.Remove(id, out request);
    }

    /// <summary>Removes the request under <paramref name="id"/> if it is <paramref name="request"/>.</summary>
    public bool TryRemove(uint id, IPendingRequest request)
    {
        lock (_lock)
        {
            if (!_items.TryGetValue(id, out var current) || !ReferenceEquals(current, request)) return false;
            _items.Remove(id);
            return true;
        }
    }

    public bool TryGet(uint id, [MaybeNullWhen(false)] out IPendingRequest request)
    {
        lock (_lock) return _items.TryGetValue(id, out request);
    }

    /// <summary>The requests for which <paramref name="match"/> holds, or null when none does (no allocation then).</summary>
    public List<KeyValuePair<uint, IPendingRequest>>? Where<TState>(TState state, Func<IPendingRequest, TState, bool> match)
    {
        List<KeyValuePair<uint, IPendingRequest>>? found = null;
        lock (_lock)
        {
            foreach (var pair in _items)
                if (match(pair.Value, state)) (found ??= []).Add(pair);
        }
        return found;
    }
}
