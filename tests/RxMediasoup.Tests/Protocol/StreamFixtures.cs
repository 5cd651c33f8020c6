using FbsRtpStream = FBS.RtpStream;

namespace RxMediasoup.Tests.Protocol;

/// <summary>Worker-side (object API) RTP stream dumps, stats and packets, with the model each should parse into.</summary>
internal static class StreamFixtures
{
    public static FbsRtpStream.DumpT StreamDump(uint ssrc, string? rid, bool withRtx) => new()
    {
        Params = new FbsRtpStream.ParamsT
        {
            EncodingIdx = rid == "r1" ? 1u : 0u,
            Ssrc = ssrc,
            PayloadType = 101,
            MimeType = "video/VP8",
            ClockRate = 90000,
            Rid = rid ?? "",
            Cname = "cname-1",
            RtxSsrc = withRtx ? ssrc + 1 : null,
            RtxPayloadType = withRtx ? (byte)102 : null,
            UseNack = true,
            UsePli = true,
            UseFir = false,
            UseInBandFec = false,
            UseDtx = true,
            SpatialLayers = 1,
            TemporalLayers = 3,
        },
        Score = 9,
        RtxStream = withRtx
            ? new FBS.RtxStream.RtxDumpT
            {
                Params = new FBS.RtxStream.ParamsT
                {
                    Ssrc = ssrc + 1,
                    PayloadType = 102,
                    MimeType = "video/rtx",
                    ClockRate = 90000,
                    Rrid = rid ?? "",
                    Cname = "cname-1",
                },
            }
            : null,
    };

    public static RtpStreamDump StreamDumpModel(uint ssrc, string? rid, bool withRtx) => new()
    {
        Params = new RtpStreamParametersDump
        {
            EncodingIdx = rid == "r1" ? 1 : 0,
            Ssrc = ssrc,
            PayloadType = 101,
            MimeType = "video/VP8",
            ClockRate = 90000,
            Rid = rid,
            Cname = "cname-1",
            RtxSsrc = withRtx ? ssrc + 1 : null,
            RtxPayloadType = withRtx ? 102 : null,
            UseNack = true,
            UsePli = true,
            UseDtx = true,
            SpatialLayers = 1,
            TemporalLayers = 3,
        },
        Score = 9,
        RtxStream = withRtx
            ? new RtxStreamParametersDump
            {
                Ssrc = ssrc + 1,
                PayloadType = 102,
                MimeType = "video/rtx",
                ClockRate = 90000,
                Rrid = rid,
                Cname = "cname-1",
            }
            : null,
    };

    private static FbsRtpStream.StatsT Base(uint ssrc, string rid, ulong rtxPacketsDiscarded) => new()
    {
        Data = FbsRtpStream.StatsDataUnion.FromBaseStats(new FbsRtpStream.BaseStatsT
        {
            Timestamp = 1_700_000_123_456,
            Ssrc = ssrc,
            Kind = FBS.RtpParameters.MediaKind.VIDEO,
            MimeType = "video/VP8",
            PacketsLost = -2,
            FractionLost = 12,
            Jitter = 345,
            PacketsDiscarded = 6,
            PacketsRetransmitted = 7,
            PacketsRepaired = 8,
            NackCount = 9,
            NackPacketCount = 10,
            PliCount = 11,
            FirCount = 12,
            Rid = rid,
            RtxSsrc = rid == "" ? null : ssrc + 1,
            RtxPacketsDiscarded = rtxPacketsDiscarded,
            RoundTripTime = 12.5f,
            Score = 10,
        }),
    };

    public static FbsRtpStream.StatsT RecvStats(uint ssrc, string rid) => new()
    {
        Data = FbsRtpStream.StatsDataUnion.FromRecvStats(new FbsRtpStream.RecvStatsT
        {
            Base = Base(ssrc, rid, 3),
            PacketCount = 1000,
            ByteCount = 1_000_000,
            Bitrate = 512_000,
            BitrateByLayer =
            [
                new FbsRtpStream.BitrateByLayerT { Layer = "0.0", Bitrate = 100_000 },
                new FbsRtpStream.BitrateByLayerT { Layer = "0.1", Bitrate = 200_000 },
            ],
        }),
    };

    public static FbsRtpStream.StatsT SendStats(uint ssrc) => new()
    {
        Data = FbsRtpStream.StatsDataUnion.FromSendStats(new FbsRtpStream.SendStatsT
        {
            Base = Base(ssrc, "", 0),
            PacketCount = 2000,
            ByteCount = 2_000_000,
            Bitrate = 256_000,
        }),
    };

    public static RtpStreamStats RecvStatsModel(uint ssrc, string rid) => BaseModel(ssrc, rid, RtpStreamStatsType.InboundRtp) with
    {
        RtxPacketsDiscarded = 3,
        PacketCount = 1000,
        ByteCount = 1_000_000,
        Bitrate = 512_000,
        BitrateByLayer = new Dictionary<string, long> { ["0.0"] = 100_000, ["0.1"] = 200_000 },
    };

    public static RtpStreamStats SendStatsModel(uint ssrc) => BaseModel(ssrc, "", RtpStreamStatsType.OutboundRtp) with
    {
        PacketCount = 2000,
        ByteCount = 2_000_000,
        Bitrate = 256_000,
    };

    private static RtpStreamStats BaseModel(uint ssrc, string rid, RtpStreamStatsType type) => new()
    {
        Type = type,
        Timestamp = 1_700_000_123_456,
        Ssrc = ssrc,
        RtxSsrc = rid == "" ? null : ssrc + 1,
        Rid = rid == "" ? null : rid,
        Kind = MediaKind.Video,
        MimeType = "video/VP8",
        PacketsLost = -2,
        FractionLost = 12,
        Jitter = 345,
        PacketsDiscarded = 6,
        PacketsRetransmitted = 7,
        PacketsRepaired = 8,
        NackCount = 9,
        NackPacketCount = 10,
        PliCount = 11,
        FirCount = 12,
        RoundTripTime = 12.5,
        Score = 10,
    };

    public static FBS.RtpPacket.DumpT Packet() => new()
    {
        PayloadType = 101,
        SequenceNumber = 65000,
        Timestamp = 4_000_000_000,
        Marker = true,
        Ssrc = 1234,
        IsKeyFrame = true,
        Size = 1200,
        PayloadSize = 1100,
        SpatialLayer = 0,
        TemporalLayer = 2,
        Mid = "0",
        Rid = "r0",
        Rrid = "",
        WideSequenceNumber = 777,
    };

    public static RtpPacketDump PacketModel() => new()
    {
        PayloadType = 101,
        SequenceNumber = 65000,
        Timestamp = 4_000_000_000,
        Marker = true,
        Ssrc = 1234,
        IsKeyFrame = true,
        Size = 1200,
        PayloadSize = 1100,
        SpatialLayer = 0,
        TemporalLayer = 2,
        Mid = "0",
        Rid = "r0",
        Rrid = null,
        WideSequenceNumber = 777,
    };
}
