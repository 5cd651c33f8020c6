using static RxMediasoup.Tests.OrtcModel.OrtcTestData;

namespace RxMediasoup.Tests.OrtcModel;

/// <summary>Codec matching edge cases: H264, VP9, multiopus, RTX pairing, payload types, header extensions, BWE feedback.</summary>
public class CodecNegotiationTests
{
    private static RtpCapabilities RouterWithH264(params (string Key, RtpParameterValue Value)[] parameters) =>
        Ortc.GenerateRouterRtpCapabilities([Opus(), H264Capability(parameters)]);

    private static RtpParameters H264Producer(params (string Key, RtpParameterValue Value)[] parameters) =>
        Producer([Codec("video/H264", 112, 90000, parameters), Rtx(113, 112)],
            new RtpEncodingParameters { Ssrc = 6666, Rtx = new RtxParameters(6667) });

    // ---- H264 ----

    [Fact]
    public void H264PacketizationModeMismatchIsUnsupported()
    {
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));

        // packetization-mode absent means 0.
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(H264Producer(("profile-level-id", "42e01f")), router));

        // Type-sensitive like mediasoup: the string "1" is not the number 1.
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", "1"), ("profile-level-id", "42e01f")), router));

        var mapping = Ortc.GetProducerRtpParametersMapping(
            H264Producer(("packetization-mode", 1), ("profile-level-id", "42e01f")), router);
        Assert.Equal(101, mapping.Codecs[0].MappedPayloadType);
    }

    [Fact]
    public void H264PacketizationModeZeroMatchesAbsent()
    {
        var router = RouterWithH264(("profile-level-id", "42e01f"));
        var mapping = Ortc.GetProducerRtpParametersMapping(
            H264Producer(("packetization-mode", 0), ("profile-level-id", "42e01f")), router);
        Assert.Equal(2, mapping.Codecs.Count);
    }

    [Fact]
    public void H264ProfileMismatchIsUnsupported()
    {
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));

        // High vs Constrained Baseline.
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1), ("profile-level-id", "640032")), router));

        // Baseline vs Constrained Baseline.
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1), ("profile-level-id", "42001f")), router));

        // Invalid profile-level-id (test-Producer.js uses 'CHICKEN').
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1), ("profile-level-id", "CHICKEN")), router));
    }

    [Fact]
    public void H264ConstrainedBaselineVariantsMatch()
    {
        // 42e01f and 4de01f are both Constrained Baseline.
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));
        Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1), ("profile-level-id", "4de01f")), router);
    }

    [Fact]
    public void H264LevelAsymmetryKeepsTheProducerLevel()
    {
        // The router codec has level-asymmetry-allowed=1 (from mediasoup's supported H264).
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));
        Assert.Equal(1, router.Codecs[1].Parameters["level-asymmetry-allowed"].AsNumber());

        var producer = H264Producer(("packetization-mode", 1), ("profile-level-id", "42e034"), ("level-asymmetry-allowed", 1));
        Ortc.GetProducerRtpParametersMapping(producer, router, out var negotiated);
        Assert.Equal("42e034", negotiated.Codecs[0].Parameters["profile-level-id"].AsString());
    }

    [Fact]
    public void H264WithoutLevelAsymmetryTakesTheLowerLevel()
    {
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));

        // Level 5.2 producer, no asymmetry on its side: the answer is capped at the router's 3.1.
        var producer = H264Producer(("packetization-mode", 1), ("profile-level-id", "42e034"));
        var mapping = Ortc.GetProducerRtpParametersMapping(producer, router, out var negotiated);
        Assert.Equal("42e01f", negotiated.Codecs[0].Parameters["profile-level-id"].AsString());

        // The caller's record is untouched; consumers see the negotiated value.
        Assert.Equal("42e034", producer.Codecs[0].Parameters["profile-level-id"].AsString());
        var consumable = Ortc.GetConsumableRtpParameters(MediaKind.Video, negotiated, router, mapping);
        Assert.Equal("42e01f", consumable.Codecs[0].Parameters["profile-level-id"].AsString());

        // A lower producer level stays.
        Ortc.GetProducerRtpParametersMapping(
            H264Producer(("packetization-mode", 1), ("profile-level-id", "42e015")), router, out negotiated);
        Assert.Equal("42e015", negotiated.Codecs[0].Parameters["profile-level-id"].AsString());
    }

    [Fact]
    public void H264WithoutProfileLevelIdUsesTheDefault()
    {
        // Neither side has profile-level-id: nothing is added.
        var routerWithout = RouterWithH264(("packetization-mode", 1));
        Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1)), routerWithout, out var negotiated);
        Assert.False(negotiated.Codecs[0].Parameters.ContainsKey("profile-level-id"));

        // The router has one: the producer's default (Constrained Baseline 3.1) is negotiated and written.
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));
        Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1)), router, out negotiated);
        Assert.Equal("42e01f", negotiated.Codecs[0].Parameters["profile-level-id"].AsString());

        // A High router codec does not match a producer with the default profile.
        var highRouter = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "640032"));
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(H264Producer(("packetization-mode", 1)), highRouter));
    }

    [Fact]
    public void H264ProfilesPickTheMatchingRouterCodec()
    {
        var router = Ortc.GenerateRouterRtpCapabilities(
        [
            H264Capability(("packetization-mode", 1), ("profile-level-id", "4d0032")),
            H264Capability(("packetization-mode", 1), ("profile-level-id", "42e01f")),
            H264Capability(("packetization-mode", 0), ("profile-level-id", "42e01f")),
        ]);
        Assert.Equal([100, 101, 102, 103, 104, 105], router.Codecs.Select(c => c.PreferredPayloadType!.Value));

        Assert.Equal(100, Ortc.GetProducerRtpParametersMapping(
            H264Producer(("packetization-mode", 1), ("profile-level-id", "4d0032")), router).Codecs[0].MappedPayloadType);
        Assert.Equal(102, Ortc.GetProducerRtpParametersMapping(
            H264Producer(("packetization-mode", 1), ("profile-level-id", "42e01f")), router).Codecs[0].MappedPayloadType);
        Assert.Equal(104, Ortc.GetProducerRtpParametersMapping(
            H264Producer(("profile-level-id", "42e01f")), router).Codecs[0].MappedPayloadType);
        // The RTX of the matched codec.
        Assert.Equal(105, Ortc.GetProducerRtpParametersMapping(
            H264Producer(("profile-level-id", "42e01f")), router).Codecs[1].MappedPayloadType);
    }

    [Fact]
    public void H264CanConsumeRequiresTheSameProfileAndPacketizationMode()
    {
        var router = RouterWithH264(("packetization-mode", 1), ("profile-level-id", "42e01f"));
        var consumable = Consumable(MediaKind.Video, H264Producer(("packetization-mode", 1), ("profile-level-id", "42e01f")), router);

        RtpCapabilities Remote(params (string Key, RtpParameterValue Value)[] parameters) => new()
        {
            Codecs =
            [
                new() { Kind = MediaKind.Video, MimeType = "video/H264", PreferredPayloadType = 125, ClockRate = 90000, Parameters = P(parameters) },
            ],
        };

        Assert.True(Ortc.CanConsume(consumable, Remote(("packetization-mode", 1), ("profile-level-id", "42e01f"))));
        // A different level of the same profile is fine.
        Assert.True(Ortc.CanConsume(consumable, Remote(("packetization-mode", 1), ("profile-level-id", "42e034"))));
        Assert.False(Ortc.CanConsume(consumable, Remote(("packetization-mode", 0), ("profile-level-id", "42e01f"))));
        Assert.False(Ortc.CanConsume(consumable, Remote(("packetization-mode", 1), ("profile-level-id", "640c1f"))));
        Assert.False(Ortc.CanConsume(consumable, Remote(("packetization-mode", 1), ("profile-level-id", "4d001f"))));
    }

    // ---- VP9 ----

    [Fact]
    public void Vp9ProfileIdMustMatch()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp9Capability(("profile-id", 0)), Vp9Capability(("profile-id", 2))]);
        Assert.Equal(4, router.Codecs.Count);

        RtpParameters Vp9Producer(params (string Key, RtpParameterValue Value)[] parameters) =>
            Producer([Codec("video/VP9", 98, 90000, parameters)]);

        // Absent profile-id means 0.
        Assert.Equal(100, Ortc.GetProducerRtpParametersMapping(Vp9Producer(), router).Codecs[0].MappedPayloadType);
        Assert.Equal(100, Ortc.GetProducerRtpParametersMapping(Vp9Producer(("profile-id", 0)), router).Codecs[0].MappedPayloadType);
        Assert.Equal(102, Ortc.GetProducerRtpParametersMapping(Vp9Producer(("profile-id", 2)), router).Codecs[0].MappedPayloadType);

        var onlyProfile2 = Ortc.GenerateRouterRtpCapabilities([Vp9Capability(("profile-id", 2))]);
        Assert.Throws<UnsupportedException>(() => Ortc.GetProducerRtpParametersMapping(Vp9Producer(), onlyProfile2));
        Assert.Throws<UnsupportedException>(() => Ortc.GetProducerRtpParametersMapping(Vp9Producer(("profile-id", 1)), onlyProfile2));

        var consumable = Consumable(MediaKind.Video, Vp9Producer(("profile-id", 2)), onlyProfile2);
        RtpCapabilities remote(RtpParameterValue? profileId) => new()
        {
            Codecs =
            [
                new()
                {
                    Kind = MediaKind.Video, MimeType = "video/VP9", PreferredPayloadType = 98, ClockRate = 90000,
                    Parameters = profileId is { } id ? P(("profile-id", id)) : P(),
                },
            ],
        };
        Assert.True(Ortc.CanConsume(consumable, remote(2)));
        Assert.False(Ortc.CanConsume(consumable, remote(0)));
        Assert.False(Ortc.CanConsume(consumable, remote(null)));
    }

    [Fact]
    public void Vp9ProfileIdIsIgnoredWhenGeneratingRouterCapabilities()
    {
        // Non-strict matching against mediasoup's single VP9: any profile-id is accepted and kept.
        var router = Ortc.GenerateRouterRtpCapabilities([Vp9Capability(("profile-id", 2))]);
        Assert.Equal(2, router.Codecs[0].Parameters["profile-id"].AsNumber());
    }

    // ---- AV1 ----

    [Fact]
    public void Av1MatchesByMimeTypeAndClockRateOnly()
    {
        // mediasoup 3.27's matchCodecs() has no AV1-specific rule: parameters such as profile do not take part.
        var router = Ortc.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/AV1", ClockRate = 90000 },
        ]);
        var producer = Producer([Codec("video/av1", 45, 90000, ("profile", 1)), Rtx(46, 45)],
            new RtpEncodingParameters { Ssrc = 1, Rtx = new RtxParameters(2), ScalabilityMode = "L1T3" });
        var consumable = Consumable(MediaKind.Video, producer, router);
        Assert.Equal("video/AV1", consumable.Codecs[0].MimeType);
        Assert.Equal(1, consumable.Codecs[0].Parameters["profile"].AsNumber());

        var remote = new RtpCapabilities
        {
            Codecs = [new() { Kind = MediaKind.Video, MimeType = "video/AV1", PreferredPayloadType = 45, ClockRate = 90000, Parameters = P(("profile", 0)) }],
        };
        Assert.True(Ortc.CanConsume(consumable, remote));
    }

    // ---- multiopus ----

    private static RtpCodecCapability MultiopusCapability(int channels, string mapping, int numStreams, int coupledStreams) => new()
    {
        Kind = MediaKind.Audio, MimeType = "audio/multiopus", ClockRate = 48000, Channels = channels,
        Parameters = P(("channel_mapping", mapping), ("num_streams", numStreams), ("coupled_streams", coupledStreams)),
    };

    [Fact]
    public void MultiopusRouterCodecsMustMatchASupportedLayout()
    {
        var router = Ortc.GenerateRouterRtpCapabilities(
        [
            MultiopusCapability(4, "0,1,2,3", 2, 2),
            MultiopusCapability(6, "0,4,1,2,3,5", 4, 2),
            MultiopusCapability(8, "0,6,1,2,3,4,5,7", 5, 3),
        ]);
        Assert.Equal([4, 6, 8], router.Codecs.Select(c => c.Channels!.Value));
        Assert.All(router.Codecs, c => Assert.Equal(MediaKind.Audio, c.Kind)); // No RTX for audio.

        Assert.Throws<UnsupportedException>(() => Ortc.GenerateRouterRtpCapabilities([MultiopusCapability(6, "0,4,1,2,3,5", 3, 2)]));
        Assert.Throws<UnsupportedException>(() => Ortc.GenerateRouterRtpCapabilities([MultiopusCapability(6, "0,4,1,2,3,5", 4, 3)]));
        Assert.Throws<UnsupportedException>(() => Ortc.GenerateRouterRtpCapabilities([MultiopusCapability(5, "0,4,1,2,3", 4, 2)]));
    }

    [Fact]
    public void MultiopusProducerAndConsumerChannelCounts()
    {
        // test-multiopus.js's router: 5.1 multiopus with PT 100.
        var multiopus = MultiopusCapability(6, "0,4,1,2,3,5", 4, 2) with
        {
            PreferredPayloadType = 100,
            Parameters = P(("useinbandfec", 1), ("channel_mapping", "0,4,1,2,3,5"), ("num_streams", 4), ("coupled_streams", 2)),
        };
        var router = Ortc.GenerateRouterRtpCapabilities([multiopus]);

        RtpParameters AudioProducer(int numStreams, int coupledStreams) => new()
        {
            Mid = "AUDIO",
            Codecs =
            [
                new()
                {
                    MimeType = "audio/multiopus", PayloadType = 0, ClockRate = 48000, Channels = 6,
                    Parameters = P(("useinbandfec", 1), ("channel_mapping", "0,4,1,2,3,5"), ("num_streams", numStreams), ("coupled_streams", coupledStreams)),
                },
            ],
        };

        // Wrong stream counts (test-multiopus.js 'fails to produce wrong parameters').
        Assert.Throws<UnsupportedException>(() => Ortc.GetProducerRtpParametersMapping(AudioProducer(2, 2), router));
        Assert.Throws<UnsupportedException>(() => Ortc.GetProducerRtpParametersMapping(AudioProducer(4, 1), router));

        var consumable = Consumable(MediaKind.Audio, AudioProducer(4, 2) with { Encodings = [new() { Ssrc = 1 }] }, router);

        RtpCapabilities Device(int channels) => new()
        {
            Codecs =
            [
                new()
                {
                    Kind = MediaKind.Audio, MimeType = "audio/multiopus", PreferredPayloadType = 100, ClockRate = 48000, Channels = channels,
                    Parameters = P(("channel_mapping", "0,4,1,2,3,5"), ("num_streams", 4), ("coupled_streams", 2)),
                },
            ],
        };

        Assert.True(Ortc.CanConsume(consumable, Device(6)));
        var consumer = Ortc.GetConsumerRtpParameters(consumable, Device(6), pipe: false, enableRtx: false);
        Assert.Equal(
            new RtpCodecParameters
            {
                MimeType = "audio/multiopus", PayloadType = 100, ClockRate = 48000, Channels = 6,
                Parameters = P(("useinbandfec", 1), ("channel_mapping", "0,4,1,2,3,5"), ("num_streams", 4), ("coupled_streams", 2)),
                RtcpFeedback = [],
            },
            Assert.Single(consumer.Codecs));

        // Wrong channels (test-multiopus.js 'fails to consume wrong channels').
        Assert.False(Ortc.CanConsume(consumable, Device(8)));
        Assert.Throws<UnsupportedException>(() => Ortc.GetConsumerRtpParameters(consumable, Device(8), pipe: false, enableRtx: false));
    }

    [Fact]
    public void AudioChannelsDefaultToOne()
    {
        // PCMU has one channel; a codec without channels is normalized to 1 and matches.
        var router = Ortc.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/PCMU", ClockRate = 8000 },
        ]);
        Assert.Equal(1, router.Codecs[0].Channels);
        Assert.Equal(0, router.Codecs[0].PreferredPayloadType); // Static payload type.

        var mapping = Ortc.GetProducerRtpParametersMapping(Producer([Codec("audio/PCMU", 0, 8000)]), router);
        Assert.Equal(0, mapping.Codecs[0].MappedPayloadType);

        // Opus with 2 channels does not match mono opus.
        Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(Producer([Codec("audio/opus", 111, 48000)]), Ortc.GenerateRouterRtpCapabilities([Opus()])));
    }

    // ---- RTX pairing ----

    [Fact]
    public void RtxWithoutItsMediaCodecIsRejected()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);

        // Wrong apt (test-Producer.js 'Wrong apt in RTX codec' expects TypeError).
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            Ortc.GetProducerRtpParametersMapping(Producer([Codec("video/VP8", 96, 90000), Rtx(97, 111)]), router));
        Assert.Contains("RTX PT 97", e.Message);
        Assert.Contains("codecs[1].parameters.apt", e.ParamName);
    }

    [Fact]
    public void RtxNeedsARouterRtxCodec()
    {
        // Router capabilities without the RTX codec generated for VP8.
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var withoutRtx = router with { Codecs = router.Codecs.Where(c => !c.MimeType.EndsWith("/rtx")).ToList() };

        var e = Assert.Throws<UnsupportedException>(() =>
            Ortc.GetProducerRtpParametersMapping(Producer([Codec("video/VP8", 96, 90000), Rtx(97, 96)]), withoutRtx));
        Assert.Contains("no RTX codec", e.Message);

        // Without RTX in the producer it works, and the consumable parameters have no RTX either.
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)]), withoutRtx);
        Assert.Single(consumable.Codecs);
    }

    [Fact]
    public void RtxIsPairedWithTheMappedMediaCodec()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8(), Vp9Capability()]);
        // VP8 100 + rtx 101, VP9 102 + rtx 103.
        var producer = Producer([Codec("video/VP9", 98, 90000), Rtx(99, 98), Codec("video/VP8", 96, 90000), Rtx(97, 96)]);

        var mapping = Ortc.GetProducerRtpParametersMapping(producer, router);

        // Media codecs first, then RTX codecs.
        Assert.Equal(
            [(98, 102), (96, 100), (99, 103), (97, 101)],
            mapping.Codecs.Select(m => (m.PayloadType, m.MappedPayloadType)));

        var consumable = Ortc.GetConsumableRtpParameters(MediaKind.Video, producer, router, mapping);
        Assert.Equal(
            [("video/VP9", 102), ("video/rtx", 103), ("video/VP8", 100), ("video/rtx", 101)],
            consumable.Codecs.Select(c => (c.MimeType, c.PayloadType)));
        Assert.Equal(102, consumable.Codecs[1].Parameters["apt"].AsNumber());
    }

    [Fact]
    public void ConsumerRtxFollowsEnableRtxAndTheRemoteCapabilities()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var consumable = Consumable(MediaKind.Video,
            Producer([Codec("video/VP8", 96, 90000), Rtx(97, 96)], new RtpEncodingParameters { Ssrc = 1, Rtx = new RtxParameters(2) }),
            router);

        RtpCodecCapability remoteVp8 = new()
        {
            Kind = MediaKind.Video, MimeType = "video/VP8", PreferredPayloadType = 96, ClockRate = 90000,
            RtcpFeedback = [Fb("nack"), Fb("nack", "pli"), Fb("ccm", "fir"), Fb("goog-remb"), Fb("transport-cc")],
        };
        RtpCodecCapability remoteRtx = new()
        {
            Kind = MediaKind.Video, MimeType = "video/rtx", PreferredPayloadType = 97, ClockRate = 90000, Parameters = P(("apt", 96)),
        };

        // RTX enabled and supported.
        var withRtx = Ortc.GetConsumerRtpParameters(consumable, new RtpCapabilities { Codecs = [remoteVp8, remoteRtx] }, pipe: false, enableRtx: true);
        Assert.Equal(["video/VP8", "video/rtx"], withRtx.Codecs.Select(c => c.MimeType));
        Assert.Equal(withRtx.Encodings[0].Ssrc + 1, withRtx.Encodings[0].Rtx!.Ssrc);
        Assert.Contains(Fb("nack"), withRtx.Codecs[0].RtcpFeedback);

        // RTX disabled: no RTX codec, no RTX SSRC, no plain NACK (PLI stays).
        var withoutRtx = Ortc.GetConsumerRtpParameters(consumable, new RtpCapabilities { Codecs = [remoteVp8, remoteRtx] }, pipe: false, enableRtx: false);
        Assert.Equal(["video/VP8"], withoutRtx.Codecs.Select(c => c.MimeType));
        Assert.Null(withoutRtx.Encodings[0].Rtx);
        Assert.DoesNotContain(Fb("nack"), withoutRtx.Codecs[0].RtcpFeedback);
        Assert.Contains(Fb("nack", "pli"), withoutRtx.Codecs[0].RtcpFeedback);

        // RTX enabled but the endpoint has no RTX codec.
        var remoteWithoutRtx = Ortc.GetConsumerRtpParameters(consumable, new RtpCapabilities { Codecs = [remoteVp8] }, pipe: false, enableRtx: true);
        Assert.Equal(["video/VP8"], remoteWithoutRtx.Codecs.Select(c => c.MimeType));
        Assert.Null(remoteWithoutRtx.Encodings[0].Rtx);
    }

    [Fact]
    public void CanConsumeIsFalseWhenOnlyRtxMatches()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000), Rtx(97, 96)]), router);

        var onlyRtx = new RtpCapabilities
        {
            Codecs = [new() { Kind = MediaKind.Video, MimeType = "video/rtx", PreferredPayloadType = 97, ClockRate = 90000, Parameters = P(("apt", 96)) }],
        };
        Assert.False(Ortc.CanConsume(consumable, onlyRtx));
        Assert.False(Ortc.CanConsume(consumable, new RtpCapabilities()));
        Assert.Throws<UnsupportedException>(() => Ortc.GetConsumerRtpParameters(consumable, onlyRtx, pipe: false, enableRtx: true));
    }

    // ---- payload types ----

    [Fact]
    public void DynamicPayloadTypesRunOut()
    {
        // 16 video codecs use all 32 dynamic payload types (each with its RTX).
        var sixteen = Enumerable.Range(0, 16).Select(_ => Vp8()).ToList();
        var caps = Ortc.GenerateRouterRtpCapabilities(sixteen);
        Assert.Equal(32, caps.Codecs.Count);
        Assert.Equal(
            [.. Enumerable.Range(100, 28), 96, 97, 98, 99],
            caps.Codecs.Select(c => c.PreferredPayloadType!.Value));

        var e = Assert.ThrowsAny<ArgumentException>(() => Ortc.GenerateRouterRtpCapabilities([.. sixteen, Vp8()]));
        Assert.Contains("cannot allocate more dynamic codec payload types", e.Message);
    }

    [Fact]
    public void PreferredPayloadTypesAreKeptAndRemovedFromThePool()
    {
        // opus keeps 101; VP8 takes the first free dynamic one (100) and its RTX the next free one (102, not 101).
        var caps = Ortc.GenerateRouterRtpCapabilities([Opus(preferredPayloadType: 101), Vp8()]);
        Assert.Equal([101, 100, 102], caps.Codecs.Select(c => c.PreferredPayloadType!.Value));

        // A given payload type outside the dynamic range is kept as is.
        caps = Ortc.GenerateRouterRtpCapabilities([Opus(preferredPayloadType: 63)]);
        Assert.Equal(63, caps.Codecs[0].PreferredPayloadType);
    }

    [Fact]
    public void DuplicatedPreferredPayloadTypeIsRejected()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() =>
            Ortc.GenerateRouterRtpCapabilities([Opus(preferredPayloadType: 111), Vp8(preferredPayloadType: 111)]));
        Assert.Contains("duplicated codec.preferredPayloadType 111", e.Message);
        Assert.Equal("mediaCodecs[1].preferredPayloadType", e.ParamName);

        // A dynamic payload type given to an RTX codec cannot be taken later.
        e = Assert.ThrowsAny<ArgumentException>(() =>
            Ortc.GenerateRouterRtpCapabilities([Vp8(), Opus(preferredPayloadType: 101)]));
        Assert.Contains("duplicated", e.Message);

        // Two codecs with the same static payload type.
        Assert.ThrowsAny<ArgumentException>(() => Ortc.GenerateRouterRtpCapabilities(
        [
            new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/CN", ClockRate = 8000 },
            new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/CN", ClockRate = 16000 },
        ]));
    }

    [Fact]
    public void RouterCodecsTakeMediasoupSpellingAndKind()
    {
        var caps = Ortc.GenerateRouterRtpCapabilities(
        [
            // Lowercase MIME type and a wrong kind: mediasoup's codec wins.
            new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "video/vp8", ClockRate = 90000 },
        ]);
        Assert.Equal("video/VP8", caps.Codecs[0].MimeType);
        Assert.Equal(MediaKind.Video, caps.Codecs[0].Kind);
        Assert.Equal(MediaKind.Video, caps.Codecs[1].Kind);
        Assert.Equal(Mediasoup.SupportedRtpCapabilities.HeaderExtensions, caps.HeaderExtensions);
    }

    // ---- header extensions ----

    [Fact]
    public void ConsumableHeaderExtensionsAreThoseMediasoupCanSendForTheKind()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Opus(), Vp8()]);

        var audio = Consumable(MediaKind.Audio, Producer([Codec("audio/opus", 111, 48000) with { Channels = 2 }]), router);
        Assert.Equal(
            [
                (RtpHeaderExtensionUri.Mid, 1), (RtpHeaderExtensionUri.AbsSendTime, 4), (RtpHeaderExtensionUri.SsrcAudioLevel, 6),
                (RtpHeaderExtensionUri.PlayoutDelay, 11), (RtpHeaderExtensionUri.MediasoupPacketId, 12),
            ],
            audio.HeaderExtensions.Select(e => (e.Uri, e.Id)));

        // recvonly ones (RID, repaired RID, dependency descriptor) are not consumable.
        var video = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)]), router);
        Assert.Equal(
            [
                (RtpHeaderExtensionUri.Mid, 1), (RtpHeaderExtensionUri.AbsSendTime, 4), (RtpHeaderExtensionUri.TransportWideCc01, 5),
                (RtpHeaderExtensionUri.VideoOrientation, 8), (RtpHeaderExtensionUri.TimeOffset, 9),
                (RtpHeaderExtensionUri.PlayoutDelay, 11), (RtpHeaderExtensionUri.MediasoupPacketId, 12),
            ],
            video.HeaderExtensions.Select(e => (e.Uri, e.Id)));
        Assert.All(video.HeaderExtensions, e => Assert.False(e.Encrypt));
    }

    [Fact]
    public void AbsCaptureTimeIsConsumableOnlyIfTheProducerNegotiatedIt()
    {
        // mediasoup 3.27: the worker only proxies abs-capture-time from the producer's packets, so it is announced to
        // consumers only when the producer has it (under its own id there, the router's preferred id here).
        var router = Ortc.GenerateRouterRtpCapabilities([Opus(), Vp8()]);
        foreach (var (kind, codec) in new[] { (MediaKind.Audio, Codec("audio/opus", 111, 48000) with { Channels = 2 }), (MediaKind.Video, Codec("video/VP8", 96, 90000)) })
        {
            var without = Consumable(kind, Producer([codec]), router);
            Assert.DoesNotContain(without.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUri.AbsCaptureTime);

            var with = Consumable(kind, Producer([codec]) with
            {
                HeaderExtensions = [new() { Uri = RtpHeaderExtensionUri.AbsCaptureTime, Id = 3 }],
            }, router);
            var absCaptureTime = Assert.Single(with.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUri.AbsCaptureTime);
            Assert.Equal(10, absCaptureTime.Id);
            // The other consumable extensions are the same either way.
            Assert.Equal(without.HeaderExtensions, with.HeaderExtensions.Where(e => e.Uri != RtpHeaderExtensionUri.AbsCaptureTime));
        }
    }

    [Fact]
    public void CustomSendOnlyExtensionsAreConsumableAndInactiveOnesAreNot()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Opus(), Vp8()]);

        // A sendonly extension is consumable, an inactive one is not.
        var custom = router with
        {
            HeaderExtensions =
            [
                new() { Kind = MediaKind.Video, Uri = "urn:x:sendonly", PreferredId = 20, Direction = RtpHeaderExtensionDirection.SendOnly },
                new() { Kind = MediaKind.Video, Uri = "urn:x:inactive", PreferredId = 21, Direction = RtpHeaderExtensionDirection.Inactive },
            ],
        };
        var customConsumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)]), custom);
        Assert.Equal(["urn:x:sendonly"], customConsumable.HeaderExtensions.Select(e => e.Uri));
    }

    [Fact]
    public void ConsumerHeaderExtensionsNeedTheSameUriAndId()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)]), router);

        var remote = new RtpCapabilities
        {
            Codecs = [new() { Kind = MediaKind.Video, MimeType = "video/VP8", PreferredPayloadType = 96, ClockRate = 90000 }],
            HeaderExtensions =
            [
                new() { Kind = MediaKind.Video, Uri = RtpHeaderExtensionUri.Mid, PreferredId = 1 },
                new() { Kind = MediaKind.Video, Uri = RtpHeaderExtensionUri.VideoOrientation, PreferredId = 13 }, // Different id.
                new() { Kind = MediaKind.Video, Uri = RtpHeaderExtensionUri.TimeOffset, PreferredId = 9 },
            ],
        };
        var consumer = Ortc.GetConsumerRtpParameters(consumable, remote, pipe: false, enableRtx: true);
        Assert.Equal([RtpHeaderExtensionUri.Mid, RtpHeaderExtensionUri.TimeOffset], consumer.HeaderExtensions.Select(e => e.Uri));
    }

    [Fact]
    public void ConsumerBweFeedbackFollowsTheHeaderExtensions()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)]), router);

        RtpParameters ConsumeWith(params RtpHeaderExtension[] extensions) => Ortc.GetConsumerRtpParameters(
            consumable,
            new RtpCapabilities
            {
                Codecs = [new() { Kind = MediaKind.Video, MimeType = "video/VP8", PreferredPayloadType = 96, ClockRate = 90000, RtcpFeedback = VideoFeedback }],
                HeaderExtensions = extensions,
            },
            pipe: false, enableRtx: true);

        var twcc = new RtpHeaderExtension { Kind = MediaKind.Video, Uri = RtpHeaderExtensionUri.TransportWideCc01, PreferredId = 5 };
        var absSendTime = new RtpHeaderExtension { Kind = MediaKind.Video, Uri = RtpHeaderExtensionUri.AbsSendTime, PreferredId = 4 };

        Assert.Equal(
            ["nack", "nack", "ccm", "transport-cc"],
            ConsumeWith(twcc, absSendTime).Codecs[0].RtcpFeedback.Select(f => f.Type));
        Assert.Equal(
            ["nack", "nack", "ccm", "goog-remb"],
            ConsumeWith(absSendTime).Codecs[0].RtcpFeedback.Select(f => f.Type));
        Assert.Equal(
            ["nack", "nack", "ccm"],
            ConsumeWith().Codecs[0].RtcpFeedback.Select(f => f.Type));
    }

    [Fact]
    public void PipeConsumerHeaderExtensionsDropMidAndBweAndAddDependencyDescriptor()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000), Rtx(97, 96)],
            new RtpEncodingParameters { Rid = "r0" }, new RtpEncodingParameters { Rid = "r1" }), router);

        var pipe = Ortc.GetPipeConsumerRtpParameters(consumable, enableRtx: true);
        Assert.Equal(
            [
                (RtpHeaderExtensionUri.DependencyDescriptor, 7), (RtpHeaderExtensionUri.VideoOrientation, 8), (RtpHeaderExtensionUri.TimeOffset, 9),
                (RtpHeaderExtensionUri.PlayoutDelay, 11), (RtpHeaderExtensionUri.MediasoupPacketId, 12),
            ],
            pipe.HeaderExtensions.Select(e => (e.Uri, e.Id)));

        // With RTX: RTX codec, plain NACK kept, consecutive SSRCs and RTX SSRCs for every encoding.
        Assert.Equal(["video/VP8", "video/rtx"], pipe.Codecs.Select(c => c.MimeType));
        Assert.Equal([Fb("nack"), Fb("nack", "pli"), Fb("ccm", "fir")], pipe.Codecs[0].RtcpFeedback);
        Assert.Equal(2, pipe.Encodings.Count);
        Assert.Equal(pipe.Encodings[0].Ssrc + 1, pipe.Encodings[1].Ssrc);
        Assert.Equal(pipe.Encodings[0].Rtx!.Ssrc + 1, pipe.Encodings[1].Rtx!.Ssrc);
    }

    // ---- consumer encodings ----

    [Theory]
    [InlineData(new[] { "L1T3", "L1T3", "L1T3" }, "L3T3")]
    [InlineData(new[] { "L1T2", "L1T2" }, "L2T2")]
    [InlineData(new string?[] { null, null }, "L2T1")]
    [InlineData(new[] { "L1T3" }, "L1T3")]
    [InlineData(new[] { "L3T3_KEY" }, "L3T3_KEY")]
    [InlineData(new[] { "S3T3" }, "S3T3")]
    [InlineData(new string?[] { null }, null)]
    public void ConsumerScalabilityModeReflectsSimulcastAndSvc(string?[] modes, string? expected)
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var encodings = modes.Select((m, i) => new RtpEncodingParameters { Rid = $"r{i}", ScalabilityMode = m, MaxBitrate = 100000 * (i + 1) }).ToArray();
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)], encodings), router);

        var remote = new RtpCapabilities
        {
            Codecs = [new() { Kind = MediaKind.Video, MimeType = "video/VP8", PreferredPayloadType = 96, ClockRate = 90000 }],
        };
        var consumer = Ortc.GetConsumerRtpParameters(consumable, remote, pipe: false, enableRtx: true);

        var encoding = Assert.Single(consumer.Encodings);
        Assert.Equal(expected, encoding.ScalabilityMode);
        Assert.Equal(100000 * modes.Length, encoding.MaxBitrate);
        Assert.InRange(encoding.Ssrc!.Value, 100_000_000u, 999_999_999u);
        Assert.Null(encoding.Rid);
    }
}
