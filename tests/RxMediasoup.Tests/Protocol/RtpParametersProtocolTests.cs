using Google.FlatBuffers;
using RxMediasoup.Protocol;
using FbsRtp = FBS.RtpParameters;

namespace RxMediasoup.Tests.Protocol;

/// <summary>RTP parameters model → FlatBuffers → model, and the exact FlatBuffers shapes mediasoup writes.</summary>
public class RtpParametersProtocolTests
{
    internal static RtpParameters SimulcastVp8() => new()
    {
        Mid = "0",
        Codecs =
        [
            new RtpCodecParameters
            {
                MimeType = "video/VP8",
                PayloadType = 96,
                ClockRate = 90000,
                Parameters = new Dictionary<string, RtpParameterValue>
                {
                    ["x-google-start-bitrate"] = 1000,
                    ["x-ratio"] = 0.75,
                    ["x-label"] = "main",
                    ["x-flag"] = true,
                    ["x-off"] = false,
                    ["x-layers"] = RtpParameterValue.FromIntegers([1, 2, -3]),
                    ["x-negative"] = -42,
                },
                RtcpFeedback =
                [
                    new("goog-remb"), new("transport-cc"), new("ccm", "fir"), new("nack"), new("nack", "pli"),
                ],
            },
            new RtpCodecParameters
            {
                MimeType = "video/rtx",
                PayloadType = 97,
                ClockRate = 90000,
                Parameters = new Dictionary<string, RtpParameterValue> { ["apt"] = 96 },
            },
        ],
        HeaderExtensions =
        [
            new() { Uri = RtpHeaderExtensionUri.Mid, Id = 1 },
            new() { Uri = RtpHeaderExtensionUri.RtpStreamId, Id = 2 },
            new() { Uri = RtpHeaderExtensionUri.RepairedRtpStreamId, Id = 3 },
            new() { Uri = RtpHeaderExtensionUri.AbsSendTime, Id = 4 },
            new() { Uri = RtpHeaderExtensionUri.TransportWideCc01, Id = 5 },
            new() { Uri = RtpHeaderExtensionUri.VideoOrientation, Id = 13 },
            new() { Uri = RtpHeaderExtensionUri.TimeOffset, Id = 14 },
            new() { Uri = RtpHeaderExtensionUri.AbsCaptureTime, Id = 15 },
            new() { Uri = RtpHeaderExtensionUri.PlayoutDelay, Id = 16 },
            new()
            {
                Uri = RtpHeaderExtensionUri.DependencyDescriptor,
                Id = 8,
                Encrypt = true,
                Parameters = new Dictionary<string, RtpParameterValue> { ["foo"] = "bar", ["n"] = 3 },
            },
            new() { Uri = RtpHeaderExtensionUri.MediasoupPacketId, Id = 17 },
        ],
        Encodings =
        [
            new() { Ssrc = 11111111, Rid = "r0", Rtx = new RtxParameters(11111112), ScalabilityMode = "L1T3", MaxBitrate = 150000, CodecPayloadType = 96 },
            new() { Ssrc = 22222222, Rid = "r1", Rtx = new RtxParameters(22222223), ScalabilityMode = "L1T3", MaxBitrate = 500000 },
            // Above 32 bits: maxBitrate is a uint64 since mediasoup 3.27.
            new() { Rid = "r2", ScalabilityMode = "L1T3", MaxBitrate = 6_000_000_000, Dtx = true },
        ],
        Rtcp = new RtcpParameters { Cname = "wB4Ql4lrsxYLjzuN", ReducedSize = true },
        Msid = "stream-id track-id",
    };

    internal static RtpParameters H264() => new()
    {
        Mid = "video",
        Codecs =
        [
            new RtpCodecParameters
            {
                MimeType = "video/H264",
                PayloadType = 125,
                ClockRate = 90000,
                Parameters = new Dictionary<string, RtpParameterValue>
                {
                    ["level-asymmetry-allowed"] = 1,
                    ["packetization-mode"] = 1,
                    ["profile-level-id"] = "42e01f",
                },
                RtcpFeedback = [new("nack"), new("nack", "pli"), new("ccm", "fir"), new("goog-remb")],
            },
            new RtpCodecParameters
            {
                MimeType = "video/rtx",
                PayloadType = 107,
                ClockRate = 90000,
                Parameters = new Dictionary<string, RtpParameterValue> { ["apt"] = 125 },
            },
        ],
        Encodings = [new() { Ssrc = 3333, Rtx = new RtxParameters(3334) }],
        Rtcp = new RtcpParameters { Cname = "h264-cname" },
    };

    internal static RtpParameters Opus() => new()
    {
        Codecs =
        [
            new RtpCodecParameters
            {
                MimeType = "audio/opus",
                PayloadType = 111,
                ClockRate = 48000,
                Channels = 2,
                Parameters = new Dictionary<string, RtpParameterValue>
                {
                    ["useinbandfec"] = 1,
                    ["usedtx"] = 1,
                    ["minptime"] = 10,
                    ["sprop-stereo"] = true,
                    ["cbr"] = false,
                },
                RtcpFeedback = [new("transport-cc")],
            },
        ],
        HeaderExtensions =
        [
            new() { Uri = RtpHeaderExtensionUri.SsrcAudioLevel, Id = 10 },
            new() { Uri = RtpHeaderExtensionUri.AbsSendTime, Id = 4 },
        ],
        Encodings = [new() { Ssrc = 4444, Dtx = true, CodecPayloadType = 111, MaxBitrate = 0 }],
        Rtcp = new RtcpParameters { ReducedSize = false },
    };

    public static TheoryData<string> Cases => ["vp8-simulcast", "h264", "opus"];

    private static RtpParameters Case(string name) => name switch
    {
        "vp8-simulcast" => SimulcastVp8(),
        "h264" => H264(),
        _ => Opus(),
    };

    internal static FbsRtp.RtpParameters Serialize(RtpParameters parameters)
        => Fbs.Root(b => RtpParametersProtocol.Write(b, parameters).Value, FbsRtp.RtpParameters.GetRootAsRtpParameters);

    [Theory]
    [MemberData(nameof(Cases))]
    public void RoundTripsThroughFlatBuffers(string name)
    {
        var original = Case(name);
        var parsed = RtpParametersProtocol.Parse(Serialize(original));
        Assert.Equal(original, parsed);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheObjectApiReadsWhatWasWritten(string name)
    {
        var original = Case(name);
        var t = Serialize(original).UnPack();
        Assert.Equal(original.Mid, t.Mid);
        Assert.Equal(original.Msid, t.Msid);
        Assert.Equal(original.Rtcp.Cname, t.Rtcp.Cname);
        Assert.Equal(original.Rtcp.ReducedSize, t.Rtcp.ReducedSize);
        Assert.Equal(original.Codecs.Count, t.Codecs.Count);
        for (int i = 0; i < original.Codecs.Count; i++)
        {
            var (c, tc) = (original.Codecs[i], t.Codecs[i]);
            Assert.Equal(c.MimeType, tc.MimeType);
            Assert.Equal(c.PayloadType, tc.PayloadType);
            Assert.Equal((uint)c.ClockRate, tc.ClockRate);
            Assert.Equal(c.Channels, tc.Channels);
            Assert.Equal(c.Parameters.Keys, tc.Parameters.Select(p => p.Name));
            Assert.Equal(c.RtcpFeedback.Select(f => (f.Type, f.Parameter)), tc.RtcpFeedback.Select(f => (f.Type, f.Parameter)));
        }
        Assert.Equal(original.HeaderExtensions.Select(h => (h.Uri, h.Id, h.Encrypt)),
            t.HeaderExtensions.Select(h => (RtpParametersProtocol.UriFromFbs(h.Uri), (int)h.Id, h.Encrypt)));
        Assert.Equal(original.Encodings.Count, t.Encodings.Count);
        for (int i = 0; i < original.Encodings.Count; i++)
        {
            var (e, te) = (original.Encodings[i], t.Encodings[i]);
            Assert.Equal(e.Ssrc, te.Ssrc);
            Assert.Equal(e.Rid, te.Rid);
            Assert.Equal(e.CodecPayloadType, te.CodecPayloadType);
            Assert.Equal(e.Rtx?.Ssrc, te.Rtx?.Ssrc);
            Assert.Equal(e.Dtx, te.Dtx);
            Assert.Equal(e.ScalabilityMode, te.ScalabilityMode);
            Assert.Equal(e.MaxBitrate is { } mb ? (ulong)mb : null, te.MaxBitrate);
        }
    }

    [Fact]
    public void ParameterValuesUseMediasoupsUnionMembers()
    {
        var t = Serialize(SimulcastVp8()).UnPack();
        var p = t.Codecs[0].Parameters.ToDictionary(x => x.Name, x => x.Value);
        Assert.Equal(FbsRtp.Value.Integer32, p["x-google-start-bitrate"].Type);
        Assert.Equal(1000, p["x-google-start-bitrate"].AsInteger32().Value);
        Assert.Equal(-42, p["x-negative"].AsInteger32().Value);
        Assert.Equal(FbsRtp.Value.Double, p["x-ratio"].Type);
        Assert.Equal(0.75, p["x-ratio"].AsDouble().Value);
        Assert.Equal(FbsRtp.Value.String, p["x-label"].Type);
        Assert.Equal("main", p["x-label"].AsString().Value);
        Assert.Equal(FbsRtp.Value.Boolean, p["x-flag"].Type);
        Assert.Equal(1, p["x-flag"].AsBoolean().Value);
        Assert.Equal(0, p["x-off"].AsBoolean().Value);
        Assert.Equal(FbsRtp.Value.Integer32Array, p["x-layers"].Type);
        Assert.Equal(new[] { 1, 2, -3 }, p["x-layers"].AsInteger32Array().Value);
    }

    [Theory]
    [InlineData(1.0, (byte)FbsRtp.Value.Integer32, 1)]
    [InlineData(-0.0, (byte)FbsRtp.Value.Integer32, 0)]
    [InlineData(4294967295.0, (byte)FbsRtp.Value.Integer32, -1)] // JavaScript's ToInt32 wrap-around, as flatbuffers' addInt32 does
    [InlineData(2147483648.0, (byte)FbsRtp.Value.Integer32, int.MinValue)]
    [InlineData(1.5, (byte)FbsRtp.Value.Double, 0)]
    [InlineData(double.NaN, (byte)FbsRtp.Value.Double, 0)]
    [InlineData(double.PositiveInfinity, (byte)FbsRtp.Value.Double, 0)]
    public void NumbersAreIntegersWhenWholeLikeMediasoups(double number, byte expectedType, int asInteger)
    {
        var expected = (FbsRtp.Value)expectedType;
        var parameters = new Dictionary<string, RtpParameterValue> { ["n"] = number };
        var vector = Fbs.Root(b =>
        {
            var v = RtpParametersProtocol.WriteParameters(b, parameters);
            return FbsRtp.RtpHeaderExtensionParameters.CreateRtpHeaderExtensionParameters(b, parametersOffset: v).Value;
        }, FbsRtp.RtpHeaderExtensionParameters.GetRootAsRtpHeaderExtensionParameters).UnPack();
        var value = Assert.Single(vector.Parameters).Value;
        Assert.Equal(expected, value.Type);
        if (expected == FbsRtp.Value.Integer32) Assert.Equal(asInteger, value.AsInteger32().Value);
        else Assert.Equal(number, value.AsDouble().Value);
    }

    [Fact]
    public void ZeroSsrcAndPayloadTypeAndEmptyScalabilityModeAreLeftOutLikeMediasoup()
    {
        var parameters = Opus() with
        {
            Encodings = [new() { Ssrc = 0, CodecPayloadType = 0, ScalabilityMode = "", MaxBitrate = 0 }],
        };
        var e = Serialize(parameters).UnPack().Encodings[0];
        Assert.Null(e.Ssrc);
        Assert.Null(e.CodecPayloadType);
        Assert.Null(e.ScalabilityMode);
        Assert.Equal(0u, e.MaxBitrate); // maxBitrate is written whenever given
        Assert.Null(e.Rid);
        Assert.Null(e.Rtx);
    }

    [Fact]
    public void AbsentOptionalStringsAreNotWritten()
    {
        var t = Serialize(Opus()).UnPack();
        Assert.Null(t.Mid);
        Assert.Null(t.Msid);
        Assert.Null(t.Rtcp.Cname);
        Assert.False(t.Rtcp.ReducedSize);
        Assert.Null(Serialize(H264()).UnPack().Codecs[0].Channels);
    }

    [Fact]
    public void EveryKnownHeaderExtensionUriMapsBothWays()
    {
        var uris = typeof(RtpHeaderExtensionUri).GetFields().Select(f => (string)f.GetValue(null)!).ToArray();
        Assert.Equal(Enum.GetValues<FbsRtp.RtpHeaderExtensionUri>().Length, uris.Length);
        foreach (var uri in uris) Assert.Equal(uri, RtpParametersProtocol.UriFromFbs(RtpParametersProtocol.UriToFbs(uri)));
        Assert.Equal(
            Enum.GetValues<FbsRtp.RtpHeaderExtensionUri>(),
            uris.Select(RtpParametersProtocol.UriToFbs).Order());
    }

    [Fact]
    public void AnUnknownHeaderExtensionUriIsRejected()
    {
        var parameters = Opus() with { HeaderExtensions = [new() { Uri = "urn:example:unknown", Id = 9 }] };
        var e = Assert.Throws<ArgumentException>(() => Serialize(parameters));
        Assert.Contains("urn:example:unknown", e.Message);
    }

    [Fact]
    public void EmptyStringsFromTheWorkerBecomeAbsentLikeMediasoup()
    {
        var t = new FbsRtp.RtpParametersT
        {
            Mid = "",
            Msid = "",
            Codecs = [new FbsRtp.RtpCodecParametersT { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000 }],
            HeaderExtensions = [],
            Encodings = [new FbsRtp.RtpEncodingParametersT { Rid = "", ScalabilityMode = "", Ssrc = 5 }],
            Rtcp = new FbsRtp.RtcpParametersT { Cname = "" },
        };
        var parsed = RtpParametersProtocol.Parse(Fbs.Root(b => FbsRtp.RtpParameters.Pack(b, t).Value, FbsRtp.RtpParameters.GetRootAsRtpParameters));
        Assert.Null(parsed.Mid);
        Assert.Null(parsed.Msid);
        Assert.Null(parsed.Rtcp.Cname);
        Assert.True(parsed.Rtcp.ReducedSize);
        var encoding = Assert.Single(parsed.Encodings);
        Assert.Null(encoding.Rid);
        Assert.Null(encoding.ScalabilityMode);
        Assert.Equal(5u, encoding.Ssrc);
        Assert.Null(parsed.Codecs[0].Channels);
        Assert.Empty(parsed.Codecs[0].Parameters);
        Assert.Empty(parsed.Codecs[0].RtcpFeedback);
    }

    internal static RtpMapping Mapping() => new()
    {
        Codecs =
        [
            new() { PayloadType = 96, MappedPayloadType = 101 },
            new() { PayloadType = 97, MappedPayloadType = 102 },
        ],
        Encodings =
        [
            new() { Rid = "r0", MappedSsrc = 90000001 },
            new() { Ssrc = 22222222, MappedSsrc = 90000002 },
        ],
    };

    [Fact]
    public void RtpMappingRoundTrips()
    {
        var mapping = Mapping();
        var fbs = Fbs.Root(b => RtpParametersProtocol.WriteMapping(b, mapping).Value, FbsRtp.RtpMapping.GetRootAsRtpMapping);
        Assert.Equal(mapping, RtpParametersProtocol.ParseMapping(fbs));
        var t = fbs.UnPack();
        Assert.Equal("r0", t.Encodings[0].Rid);
        Assert.Null(t.Encodings[0].Ssrc);
        Assert.Null(t.Encodings[1].Rid);
        Assert.Equal(22222222u, t.Encodings[1].Ssrc);
        Assert.Equal(90000002u, t.Encodings[1].MappedSsrc);
    }
}
