namespace RxMediasoup;

/// <summary>Library-wide facts about mediasoup.</summary>
public static partial class Mediasoup
{
    /// <summary>
    /// The RTP capabilities mediasoup 3.27 supports (mediasoup's <c>getSupportedRtpCapabilities()</c>): every
    /// codec a router's media codecs may be chosen from, and every RTP header extension with its preferred id and
    /// direction, in mediasoup's normalized form (audio codecs have <c>channels</c>, every codec has
    /// <c>parameters</c> and <c>rtcpFeedback</c>, feedback has a <c>parameter</c>).
    /// </summary>
    public static RtpCapabilities SupportedRtpCapabilities { get; } = CreateSupportedRtpCapabilities();

    private static RtpCapabilities CreateSupportedRtpCapabilities()
    {
        RtcpFeedback[] audioFeedback = [new("nack"), new("transport-cc")];
        RtcpFeedback[] transportCcOnly = [new("transport-cc")];
        RtcpFeedback[] videoFeedback =
        [
            new("nack"), new("nack", "pli"), new("ccm", "fir"), new("goog-remb"), new("transport-cc"),
        ];

        static RtpCodecCapability Audio(
            string mimeType, int clockRate, int channels = 1, int? preferredPayloadType = null,
            RtcpFeedback[]? feedback = null, Dictionary<string, RtpParameterValue>? parameters = null) => new()
            {
                Kind = MediaKind.Audio,
                MimeType = mimeType,
                PreferredPayloadType = preferredPayloadType,
                ClockRate = clockRate,
                Channels = channels,
                Parameters = parameters!,
                RtcpFeedback = feedback!,
            };

        static RtpCodecCapability Video(
            string mimeType, RtcpFeedback[] feedback, Dictionary<string, RtpParameterValue>? parameters = null) => new()
            {
                Kind = MediaKind.Video,
                MimeType = mimeType,
                ClockRate = 90000,
                Parameters = parameters!,
                RtcpFeedback = feedback,
            };

        static RtpHeaderExtension Extension(MediaKind kind, string uri, int preferredId, RtpHeaderExtensionDirection direction) => new()
        {
            Kind = kind,
            Uri = uri,
            PreferredId = preferredId,
            PreferredEncrypt = false,
            Direction = direction,
        };

        const MediaKind audio = MediaKind.Audio;
        const MediaKind video = MediaKind.Video;
        const RtpHeaderExtensionDirection sendRecv = RtpHeaderExtensionDirection.SendRecv;
        const RtpHeaderExtensionDirection recvOnly = RtpHeaderExtensionDirection.RecvOnly;

        return new RtpCapabilities
        {
            Codecs =
            [
                Audio("audio/opus", 48000, channels: 2, feedback: audioFeedback),
                // Quad channel.
                Audio("audio/multiopus", 48000, channels: 4, feedback: audioFeedback, parameters: new()
                {
                    ["channel_mapping"] = "0,1,2,3", ["num_streams"] = 2, ["coupled_streams"] = 2,
                }),
                // 5.1.
                Audio("audio/multiopus", 48000, channels: 6, feedback: audioFeedback, parameters: new()
                {
                    ["channel_mapping"] = "0,4,1,2,3,5", ["num_streams"] = 4, ["coupled_streams"] = 2,
                }),
                // 7.1.
                Audio("audio/multiopus", 48000, channels: 8, feedback: audioFeedback, parameters: new()
                {
                    ["channel_mapping"] = "0,6,1,2,3,4,5,7", ["num_streams"] = 5, ["coupled_streams"] = 3,
                }),
                Audio("audio/PCMU", 8000, preferredPayloadType: 0, feedback: transportCcOnly),
                Audio("audio/PCMA", 8000, preferredPayloadType: 8, feedback: transportCcOnly),
                Audio("audio/ISAC", 32000, feedback: transportCcOnly),
                Audio("audio/ISAC", 16000, feedback: transportCcOnly),
                Audio("audio/G722", 8000, preferredPayloadType: 9, feedback: transportCcOnly),
                Audio("audio/iLBC", 8000, feedback: transportCcOnly),
                Audio("audio/SILK", 24000, feedback: transportCcOnly),
                Audio("audio/SILK", 16000, feedback: transportCcOnly),
                Audio("audio/SILK", 12000, feedback: transportCcOnly),
                Audio("audio/SILK", 8000, feedback: transportCcOnly),
                Audio("audio/CN", 32000, preferredPayloadType: 13),
                Audio("audio/CN", 16000, preferredPayloadType: 13),
                Audio("audio/CN", 8000, preferredPayloadType: 13),
                Audio("audio/telephone-event", 48000),
                Audio("audio/telephone-event", 32000),
                Audio("audio/telephone-event", 16000),
                Audio("audio/telephone-event", 8000),
                Video("video/VP8", videoFeedback),
                Video("video/VP9", videoFeedback),
                Video("video/H264", videoFeedback, new() { ["level-asymmetry-allowed"] = 1 }),
                Video("video/AV1", videoFeedback),
            ],
            HeaderExtensions =
            [
                Extension(audio, RtpHeaderExtensionUri.Mid, 1, sendRecv),
                Extension(video, RtpHeaderExtensionUri.Mid, 1, sendRecv),
                Extension(video, RtpHeaderExtensionUri.RtpStreamId, 2, recvOnly),
                Extension(video, RtpHeaderExtensionUri.RepairedRtpStreamId, 3, recvOnly),
                Extension(audio, RtpHeaderExtensionUri.AbsSendTime, 4, sendRecv),
                Extension(video, RtpHeaderExtensionUri.AbsSendTime, 4, sendRecv),
                // For audio, transport-wide-cc-01 is only enabled when receiving media.
                Extension(audio, RtpHeaderExtensionUri.TransportWideCc01, 5, recvOnly),
                Extension(video, RtpHeaderExtensionUri.TransportWideCc01, 5, sendRecv),
                Extension(audio, RtpHeaderExtensionUri.SsrcAudioLevel, 6, sendRecv),
                Extension(video, RtpHeaderExtensionUri.DependencyDescriptor, 7, recvOnly),
                Extension(video, RtpHeaderExtensionUri.VideoOrientation, 8, sendRecv),
                Extension(video, RtpHeaderExtensionUri.TimeOffset, 9, sendRecv),
                Extension(audio, RtpHeaderExtensionUri.AbsCaptureTime, 10, sendRecv),
                Extension(video, RtpHeaderExtensionUri.AbsCaptureTime, 10, sendRecv),
                Extension(audio, RtpHeaderExtensionUri.PlayoutDelay, 11, sendRecv),
                Extension(video, RtpHeaderExtensionUri.PlayoutDelay, 11, sendRecv),
                Extension(audio, RtpHeaderExtensionUri.MediasoupPacketId, 12, sendRecv),
                Extension(video, RtpHeaderExtensionUri.MediasoupPacketId, 12, sendRecv),
            ],
        };
    }
}
