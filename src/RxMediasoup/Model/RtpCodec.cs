using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// What a codec capability (<see cref="RtpCodecCapability"/>) and a codec in use (<see cref="RtpCodecParameters"/>)
/// have in common: the MIME type, clock rate, channels, parameters and RTCP feedback that codec matching compares.
/// </summary>
public abstract record RtpCodec
{
    private protected RtpCodec()
    {
    }

    /// <summary>The codec MIME type (<c>mimeType</c>), e.g. <c>audio/opus</c>, <c>video/VP8</c> or <c>video/rtx</c> (matched case-insensitively).</summary>
    // Written before the derived records' fields (kind: -2; payload type: 0), then the fields below: mediasoup's order.
    [JsonPropertyName("mimeType")]
    [JsonPropertyOrder(-1)]
    public required string MimeType { get; init; }

    /// <summary>The codec clock rate in Hz (<c>clockRate</c>).</summary>
    [JsonPropertyName("clockRate")]
    public required int ClockRate { get; init; }

    /// <summary>The number of audio channels (<c>channels</c>); audio only, 1 when unset after validation; <see langword="null"/> for video.</summary>
    [JsonPropertyName("channels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Channels { get; init; }

    /// <summary>
    /// Codec-specific parameters (<c>parameters</c>), e.g. <c>apt</c> for RTX; empty by default. Some (<c>packetization-mode</c>
    /// and <c>profile-level-id</c> for H264, <c>profile-id</c> for VP9, <c>num_streams</c>/<c>coupled_streams</c> for
    /// multiopus) take part in codec matching.
    /// </summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyDictionary<string, RtpParameterValue> Parameters
    {
        get;
        init => field = ValueDictionary.From(value);
    } = ValueDictionary<RtpParameterValue>.Empty;

    /// <summary>
    /// RTCP feedback (<c>rtcpFeedback</c>): supported in capabilities, in use in parameters; empty by default.
    /// Ignored in a router's media codecs (mediasoup's own list is used).
    /// </summary>
    [JsonPropertyName("rtcpFeedback")]
    public IReadOnlyList<RtcpFeedback> RtcpFeedback
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtcpFeedback>.Empty;
}
