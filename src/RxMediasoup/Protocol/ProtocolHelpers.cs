using Google.FlatBuffers;
using RxMediasoup.Channel;

namespace RxMediasoup.Protocol;

/// <summary>Shared pieces of the mapping between generated FlatBuffers types and the library's model.</summary>
internal static class ProtocolHelpers
{
    /// <summary>Parser for responses without a body (the request only needs to be accepted).</summary>
    public static readonly ResponseParser<bool> Accepted = static (in FBS.Response.Response _) => true;

    public static string[] Strings(int length, Func<int, string?> item)
    {
        if (length == 0) return [];
        var result = new string[length];
        for (int i = 0; i < length; i++) result[i] = item(i) ?? string.Empty;
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

    /// <summary>Reads a required table field, failing with a clear error when the worker omitted it.</summary>
    public static T Required<T>(T? value, string what) where T : struct
        => value ?? throw new InvalidDataException($"the worker's response lacks {what}");
}
