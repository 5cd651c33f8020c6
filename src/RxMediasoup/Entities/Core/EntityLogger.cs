using System.Collections;
using Microsoft.Extensions.Logging;

namespace RxMediasoup;

/// <summary>
/// An entity's logger: every entry is logged inside a scope holding the entity's kind and id
/// (<c>EntityKind</c>, <c>EntityId</c>), so a provider that shows scopes ties each line to its entity.
/// </summary>
internal sealed class EntityLogger(ILogger inner, string kind, string id) : ILogger
{
    private readonly Scope _scope = new(kind, id);

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel)) return;
        using (inner.BeginScope(_scope)) inner.Log(logLevel, eventId, state, exception, formatter);
    }

    /// <summary>The scope's state: structured (two key/value pairs) and readable (<c>Router 5f2c…</c>).</summary>
    private sealed class Scope(string kind, string id) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 2;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("EntityKind", kind),
            1 => new("EntityId", id),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
            yield return this[1];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"{kind} {id}";
    }
}
