using Google.FlatBuffers;
using RxMediasoup.Channel;

namespace RxMediasoup.Protocol;

/// <summary>Shared pieces of the mapping between generated FlatBuffers types and the library's model.</summary>
internal static class ProtocolHelpers
{
    /// <summary>Parser for responses without a body (the request only needs to be accepted).</summary>
    public static readonly ResponseParser<bool> Accepted = static (in FBS.Response.Response _) => true;

    /// <summary>
    /// Like <see cref="Accepted"/>, and runs <paramref name="onAccepted"/> on the dispatch loop as the answer arrives,
    /// so that state set by concurrent commands ends in the last answer's state.
    /// </summary>
    public static ResponseParser<bool> AcceptedThen(Action? onAccepted)
        => onAccepted is null ? Accepted : (in FBS.Response.Response _) => { onAccepted(); return true; };

    /// <summary>
    /// Sends a request whose body is one id (of the entity created, closed, added or removed): <paramref name="write"/>
    /// makes the body table from the id's string offset. Completes when the worker accepts it.
    /// </summary>
    public static Task IdRequestAsync(WorkerChannel channel, FBS.Request.Method method, string? handlerId, FBS.Request.Body bodyType,
        string id, Func<FlatBufferBuilder, StringOffset, int> write, CancellationToken cancellationToken, Action? onAccepted = null)
        => channel.RequestAsync(method, handlerId, bodyType, (id, write), static (b, s) => s.write(b, b.CreateString(s.id)),
            AcceptedThen(onAccepted), cancellationToken);

    /// <summary>
    /// A vector of strings of <paramref name="table"/> as an array (null items as empty strings). The item reader takes the
    /// table as its argument, so that a static lambda serves: a method group of a table (a struct) would box it into a
    /// new delegate on every call.
    /// </summary>
    public static string[] Strings<TTable>(TTable table, int length, Func<TTable, int, string?> item)
    {
        if (length == 0) return [];
        var result = new string[length];
        for (int i = 0; i < length; i++) result[i] = item(table, i) ?? string.Empty;
        return result;
    }

    public static VectorOffset StringVector(FlatBufferBuilder b, IReadOnlyList<string> items)
    {
        var offsets = new StringOffset[items.Count];
        for (int i = 0; i < items.Count; i++) offsets[i] = b.CreateString(items[i]);
        b.StartVector(4, offsets.Length, 4);
        for (int i = offsets.Length - 1; i >= 0; i--) b.AddOffset(offsets[i].Value);
        return b.EndVector();
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> StringArrays(int length, Func<int, FBS.Common.StringStringArray?> item)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(length, StringComparer.Ordinal);
        for (int i = 0; i < length; i++)
            if (item(i) is { } e) result[e.Key ?? string.Empty] = Strings(e, e.ValuesLength, static (t, i) => t.Values(i));
        return result;
    }

    /// <summary>
    /// A vector of string pairs of <paramref name="table"/> (the shared empty dictionary when empty); the item reader
    /// takes the table, as in <see cref="Strings{TTable}"/>, so that a static lambda serves.
    /// </summary>
    public static IReadOnlyDictionary<string, string> StringPairs<TTable>(TTable table, int length, Func<TTable, int, FBS.Common.StringString?> item)
    {
        if (length == 0) return System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
        var result = new Dictionary<string, string>(length, StringComparer.Ordinal);
        for (int i = 0; i < length; i++)
            if (item(table, i) is { } e) result[e.Key ?? string.Empty] = e.Value ?? string.Empty;
        return result;
    }

    /// <summary>Reads a required table field, failing with a clear error when the worker omitted it.</summary>
    public static T Required<T>(T? value, string what) where T : struct
        => value ?? throw new InvalidDataException($"the worker's response lacks {what}");
}
