using FbsRtpStream = FBS.RtpStream;

namespace RxMediasoup.Protocol;

/// <summary>RTP stream statistics and dumps, FlatBuffers → model (mediasoup's <c>rtpStreamStatsFbsUtils</c> and the consumer's stream dump parsing).</summary>
internal static class RtpStreamProtocol
{
    /// <summary>Stats of either side: <c>RecvStats</c> → inbound, <c>SendStats</c> → outbound, a bare <c>BaseStats</c> → outbound without counters.</summary>
    public static RtpStreamStats ParseStats(in FbsRtpStream.Stats stats) => stats.DataType switch
    {
        FbsRtpStream.StatsData.RecvStats => ParseRecvStats(stats.DataAsRecvStats()),
        FbsRtpStream.StatsData.SendStats => ParseSendStats(stats.DataAsSendStats()),
        FbsRtpStream.StatsData.BaseStats => ParseBase(stats.DataAsBaseStats(), RtpStreamStatsType.OutboundRtp),
        _ => throw new InvalidDataException($"the worker's RTP stream stats lack data (type {stats.DataType})"),
    };

    public static IReadOnlyList<RtpStreamStats> ParseStatsList(int length, Func<int, FbsRtpStream.Stats?> item)
    {
        var result = new RtpStreamStats[length];
        for (int i = 0; i < length; i++) result[i] = ParseStats(item(i)!.Value);
        return ValueList<RtpStreamStats>.Create(result);
    }

    public static RtpStreamStats ParseRecvStats(in FbsRtpStream.RecvStats recv)
    {
        var layers = new Dictionary<string, long>(recv.BitrateByLayerLength, StringComparer.Ordinal);
        for (int i = 0; i < recv.BitrateByLayerLength; i++)
            if (recv.BitrateByLayer(i) is { } layer) layers[layer.Layer ?? string.Empty] = (long)layer.Bitrate;
        return ParseBase(BaseOf(recv.Base), RtpStreamStatsType.InboundRtp) with
        {
            PacketCount = (long)recv.PacketCount,
            ByteCount = (long)recv.ByteCount,
            Bitrate = (long)recv.Bitrate,
            BitrateByLayer = ValueDictionary<long>.Create(layers),
        };
    }

    public static RtpStreamStats ParseSendStats(in FbsRtpStream.SendStats send)
        => ParseBase(BaseOf(send.Base), RtpStreamStatsType.OutboundRtp) with
        {
            PacketCount = (long)send.PacketCount,
            ByteCount = (long)send.ByteCount,
            Bitrate = (long)send.Bitrate,
        };

    private static FbsRtpStream.BaseStats BaseOf(FbsRtpStream.Stats? stats)
    {
        var s = ProtocolHelpers.Required(stats, "RTP stream base stats");
        return s.DataType == FbsRtpStream.StatsData.BaseStats
            ? s.DataAsBaseStats()
            : throw new InvalidDataException($"the worker's RTP stream base stats are a {s.DataType}");
    }

    private static RtpStreamStats ParseBase(in FbsRtpStream.BaseStats b, RtpStreamStatsType type) => new()
    {
        Type = type,
        Timestamp = (long)b.Timestamp,
        Ssrc = b.Ssrc,
        RtxSsrc = b.RtxSsrc,
        Rid = RtpParametersProtocol.NullIfEmpty(b.Rid),
        Kind = RtpParametersProtocol.FromFbs(b.Kind),
        MimeType = b.MimeType ?? string.Empty,
        PacketsLost = b.PacketsLost,
        FractionLost = b.FractionLost,
        Jitter = b.Jitter,
        PacketsDiscarded = (long)b.PacketsDiscarded,
        PacketsRetransmitted = (long)b.PacketsRetransmitted,
        PacketsRepaired = (long)b.PacketsRepaired,
        NackCount = (long)b.NackCount,
        NackPacketCount = (long)b.NackPacketCount,
        PliCount = (long)b.PliCount,
        FirCount = (long)b.FirCount,
        RoundTripTime = b.RoundTripTime,
        // Like mediasoup: 0 means none.
        RtxPacketsDiscarded = b.RtxPacketsDiscarded != 0 ? (long)b.RtxPacketsDiscarded : null,
        Score = b.Score,
    };

    public static RtpStreamDump ParseDump(in FbsRtpStream.Dump dump)
    {
        var p = ProtocolHelpers.Required(dump.Params, "RTP stream params");
        RtxStreamParametersDump? rtx = null;
        if (dump.RtxStream is { } rtxDump && rtxDump.Params is { } rp)
        {
            rtx = new RtxStreamParametersDump
            {
                Ssrc = rp.Ssrc,
                PayloadType = rp.PayloadType,
                MimeType = rp.MimeType ?? string.Empty,
                ClockRate = checked((int)rp.ClockRate),
                Rrid = RtpParametersProtocol.NullIfEmpty(rp.Rrid),
                Cname = rp.Cname ?? string.Empty,
            };
        }
        return new RtpStreamDump
        {
            Params = new RtpStreamParametersDump
            {
                EncodingIdx = checked((int)p.EncodingIdx),
                Ssrc = p.Ssrc,
                PayloadType = p.PayloadType,
                MimeType = p.MimeType ?? string.Empty,
                ClockRate = checked((int)p.ClockRate),
                Rid = RtpParametersProtocol.NullIfEmpty(p.Rid),
                Cname = p.Cname ?? string.Empty,
                RtxSsrc = p.RtxSsrc,
                RtxPayloadType = p.RtxPayloadType,
                UseNack = p.UseNack,
                UsePli = p.UsePli,
                UseFir = p.UseFir,
                UseInBandFec = p.UseInBandFec,
                UseDtx = p.UseDtx,
                SpatialLayers = p.SpatialLayers,
                TemporalLayers = p.TemporalLayers,
            },
            Score = dump.Score,
            RtxStream = rtx,
        };
    }

    public static IReadOnlyList<RtpStreamDump> ParseDumps(int length, Func<int, FbsRtpStream.Dump?> item)
    {
        var result = new RtpStreamDump[length];
        for (int i = 0; i < length; i++) result[i] = ParseDump(item(i)!.Value);
        return ValueList<RtpStreamDump>.Create(result);
    }

    /// <summary>A traced RTP packet (producer and consumer trace infos).</summary>
    public static RtpPacketDump ParsePacket(in FBS.RtpPacket.Dump p) => new()
    {
        PayloadType = p.PayloadType,
        SequenceNumber = p.SequenceNumber,
        Timestamp = p.Timestamp,
        Marker = p.Marker,
        Ssrc = p.Ssrc,
        IsKeyFrame = p.IsKeyFrame,
        Size = (long)p.Size,
        PayloadSize = (long)p.PayloadSize,
        SpatialLayer = p.SpatialLayer,
        TemporalLayer = p.TemporalLayer,
        Mid = RtpParametersProtocol.NullIfEmpty(p.Mid),
        Rid = RtpParametersProtocol.NullIfEmpty(p.Rid),
        Rrid = RtpParametersProtocol.NullIfEmpty(p.Rrid),
        WideSequenceNumber = p.WideSequenceNumber,
    };

    public static TraceDirection DirectionFromFbs(FBS.Common.TraceDirection direction)
        => direction == FBS.Common.TraceDirection.DIRECTION_IN ? TraceDirection.In : TraceDirection.Out;
}
