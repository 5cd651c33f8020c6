using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// RTCP settings of RTP parameters (mediasoup's <c>RtcpParameters</c>). When a producer gives no CNAME the
/// transport picks one; mediasoup always uses reduced-size RTCP.
/// </summary>
public sealed record RtcpParameters
{
    /// <summary>The canonical name used in RTCP SDES (<c>cname</c>).</summary>
    [JsonPropertyName("cname")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Cname { get; init; }

    /// <summary>Whether reduced-size RTCP (RFC 5506) is used (<c>reducedSize</c>). Default true; mediasoup's validation always sets it to true.</summary>
    [JsonPropertyName("reducedSize")]
    public bool ReducedSize { get; init; } = true;
}
