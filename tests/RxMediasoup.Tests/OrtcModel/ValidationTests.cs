using static RxMediasoup.Tests.OrtcModel.OrtcTestData;

namespace RxMediasoup.Tests.OrtcModel;

/// <summary>Validation (mediasoup's <c>validateAndNormalize*</c>): bad input throws the ArgumentException family naming the field and value.</summary>
public class ValidationTests
{
    [Fact]
    public void CapabilitiesAreNormalized()
    {
        var caps = Ortc.ValidateAndNormalizeRtpCapabilities(new RtpCapabilities
        {
            Codecs =
            [
                new() { Kind = MediaKind.Video, MimeType = "audio/opus", ClockRate = 48000, RtcpFeedback = [new RtcpFeedback { Type = "nack", Parameter = null! }] },
                new() { MimeType = "VIDEO/VP8", ClockRate = 90000, Channels = 2 },
            ],
            HeaderExtensions = [new() { Kind = MediaKind.Audio, Uri = RtpHeaderExtensionUri.Mid, PreferredId = 1 }],
        });

        Assert.Equal(MediaKind.Audio, caps.Codecs[0].Kind); // From the MIME type.
        Assert.Equal(1, caps.Codecs[0].Channels);
        Assert.Equal("", caps.Codecs[0].RtcpFeedback[0].Parameter);
        Assert.Equal(MediaKind.Video, caps.Codecs[1].Kind);
        Assert.Null(caps.Codecs[1].Channels); // Video has no channels.
        Assert.False(caps.HeaderExtensions[0].PreferredEncrypt);
        Assert.Equal(RtpHeaderExtensionDirection.SendRecv, caps.HeaderExtensions[0].Direction);
    }

    [Theory]
    [InlineData(null, "missing codec.mimeType")]
    [InlineData("", "missing codec.mimeType")]
    [InlineData("opus", "invalid codec.mimeType 'opus'")]
    [InlineData("text/plain", "invalid codec.mimeType 'text/plain'")]
    [InlineData("audio/", "invalid codec.mimeType 'audio/'")]
    public void InvalidMimeTypeIsRejected(string? mimeType, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpCapabilities(new RtpCapabilities
        {
            Codecs = [Opus(), new() { MimeType = mimeType!, ClockRate = 48000 }],
        }));
        Assert.StartsWith(message, e.Message);
        Assert.Equal("rtpCapabilities.codecs[1].mimeType", e.ParamName);
    }

    [Fact]
    public void OutOfRangeNumbersAreRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 128, 90000)])));
        Assert.Equal("rtpParameters.codecs[0].payloadType", e.ParamName);
        Assert.Contains("128", e.Message);

        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 96, 0)])));
        Assert.Equal("rtpParameters.codecs[0].clockRate", e.ParamName);

        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("audio/opus", 100, 48000) with { Channels = 0 }])));
        Assert.Equal("rtpParameters.codecs[0].channels", e.ParamName);

        e = Assert.Throws<ArgumentOutOfRangeException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 96, 90000)]) with { HeaderExtensions = [new() { Uri = RtpHeaderExtensionUri.Mid, Id = 0 }] }));
        Assert.Equal("rtpParameters.headerExtensions[0].id", e.ParamName);

        e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Ortc.GenerateRouterRtpCapabilities([Opus(preferredPayloadType: 200)]));
        Assert.Equal("mediaCodecs[0].preferredPayloadType", e.ParamName);
    }

    [Fact]
    public void CodecParametersMustBeStringsOrNumbers()
    {
        var e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 96, 90000, ("x-flag", true))])));
        Assert.Contains("invalid codec parameter [key:x-flag, value:true]", e.Message);
        Assert.Equal("rtpParameters.codecs[0].parameters.x-flag", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 96, 90000), Codec("video/rtx", 97, 90000, ("apt", "96"))])));
        Assert.Contains("invalid codec apt parameter '96'", e.Message);

        e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 96, 90000)]) with
            {
                HeaderExtensions = [new() { Uri = RtpHeaderExtensionUri.Mid, Id = 1, Parameters = P(("x", RtpParameterValue.FromIntegers([1, 2]))) }],
            }));
        Assert.Contains("invalid header extension parameter [key:x, value:1,2]", e.Message);
    }

    [Fact]
    public void FeedbackNeedsAType()
    {
        var e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpParameters(
            Producer([Codec("video/VP8", 96, 90000) with { RtcpFeedback = [Fb("nack"), new RtcpFeedback { Type = "" }] }])));
        Assert.Equal("missing fb.type (Parameter 'rtpParameters.codecs[0].rtcpFeedback[1].type')", e.Message);
    }

    [Fact]
    public void HeaderExtensionCapabilitiesAreChecked()
    {
        var e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpCapabilities(new RtpCapabilities
        {
            HeaderExtensions = [new() { Kind = (MediaKind)7, Uri = RtpHeaderExtensionUri.Mid, PreferredId = 1 }],
        }));
        Assert.StartsWith("invalid ext.kind 7", e.Message);

        e = Assert.Throws<ArgumentException>(() => Ortc.ValidateAndNormalizeRtpCapabilities(new RtpCapabilities
        {
            HeaderExtensions = [new() { Kind = MediaKind.Video, Uri = "", PreferredId = 1 }],
        }));
        Assert.StartsWith("missing ext.uri", e.Message);
        Assert.Equal("rtpCapabilities.headerExtensions[0].uri", e.ParamName);
    }

    [Fact]
    public void NullItemsAreRejected()
    {
        var e = Assert.Throws<ArgumentNullException>(() =>
            Ortc.GenerateRouterRtpCapabilities([Opus(), null!]));
        Assert.Equal("mediaCodecs[1]", e.ParamName);

        Assert.Throws<ArgumentNullException>(() => Ortc.GenerateRouterRtpCapabilities(null!));
        Assert.Throws<ArgumentNullException>(() => Ortc.ValidateAndNormalizeRtpParameters(null!));
        Assert.Throws<ArgumentNullException>(() => Ortc.CanConsume(new RtpParameters { Codecs = [] }, null!));
    }

    [Fact]
    public void RtpParametersAreNormalized()
    {
        var normalized = Ortc.ValidateAndNormalizeRtpParameters(new RtpParameters
        {
            Codecs = [Codec("audio/opus", 111, 48000)],
            Rtcp = new RtcpParameters { Cname = "x", ReducedSize = false },
            Encodings = [new() { Ssrc = 1 }],
        });
        Assert.Equal(1, normalized.Codecs[0].Channels);
        // mediasoup always sets reducedSize to true.
        Assert.True(normalized.Rtcp.ReducedSize);
        Assert.Equal("x", normalized.Rtcp.Cname);

        // Missing RTCP means an empty one.
        Assert.Equal(new RtcpParameters(), new RtpParameters { Codecs = [], Rtcp = null! }.Rtcp);
    }

    [Fact]
    public void CanConsumeValidatesTheCapabilities()
    {
        var router = Ortc.GenerateRouterRtpCapabilities([Vp8()]);
        var consumable = Consumable(MediaKind.Video, Producer([Codec("video/VP8", 96, 90000)]), router);
        Assert.Throws<ArgumentException>(() => Ortc.CanConsume(consumable, new RtpCapabilities
        {
            Codecs = [new() { MimeType = "vp8", ClockRate = 90000 }],
        }));
    }

    // ---- SCTP stream parameters (validateAndNormalizeSctpStreamParameters) ----

    [Fact]
    public void SctpOrderedDefaultsToTrue()
    {
        var normalized = Ortc.ValidateAndNormalizeSctpStreamParameters(new SctpStreamParameters { StreamId = 1 });
        Assert.True(normalized.Ordered);
        Assert.Null(normalized.MaxPacketLifeTime);
        Assert.Null(normalized.MaxRetransmits);
    }

    [Fact]
    public void SctpWithALimitDefaultsToUnordered()
    {
        Assert.False(Ortc.ValidateAndNormalizeSctpStreamParameters(new SctpStreamParameters { StreamId = 1, MaxRetransmits = 3 }).Ordered);
        Assert.False(Ortc.ValidateAndNormalizeSctpStreamParameters(new SctpStreamParameters { StreamId = 1, MaxPacketLifeTime = 4000 }).Ordered);
        // 0 retransmissions is a limit too.
        Assert.False(Ortc.ValidateAndNormalizeSctpStreamParameters(new SctpStreamParameters { StreamId = 1, MaxRetransmits = 0 }).Ordered);
        // Given values are kept.
        Assert.False(Ortc.ValidateAndNormalizeSctpStreamParameters(new SctpStreamParameters { StreamId = 1, Ordered = false }).Ordered);
    }

    [Fact]
    public void SctpOrderedWithALimitIsRejected()
    {
        // test-DataProducer.js 'transport.produceData() with ordered and maxPacketLifeTime rejects with TypeError'.
        var e = Assert.ThrowsAny<ArgumentException>(() => Ortc.ValidateAndNormalizeSctpStreamParameters(
            new SctpStreamParameters { StreamId = 999, Ordered = true, MaxPacketLifeTime = 4000 }));
        Assert.Contains("cannot be ordered with maxPacketLifeTime or maxRetransmits", e.Message);
        Assert.Contains("maxPacketLifeTime:4000", e.Message);
    }

    [Fact]
    public void SctpBothLimitsAreRejected()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Ortc.ValidateAndNormalizeSctpStreamParameters(
            new SctpStreamParameters { StreamId = 1, MaxPacketLifeTime = 4000, MaxRetransmits = 3 }));
        Assert.Contains("cannot provide both maxPacketLifeTime (4000) and maxRetransmits (3)", e.Message);
    }

    [Theory]
    [InlineData(-1, null, null, "sctpStreamParameters.streamId")]
    [InlineData(65536, null, null, "sctpStreamParameters.streamId")]
    [InlineData(1, -5, null, "sctpStreamParameters.maxPacketLifeTime")]
    [InlineData(1, null, 70000, "sctpStreamParameters.maxRetransmits")]
    public void SctpOutOfRangeIsRejected(int streamId, int? maxPacketLifeTime, int? maxRetransmits, string paramName)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ortc.ValidateAndNormalizeSctpStreamParameters(
            new SctpStreamParameters { StreamId = streamId, MaxPacketLifeTime = maxPacketLifeTime, MaxRetransmits = maxRetransmits }));
        Assert.Equal(paramName, e.ParamName);
    }
}
