using static RxMediasoup.Tests.OrtcModel.OrtcTestData;

namespace RxMediasoup.Tests.OrtcModel;

/// <summary>The port of mediasoup 3.27.1's <c>node/lib/test/test-ortc.js</c>, case by case, with the same assertions.</summary>
public class OrtcNodeTests
{
    [Fact(DisplayName = "generateRouterRtpCapabilities() succeeds")]
    [NodeCase("test-ortc.js", "generateRouterRtpCapabilities() succeeds")]
    public void GenerateRouterRtpCapabilitiesSucceeds()
    {
        RtpCodecCapability[] mediaCodecs =
        [
            new()
            {
                Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2,
                Parameters = P(("useinbandfec", 1), ("foo", "bar")),
            },
            new()
            {
                Kind = MediaKind.Video, MimeType = "video/VP8",
                PreferredPayloadType = 125, // Let's force it.
                ClockRate = 90000,
            },
            new()
            {
                Kind = MediaKind.Video, MimeType = "video/H264", ClockRate = 90000,
                Parameters = P(("level-asymmetry-allowed", 1), ("profile-level-id", "42e01f"), ("foo", "bar")),
                RtcpFeedback = [], // Will be ignored.
            },
        ];

        var rtpCapabilities = Ortc.GenerateRouterRtpCapabilities(mediaCodecs);

        Assert.Equal(5, rtpCapabilities.Codecs.Count);

        // opus.
        Assert.Equal(
            new RtpCodecCapability
            {
                Kind = MediaKind.Audio,
                MimeType = "audio/opus",
                PreferredPayloadType = 100, // 100 is the first available dynamic PT.
                ClockRate = 48000,
                Channels = 2,
                Parameters = P(("useinbandfec", 1), ("foo", "bar")),
                RtcpFeedback = [Fb("nack"), Fb("transport-cc")],
            },
            rtpCapabilities.Codecs[0]);

        // VP8.
        Assert.Equal(
            new RtpCodecCapability
            {
                Kind = MediaKind.Video,
                MimeType = "video/VP8",
                PreferredPayloadType = 125,
                ClockRate = 90000,
                Parameters = P(),
                RtcpFeedback = [Fb("nack"), Fb("nack", "pli"), Fb("ccm", "fir"), Fb("goog-remb"), Fb("transport-cc")],
            },
            rtpCapabilities.Codecs[1]);

        // VP8 RTX.
        Assert.Equal(
            new RtpCodecCapability
            {
                Kind = MediaKind.Video,
                MimeType = "video/rtx",
                PreferredPayloadType = 101, // 101 is the second available dynamic PT.
                ClockRate = 90000,
                Parameters = P(("apt", 125)),
                RtcpFeedback = [],
            },
            rtpCapabilities.Codecs[2]);

        // H264.
        Assert.Equal(
            new RtpCodecCapability
            {
                Kind = MediaKind.Video,
                MimeType = "video/H264",
                PreferredPayloadType = 102, // 102 is the third available dynamic PT.
                ClockRate = 90000,
                // Since packetization-mode param was not included in the H264 codec and its default value is 0,
                // it's not added.
                Parameters = P(("level-asymmetry-allowed", 1), ("profile-level-id", "42e01f"), ("foo", "bar")),
                RtcpFeedback = [Fb("nack"), Fb("nack", "pli"), Fb("ccm", "fir"), Fb("goog-remb"), Fb("transport-cc")],
            },
            rtpCapabilities.Codecs[3]);

        // H264 RTX.
        Assert.Equal(
            new RtpCodecCapability
            {
                Kind = MediaKind.Video,
                MimeType = "video/rtx",
                PreferredPayloadType = 103,
                ClockRate = 90000,
                Parameters = P(("apt", 102)),
                RtcpFeedback = [],
            },
            rtpCapabilities.Codecs[4]);
    }

    [Fact(DisplayName = "generateRouterRtpCapabilities() with unsupported codecs throws UnsupportedError")]
    [NodeCase("test-ortc.js", "generateRouterRtpCapabilities() with unsupported codecs throws UnsupportedError")]
    public void GenerateRouterRtpCapabilitiesWithUnsupportedCodecsThrowsUnsupportedException()
    {
        RtpCodecCapability[] mediaCodecs =
        [
            new() { Kind = MediaKind.Audio, MimeType = "audio/chicken", ClockRate = 8000, Channels = 4 },
        ];
        Assert.Throws<UnsupportedException>(() => Ortc.GenerateRouterRtpCapabilities(mediaCodecs));

        mediaCodecs =
        [
            new() { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 1 },
        ];
        Assert.Throws<UnsupportedException>(() => Ortc.GenerateRouterRtpCapabilities(mediaCodecs));
    }

    [Fact(DisplayName = "generateRouterRtpCapabilities() with too many codecs throws")]
    [NodeCase("test-ortc.js", "generateRouterRtpCapabilities() with too many codecs throws")]
    public void GenerateRouterRtpCapabilitiesWithTooManyCodecsThrows()
    {
        var mediaCodecs = Enumerable.Range(0, 100)
            .Select(_ => new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 })
            .ToList();

        var e = Assert.ThrowsAny<Exception>(() => Ortc.GenerateRouterRtpCapabilities(mediaCodecs));
        Assert.Contains("cannot allocate", e.Message);
    }

    [Fact(DisplayName = "getProducerRtpParametersMapping(), getConsumableRtpParameters(), getConsumerRtpParameters() and getPipeConsumerRtpParameters() succeed")]
    [NodeCase("test-ortc.js", "getProducerRtpParametersMapping(), getConsumableRtpParameters(), getConsumerRtpParameters() and getPipeConsumerRtpParameters() succeed")]
    public void ProducerMappingConsumableConsumerAndPipeConsumerParametersSucceed()
    {
        RtpCodecCapability[] mediaCodecs =
        [
            new() { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
            new()
            {
                Kind = MediaKind.Video, MimeType = "video/H264", ClockRate = 90000,
                Parameters = P(
                    ("level-asymmetry-allowed", 1), ("packetization-mode", 1), ("profile-level-id", "4d0032"), ("bar", "lalala")),
            },
        ];

        var routerRtpCapabilities = Ortc.GenerateRouterRtpCapabilities(mediaCodecs);

        var rtpParameters = new RtpParameters
        {
            Codecs =
            [
                new()
                {
                    MimeType = "video/H264", PayloadType = 111, ClockRate = 90000,
                    Parameters = P(("foo", 1234), ("packetization-mode", 1), ("profile-level-id", "4d0032")),
                    RtcpFeedback = [Fb("nack"), Fb("nack", "pli"), Fb("goog-remb")],
                },
                new()
                {
                    MimeType = "video/rtx", PayloadType = 112, ClockRate = 90000,
                    Parameters = P(("apt", 111)),
                    RtcpFeedback = [],
                },
            ],
            HeaderExtensions =
            [
                new() { Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", Id = 1 },
                new() { Uri = "urn:3gpp:video-orientation", Id = 2 },
            ],
            Encodings =
            [
                new() { Ssrc = 11111111, Rtx = new RtxParameters(11111112), MaxBitrate = 111111, ScalabilityMode = "L1T3" },
                new() { Ssrc = 21111111, Rtx = new RtxParameters(21111112), MaxBitrate = 222222, ScalabilityMode = "L1T3" },
                new() { Rid = "high", MaxBitrate = 333333, ScalabilityMode = "L1T3" },
            ],
            Rtcp = new RtcpParameters { Cname = "qwerty1234" },
        };

        var rtpMapping = Ortc.GetProducerRtpParametersMapping(rtpParameters, routerRtpCapabilities);

        Assert.Equal(
            [
                new RtpCodecMapping { PayloadType = 111, MappedPayloadType = 101 },
                new RtpCodecMapping { PayloadType = 112, MappedPayloadType = 102 },
            ],
            rtpMapping.Codecs);

        Assert.Equal(11111111u, rtpMapping.Encodings[0].Ssrc);
        Assert.Null(rtpMapping.Encodings[0].Rid);
        Assert.IsType<uint>(rtpMapping.Encodings[0].MappedSsrc);
        Assert.Equal(21111111u, rtpMapping.Encodings[1].Ssrc);
        Assert.Null(rtpMapping.Encodings[1].Rid);
        Assert.IsType<uint>(rtpMapping.Encodings[1].MappedSsrc);
        Assert.Null(rtpMapping.Encodings[2].Ssrc);
        Assert.Equal("high", rtpMapping.Encodings[2].Rid);
        Assert.IsType<uint>(rtpMapping.Encodings[2].MappedSsrc);

        var consumableRtpParameters = Ortc.GetConsumableRtpParameters(
            MediaKind.Video, rtpParameters, routerRtpCapabilities, rtpMapping);

        Assert.Equal("video/H264", consumableRtpParameters.Codecs[0].MimeType);
        Assert.Equal(101, consumableRtpParameters.Codecs[0].PayloadType);
        Assert.Equal(90000, consumableRtpParameters.Codecs[0].ClockRate);
        Assert.Equal(
            P(("foo", 1234), ("packetization-mode", 1), ("profile-level-id", "4d0032")),
            consumableRtpParameters.Codecs[0].Parameters);

        Assert.Equal("video/rtx", consumableRtpParameters.Codecs[1].MimeType);
        Assert.Equal(102, consumableRtpParameters.Codecs[1].PayloadType);
        Assert.Equal(90000, consumableRtpParameters.Codecs[1].ClockRate);
        Assert.Equal(P(("apt", 101)), consumableRtpParameters.Codecs[1].Parameters);

        Assert.Equal(
            new RtpEncodingParameters { Ssrc = rtpMapping.Encodings[0].MappedSsrc, MaxBitrate = 111111, ScalabilityMode = "L1T3" },
            consumableRtpParameters.Encodings[0]);
        Assert.Equal(
            new RtpEncodingParameters { Ssrc = rtpMapping.Encodings[1].MappedSsrc, MaxBitrate = 222222, ScalabilityMode = "L1T3" },
            consumableRtpParameters.Encodings[1]);
        Assert.Equal(
            new RtpEncodingParameters { Ssrc = rtpMapping.Encodings[2].MappedSsrc, MaxBitrate = 333333, ScalabilityMode = "L1T3" },
            consumableRtpParameters.Encodings[2]);
        Assert.Equal(
            new RtcpParameters { Cname = rtpParameters.Rtcp.Cname, ReducedSize = true },
            consumableRtpParameters.Rtcp);

        var remoteRtpCapabilities = new RtpCapabilities
        {
            Codecs =
            [
                new()
                {
                    Kind = MediaKind.Audio, MimeType = "audio/opus", PreferredPayloadType = 100, ClockRate = 48000, Channels = 2,
                    Parameters = P(), RtcpFeedback = [],
                },
                new()
                {
                    Kind = MediaKind.Video, MimeType = "video/H264", PreferredPayloadType = 101, ClockRate = 90000,
                    Parameters = P(("packetization-mode", 1), ("profile-level-id", "4d0032"), ("baz", "LOLOLO")),
                    RtcpFeedback = [Fb("nack"), Fb("nack", "pli"), Fb("foo", "FOO")],
                },
                new()
                {
                    Kind = MediaKind.Video, MimeType = "video/rtx", PreferredPayloadType = 102, ClockRate = 90000,
                    Parameters = P(("apt", 101)), RtcpFeedback = [],
                },
            ],
            HeaderExtensions =
            [
                new() { Kind = MediaKind.Audio, Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", PreferredId = 1, PreferredEncrypt = false, Direction = RtpHeaderExtensionDirection.SendRecv },
                new() { Kind = MediaKind.Video, Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", PreferredId = 1, PreferredEncrypt = false, Direction = RtpHeaderExtensionDirection.SendRecv },
                new() { Kind = MediaKind.Video, Uri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", PreferredId = 2, PreferredEncrypt = false, Direction = RtpHeaderExtensionDirection.SendRecv },
                new() { Kind = MediaKind.Audio, Uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level", PreferredId = 6, PreferredEncrypt = false, Direction = RtpHeaderExtensionDirection.SendRecv },
                new() { Kind = MediaKind.Video, Uri = "urn:3gpp:video-orientation", PreferredId = 8, PreferredEncrypt = false, Direction = RtpHeaderExtensionDirection.SendRecv },
                new() { Kind = MediaKind.Video, Uri = "urn:ietf:params:rtp-hdrext:toffset", PreferredId = 9, PreferredEncrypt = false, Direction = RtpHeaderExtensionDirection.SendRecv },
            ],
        };

        var consumerRtpParameters = Ortc.GetConsumerRtpParameters(
            consumableRtpParameters, remoteRtpCapabilities, pipe: false, enableRtx: true);

        Assert.Equal(2, consumerRtpParameters.Codecs.Count);
        Assert.Equal(
            new RtpCodecParameters
            {
                MimeType = "video/H264", PayloadType = 101, ClockRate = 90000,
                Parameters = P(("foo", 1234), ("packetization-mode", 1), ("profile-level-id", "4d0032")),
                RtcpFeedback = [Fb("nack"), Fb("nack", "pli"), Fb("foo", "FOO")],
            },
            consumerRtpParameters.Codecs[0]);
        Assert.Equal(
            new RtpCodecParameters
            {
                MimeType = "video/rtx", PayloadType = 102, ClockRate = 90000,
                Parameters = P(("apt", 101)),
                RtcpFeedback = [],
            },
            consumerRtpParameters.Codecs[1]);

        Assert.Single(consumerRtpParameters.Encodings);
        Assert.NotNull(consumerRtpParameters.Encodings[0].Ssrc);
        Assert.NotNull(consumerRtpParameters.Encodings[0].Rtx);
        Assert.IsType<uint>(consumerRtpParameters.Encodings[0].Rtx!.Ssrc);
        Assert.Equal("L3T3", consumerRtpParameters.Encodings[0].ScalabilityMode);
        Assert.Equal(333333, consumerRtpParameters.Encodings[0].MaxBitrate);

        Assert.Equal(
            [
                new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", Id = 1, Encrypt = false, Parameters = P() },
                new RtpHeaderExtensionParameters { Uri = "urn:3gpp:video-orientation", Id = 8, Encrypt = false, Parameters = P() },
                new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:toffset", Id = 9, Encrypt = false, Parameters = P() },
            ],
            consumerRtpParameters.HeaderExtensions);
        Assert.Equal(
            new RtcpParameters { Cname = rtpParameters.Rtcp.Cname, ReducedSize = true },
            consumerRtpParameters.Rtcp);

        var pipeConsumerRtpParameters = Ortc.GetPipeConsumerRtpParameters(consumableRtpParameters, enableRtx: false);

        Assert.Single(pipeConsumerRtpParameters.Codecs);
        Assert.Equal(
            new RtpCodecParameters
            {
                MimeType = "video/H264", PayloadType = 101, ClockRate = 90000,
                Parameters = P(("foo", 1234), ("packetization-mode", 1), ("profile-level-id", "4d0032")),
                RtcpFeedback = [Fb("nack", "pli"), Fb("ccm", "fir")],
            },
            pipeConsumerRtpParameters.Codecs[0]);

        Assert.Equal(3, pipeConsumerRtpParameters.Encodings.Count);
        foreach (var encoding in pipeConsumerRtpParameters.Encodings)
        {
            Assert.NotNull(encoding.Ssrc);
            Assert.Null(encoding.Rtx);
            Assert.NotNull(encoding.MaxBitrate);
            Assert.Equal("L1T3", encoding.ScalabilityMode);
        }
        Assert.Equal(
            new RtcpParameters { Cname = rtpParameters.Rtcp.Cname, ReducedSize = true },
            pipeConsumerRtpParameters.Rtcp);
    }

    [Fact(DisplayName = "getProducerRtpParametersMapping() with incompatible params throws UnsupportedError")]
    [NodeCase("test-ortc.js", "getProducerRtpParametersMapping() with incompatible params throws UnsupportedError")]
    public void GetProducerRtpParametersMappingWithIncompatibleParamsThrowsUnsupportedException()
    {
        RtpCodecCapability[] mediaCodecs =
        [
            new() { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
            new()
            {
                Kind = MediaKind.Video, MimeType = "video/H264", ClockRate = 90000,
                Parameters = P(("packetization-mode", 1), ("profile-level-id", "640032")),
            },
        ];

        var routerRtpCapabilities = Ortc.GenerateRouterRtpCapabilities(mediaCodecs);

        var rtpParameters = new RtpParameters
        {
            Codecs =
            [
                new()
                {
                    MimeType = "video/VP8", PayloadType = 120, ClockRate = 90000,
                    RtcpFeedback = [Fb("nack"), Fb("nack", "fir")],
                },
            ],
            HeaderExtensions = [],
            Encodings = [new() { Ssrc = 11111111 }],
            Rtcp = new RtcpParameters { Cname = "qwerty1234" },
        };

        Assert.Throws<UnsupportedException>(() => Ortc.GetProducerRtpParametersMapping(rtpParameters, routerRtpCapabilities));
    }
}
