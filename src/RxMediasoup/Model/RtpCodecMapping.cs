using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>How a producer's codec payload type maps to the router's (part of <see cref="RtpMapping"/>).</summary>
public sealed record RtpCodecMapping
{
    /// <summary>The payload type in the producer's RTP parameters (<c>payloadType</c>).</summary>
    [JsonPropertyName("payloadType")]
    public required int PayloadType { get; init; }

    /// <summary>The router's preferred payload type for the matching codec (<c>mappedPayloadType</c>).</summary>
    [JsonPropertyName("mappedPayloadType")]
    public required int MappedPayloadType { get; init; }
}
