using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>The direction of a traced packet or message, seen from mediasoup.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TraceDirection>))]
public enum TraceDirection
{
    /// <summary>Received by mediasoup (<c>"in"</c>).</summary>
    [JsonStringEnumMemberName("in")]
    In,

    /// <summary>Sent by mediasoup (<c>"out"</c>).</summary>
    [JsonStringEnumMemberName("out")]
    Out,
}
