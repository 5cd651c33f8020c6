namespace RxMediasoup;

/// <summary>The URIs of the RTP header extensions mediasoup 3.27 supports (mediasoup's <c>RtpHeaderExtensionUri</c>).</summary>
public static class RtpHeaderExtensionUri
{
    /// <summary>MID (BUNDLE media identification), <c>urn:ietf:params:rtp-hdrext:sdes:mid</c>.</summary>
    public const string Mid = "urn:ietf:params:rtp-hdrext:sdes:mid";

    /// <summary>RID (simulcast stream id), <c>urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id</c>.</summary>
    public const string RtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";

    /// <summary>Repaired RID (RTX stream id), <c>urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id</c>.</summary>
    public const string RepairedRtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    /// <summary>Absolute send time (REMB), <c>http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time</c>.</summary>
    public const string AbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

    /// <summary>Transport-wide congestion control 01, <c>http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01</c>.</summary>
    public const string TransportWideCc01 = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /// <summary>Audio level, <c>urn:ietf:params:rtp-hdrext:ssrc-audio-level</c>.</summary>
    public const string SsrcAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /// <summary>AV1 dependency descriptor, <c>https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension</c>.</summary>
    public const string DependencyDescriptor = "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";

    /// <summary>Coordination of video orientation (CVO), <c>urn:3gpp:video-orientation</c>.</summary>
    public const string VideoOrientation = "urn:3gpp:video-orientation";

    /// <summary>Transmission time offset, <c>urn:ietf:params:rtp-hdrext:toffset</c>.</summary>
    public const string TimeOffset = "urn:ietf:params:rtp-hdrext:toffset";

    /// <summary>Absolute capture time, <c>http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time</c>.</summary>
    public const string AbsCaptureTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";

    /// <summary>Playout delay, <c>http://www.webrtc.org/experiments/rtp-hdrext/playout-delay</c>.</summary>
    public const string PlayoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";

    /// <summary>mediasoup's packet id, <c>urn:mediasoup:params:rtp-hdrext:packet-id</c>.</summary>
    public const string MediasoupPacketId = "urn:mediasoup:params:rtp-hdrext:packet-id";
}
