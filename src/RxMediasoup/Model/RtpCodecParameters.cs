using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// A codec in use within RTP parameters (mediasoup's <c>RtpCodecParameters</c>), e.g.
/// <c>{ "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {}, "rtcpFeedback": [...] }</c>.
/// </summary>
public sealed record RtpCodecParameters : IRtpCodec
{
    /// <summary>The codec MIME type (<c>mimeType</c>), e.g. <c>audio/opus</c>, <c>video/rtx</c>.</summary>
    [JsonPropertyName("mimeType")]
    public required string MimeType { get; init; }

    /// <summary>The RTP payload type (<c>payloadType</c>), 0–127, unique within the parameters.</summary>
    [JsonPropertyName("payloadType")]
    public required int PayloadType { get; init; }

    /// <summary>The codec clock rate in Hz (<c>clockRate</c>).</summary>
    [JsonPropertyName("clockRate")]
    public required int ClockRate { get; init; }

    /// <summary>The number of audio channels (<c>channels</c>); audio only, 1 when unset after validation; <see langword="null"/> for video.</summary>
    [JsonPropertyName("channels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; init; }

    /// <summary>Codec-specific parameters (<c>parameters</c>), e.g. <c>apt</c> for RTX; empty by default.</summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyDictionary<string, RtpParameterValue> Parameters
    {
        get;
        init => field = ValueDictionary.From(value);
    } = ValueDictionary<RtpParameterValue>.Empty;

    /// <summary>RTCP feedback in use (<c>rtcpFeedback</c>); empty by default.</summary>
    [JsonPropertyName("rtcpFeedback")]
    public IReadOnlyList<RtcpFeedback> RtcpFeedback
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtcpFeedback>.Empty;
}
