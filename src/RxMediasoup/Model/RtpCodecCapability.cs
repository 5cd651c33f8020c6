using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// A codec in RTP capabilities (mediasoup's <c>RtpCodecCapability</c>): what a router or an endpoint can
/// receive. In a router's <c>mediaCodecs</c> the <see cref="PreferredPayloadType"/> may be left unset (mediasoup
/// picks a dynamic one); some parameters (<c>packetization-mode</c> and <c>profile-level-id</c> for H264,
/// <c>profile-id</c> for VP9, <c>num_streams</c>/<c>coupled_streams</c> for multiopus) take part in codec matching.
/// </summary>
public sealed record RtpCodecCapability : RtpCodec
{
    /// <summary>Media kind (<c>kind</c>). mediasoup derives it from the <see cref="RtpCodec.MimeType"/> when validating.</summary>
    [JsonPropertyName("kind")]
    [JsonPropertyOrder(-2)]
    public MediaKind Kind { get; init; }

    /// <summary>The preferred RTP payload type (<c>preferredPayloadType</c>), 0–127; optional in a router's media codecs.</summary>
    [JsonPropertyName("preferredPayloadType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PreferredPayloadType { get; init; }
}
