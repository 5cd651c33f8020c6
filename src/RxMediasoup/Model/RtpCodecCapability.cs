using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// A codec in RTP capabilities (mediasoup's <c>RtpCodecCapability</c>): what a router or an endpoint can
/// receive. In a router's <c>mediaCodecs</c> the <see cref="PreferredPayloadType"/> may be left unset (mediasoup
/// picks a dynamic one); some parameters (<c>packetization-mode</c> and <c>profile-level-id</c> for H264,
/// <c>profile-id</c> for VP9, <c>num_streams</c>/<c>coupled_streams</c> for multiopus) take part in codec matching.
/// </summary>
public sealed record RtpCodecCapability : IRtpCodec
{
    /// <summary>Media kind (<c>kind</c>). mediasoup derives it from the <see cref="MimeType"/> when validating.</summary>
    [JsonPropertyName("kind")]
    public MediaKind Kind { get; init; }

    /// <summary>The codec MIME type (<c>mimeType</c>), e.g. <c>audio/opus</c> or <c>video/VP8</c> (matched case-insensitively).</summary>
    [JsonPropertyName("mimeType")]
    public required string MimeType { get; init; }

    /// <summary>The preferred RTP payload type (<c>preferredPayloadType</c>), 0–127; optional in a router's media codecs.</summary>
    [JsonPropertyName("preferredPayloadType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? PreferredPayloadType { get; init; }

    /// <summary>The codec clock rate in Hz (<c>clockRate</c>).</summary>
    [JsonPropertyName("clockRate")]
    public required int ClockRate { get; init; }

    /// <summary>The number of audio channels (<c>channels</c>); audio only, 1 when unset after validation; <see langword="null"/> for video.</summary>
    [JsonPropertyName("channels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; init; }

    /// <summary>Codec-specific parameters (<c>parameters</c>); empty by default.</summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyDictionary<string, RtpParameterValue> Parameters
    {
        get;
        init => field = ValueDictionary.From(value);
    } = ValueDictionary<RtpParameterValue>.Empty;

    /// <summary>Supported RTCP feedback (<c>rtcpFeedback</c>); empty by default. Ignored in a router's media codecs (mediasoup's own list is used).</summary>
    [JsonPropertyName("rtcpFeedback")]
    public IReadOnlyList<RtcpFeedback> RtcpFeedback
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtcpFeedback>.Empty;
}
