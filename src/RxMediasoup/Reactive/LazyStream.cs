using System.Collections.Concurrent;

namespace RxMediasoup.Reactive;

/// <summary>
/// The storage of an entity stream that is created on first use (<c>MediasoupEntity.StateStream</c>,
/// <c>EventStream</c>…): most entities never have most of their streams subscribed, and a <see cref="StreamSubject{T}"/>
/// costs about 100 bytes. Until the subject exists a state's value lives in <see cref="Value"/>; events published
/// meanwhile reach nobody (nobody could have subscribed). Read and written only under the entity's gate, except
/// <see cref="Subject"/>, which is published with a volatile write once.
/// </summary>
internal struct LazyStream<T>
{
    /// <summary>The subject, once created.</summary>
    public StreamSubject<T>? Subject;

    /// <summary>A state's current value while <see cref="Subject"/> is null.</summary>
    public T Value;

    /// <summary>A state stream's storage starting at <paramref name="initial"/>.</summary>
    public static LazyStream<T> State(T initial) => new() { Value = initial };
}

/// <summary>The names of entity streams (<c>Consumer.Score</c>), one string per kind and stream for all entities.</summary>
internal static class StreamNames
{
    private static readonly ConcurrentDictionary<(string Kind, string Name), string> Names = new();

    /// <summary><c>&lt;kind&gt;.&lt;name&gt;</c>, shared.</summary>
    public static string Of(string kind, string name)
        => Names.TryGetValue((kind, name), out var full) ? full : Names.GetOrAdd((kind, name), static k => $"{k.Kind}.{k.Name}");
}
