using System.Text.Json;
using System.Text.Json.Nodes;
using Google.FlatBuffers;

namespace RxMediasoup.Testing.Tests.Replay;

/// <summary>
/// A worker response as a JSON tree of the generated object API (every field, unions with their type), normalised
/// where two runs legitimately differ: ports, ICE username fragments and passwords, DTLS fingerprints, SRTP keys,
/// timestamps, the pid and resource usage; the lists the worker fills from hash maps sorted (their order is the
/// worker's hashing, not a contract); an empty string equal to an absent one (the library reads both alike).
/// </summary>
internal static class ResponseComparison
{
    private static readonly HashSet<string> Normalised = new(StringComparer.Ordinal)
    {
        "Port", "LocalPort", "UsernameFragment", "Password", "LocalIceUsernameFragment", "Fingerprints", "KeyBase64", "Timestamp", "Pid",
    };

    private static readonly HashSet<string> HashOrdered = new(StringComparer.Ordinal)
    {
        "ChannelRequestHandlers", "ChannelNotificationHandlers", "RouterIds", "WebRtcServerIds", "TransportIds", "RtpObserverIds",
        "MapProducerIdConsumerIds", "MapConsumerIdProducerId", "MapProducerIdObserverIds", "MapDataProducerIdDataConsumerIds",
        "MapDataConsumerIdDataProducerId", "ProducerIds", "ConsumerIds", "MapSsrcConsumerId", "MapRtxSsrcConsumerId", "DataProducerIds",
        "DataConsumerIds", "SsrcTable", "MidTable", "RidTable", "WebRtcTransportIds", "LocalIceUsernameFragments", "TupleHashes", "Values",
        "UdpSockets", "TcpServers",
    };

    private static readonly JsonSerializerOptions Options = new() { IncludeFields = true };

    /// <summary>The message of a size-prefixed frame, or of a payload without the prefix.</summary>
    public static FBS.Message.MessageT Parse(byte[] bytes, bool sizePrefixed)
        => FBS.Message.Message.GetRootAsMessage(new ByteBuffer(bytes, sizePrefixed ? 4 : 0)).UnPack();

    /// <summary>The normalised JSON of a response (id left out: the caller pairs them).</summary>
    public static string Normalise(FBS.Response.ResponseT response)
    {
        var node = JsonSerializer.SerializeToNode(new { response.Accepted, response.Error, response.Reason, response.Body }, Options)!;
        if (response.Body?.Type == FBS.Response.Body.Worker_ResourceUsageResponse) node["Body"] = "resource usage (process figures)";
        return Walk(node, null)?.ToJsonString() ?? "null";
    }

    private static JsonNode? Walk(JsonNode? node, string? key)
    {
        if (key is not null && Normalised.Contains(key) && node is not null) return JsonValue.Create("*");
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList()) obj[name] = Walk(value?.DeepClone(), name);
                return obj;
            case JsonArray array:
                var items = array.Select(item => Walk(item?.DeepClone(), null)).ToList();
                if (key is not null && HashOrdered.Contains(key)) items = [.. items.OrderBy(i => i?.ToJsonString(), StringComparer.Ordinal)];
                return new JsonArray([.. items]);
            // FlatBuffers: the worker writes some absent strings as "" where the simulation leaves them out; the library
            // reads both as absent (RtpParametersProtocol.NullIfEmpty), so they compare equal.
            case JsonValue value when value.TryGetValue(out string? text) && text.Length == 0:
                return null;
            default:
                return node;
        }
    }
}
