namespace RxMediasoup.Tests.OrtcModel;

/// <summary>Terse builders for the ORTC tests.</summary>
internal static class OrtcTestData
{
    /// <summary>Builds codec/header-extension parameters.</summary>
    public static Dictionary<string, RtpParameterValue> P(params (string Key, RtpParameterValue Value)[] entries)
    {
        var parameters = new Dictionary<string, RtpParameterValue>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            parameters[key] = value;
        }
        return parameters;
    }

    public static RtcpFeedback Fb(string type, string parameter = "") => new(type, parameter);

    public static RtcpFeedback[] VideoFeedback =>
        [Fb("nack"), Fb("nack", "pli"), Fb("ccm", "fir"), Fb("goog-remb"), Fb("transport-cc")];

    public static RtpCodecCapability Opus(int? preferredPayloadType = null) => new()
    {
        Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2, PreferredPayloadType = preferredPayloadType,
    };

    public static RtpCodecCapability Vp8(int? preferredPayloadType = null) => new()
    {
        Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000, PreferredPayloadType = preferredPayloadType,
    };

    public static RtpCodecCapability H264Capability(params (string Key, RtpParameterValue Value)[] parameters) => new()
    {
        Kind = MediaKind.Video, MimeType = "video/H264", ClockRate = 90000, Parameters = P(parameters),
    };

    public static RtpCodecCapability Vp9Capability(params (string Key, RtpParameterValue Value)[] parameters) => new()
    {
        Kind = MediaKind.Video, MimeType = "video/VP9", ClockRate = 90000, Parameters = P(parameters),
    };

    public static RtpCodecParameters Codec(string mimeType, int payloadType, int clockRate, params (string Key, RtpParameterValue Value)[] parameters) => new()
    {
        MimeType = mimeType, PayloadType = payloadType, ClockRate = clockRate, Parameters = P(parameters),
    };

    public static RtpCodecParameters Rtx(int payloadType, int apt) => Codec("video/rtx", payloadType, 90000, ("apt", apt));

    public static RtpParameters Producer(RtpCodecParameters[] codecs, params RtpEncodingParameters[] encodings) => new()
    {
        Codecs = codecs,
        Encodings = encodings.Length == 0 ? [new RtpEncodingParameters { Ssrc = 11111111 }] : encodings,
        Rtcp = new RtcpParameters { Cname = "cname" },
    };

    /// <summary>Produces with the given parameters and returns the consumable parameters (what a transport does).</summary>
    public static RtpParameters Consumable(MediaKind kind, RtpParameters producer, RtpCapabilities routerCaps)
    {
        var mapping = Ortc.GetProducerRtpParametersMapping(producer, routerCaps, out var negotiated);
        return Ortc.GetConsumableRtpParameters(kind, negotiated, routerCaps, mapping);
    }
}
