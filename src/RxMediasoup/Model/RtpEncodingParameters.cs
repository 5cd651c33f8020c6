using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// An RTP stream and its RTX stream, if any (mediasoup's <c>RtpEncodingParameters</c>), e.g. a simulcast layer
/// <c>{ "rid": "r0", "maxBitrate": 100000, "scalabilityMode": "L1T3" }</c> or
/// <c>{ "ssrc": 1111, "rtx": { "ssrc": 1112 } }</c>.
/// </summary>
public sealed record RtpEncodingParameters
{
    /// <summary>The media SSRC (<c>ssrc</c>).</summary>
    [JsonPropertyName("ssrc")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? Ssrc { get; init; }

    /// <summary>The RID RTP extension value (<c>rid</c>), unique within the parameters.</summary>
    [JsonPropertyName("rid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Rid { get; init; }

    /// <summary>The payload type of the codec this encoding uses (<c>codecPayloadType</c>); the first media codec when unset.</summary>
    [JsonPropertyName("codecPayloadType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CodecPayloadType { get; init; }

    /// <summary>The RTX stream (<c>rtx: { ssrc }</c>).</summary>
    [JsonPropertyName("rtx")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RtxParameters? Rtx { get; init; }

    /// <summary>
    /// Whether discontinuous transmission is used (<c>dtx</c>): for audio with DTX, or screen sharing video (it
    /// disables mediasoup's RTP inactivity checks). Default false (then omitted from JSON).
    /// </summary>
    [JsonPropertyName("dtx")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Dtx { get; init; }

    /// <summary>Spatial and temporal layers of the stream (<c>scalabilityMode</c>), e.g. <c>L1T3</c> (see <see cref="RxMediasoup.ScalabilityMode"/>).</summary>
    [JsonPropertyName("scalabilityMode")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ScalabilityMode { get; init; }

    /// <summary>The maximum bitrate announced for the stream, in bps (<c>maxBitrate</c>; a 64-bit value since mediasoup 3.27).</summary>
    [JsonPropertyName("maxBitrate")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MaxBitrate { get; init; }
}
