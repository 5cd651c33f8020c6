using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// A codec in use within RTP parameters (mediasoup's <c>RtpCodecParameters</c>), e.g.
/// <c>{ "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {}, "rtcpFeedback": [...] }</c>.
/// </summary>
public sealed record RtpCodecParameters : RtpCodec
{
    /// <summary>The RTP payload type (<c>payloadType</c>), 0–127, unique within the parameters.</summary>
    [JsonPropertyName("payloadType")]
    public required int PayloadType { get; init; }
}
