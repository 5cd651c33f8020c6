using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>How a producer's encoding maps to the SSRC the router uses internally (part of <see cref="RtpMapping"/>).</summary>
public sealed record RtpEncodingMapping
{
    /// <summary>The encoding's SSRC, if it has one (<c>ssrc</c>).</summary>
    [JsonPropertyName("ssrc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? Ssrc { get; init; }

    /// <summary>The encoding's RID, if it has one (<c>rid</c>).</summary>
    [JsonPropertyName("rid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Rid { get; init; }

    /// <summary>The SSRC the router uses for this stream (<c>mappedSsrc</c>).</summary>
    [JsonPropertyName("mappedSsrc")]
    public required uint MappedSsrc { get; init; }
}
