namespace RxMediasoup;

/// <summary>
/// What codec matching needs from a codec, whether it is a capability (<see cref="RtpCodecCapability"/>) or a
/// codec in use (<see cref="RtpCodecParameters"/>).
/// </summary>
internal interface IRtpCodec
{
    string MimeType { get; }

    int ClockRate { get; }

    int? Channels { get; }

    IReadOnlyDictionary<string, RtpParameterValue> Parameters { get; }

    IReadOnlyList<RtcpFeedback> RtcpFeedback { get; }
}
