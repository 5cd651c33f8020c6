namespace RxMediasoup;

/// <summary>
/// Statistics of an RTP stream (mediasoup's <c>RtpStreamRecvStats</c> for a producer, <c>RtpStreamSendStats</c>
/// for a consumer; see <see cref="Type"/>).
/// </summary>
public sealed record RtpStreamStats
{
    /// <summary>Whether the stream is received (a producer's) or sent (a consumer's) (<c>type</c>).</summary>
    public required RtpStreamStatsType Type { get; init; }

    /// <summary>When the statistics were taken, in ms of the worker's clock (<c>timestamp</c>).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The stream's SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>The SSRC of its RTX stream, if any (<c>rtxSsrc</c>).</summary>
    public uint? RtxSsrc { get; init; }

    /// <summary>The stream's RID, if any (<c>rid</c>).</summary>
    public string? Rid { get; init; }

    /// <summary>The media kind (<c>kind</c>).</summary>
    public required MediaKind Kind { get; init; }

    /// <summary>The codec MIME type (<c>mimeType</c>).</summary>
    public required string MimeType { get; init; }

    /// <summary>Packets lost, cumulative (<c>packetsLost</c>).</summary>
    public long PacketsLost { get; init; }

    /// <summary>Fraction of packets lost in the last interval, 0–255 (<c>fractionLost</c>).</summary>
    public int FractionLost { get; init; }

    /// <summary>Interarrival jitter, in RTP timestamp units (<c>jitter</c>).</summary>
    public long Jitter { get; init; }

    /// <summary>Packets discarded (<c>packetsDiscarded</c>).</summary>
    public long PacketsDiscarded { get; init; }

    /// <summary>Packets retransmitted (<c>packetsRetransmitted</c>).</summary>
    public long PacketsRetransmitted { get; init; }

    /// <summary>Packets repaired by retransmission (<c>packetsRepaired</c>).</summary>
    public long PacketsRepaired { get; init; }

    /// <summary>RTCP NACK messages (<c>nackCount</c>).</summary>
    public long NackCount { get; init; }

    /// <summary>Packets requested by RTCP NACK (<c>nackPacketCount</c>).</summary>
    public long NackPacketCount { get; init; }

    /// <summary>RTCP PLI messages (<c>pliCount</c>).</summary>
    public long PliCount { get; init; }

    /// <summary>RTCP FIR messages (<c>firCount</c>).</summary>
    public long FirCount { get; init; }

    /// <summary>Round-trip time in ms (<c>roundTripTime</c>).</summary>
    public double RoundTripTime { get; init; }

    /// <summary>Packets discarded by the RTX stream; <see langword="null"/> when none (<c>rtxPacketsDiscarded</c>).</summary>
    public long? RtxPacketsDiscarded { get; init; }

    /// <summary>The stream's score, 0–10 (<c>score</c>).</summary>
    public int Score { get; init; }

    /// <summary>Packets received or sent (<c>packetCount</c>).</summary>
    public long PacketCount { get; init; }

    /// <summary>Bytes received or sent (<c>byteCount</c>).</summary>
    public long ByteCount { get; init; }

    /// <summary>Current bitrate in bps (<c>bitrate</c>).</summary>
    public long Bitrate { get; init; }

    /// <summary>
    /// Bitrate by layer (<c>"spatial.temporal"</c>, e.g. <c>"0.2"</c>) in bps, for received streams
    /// (<c>bitrateByLayer</c>); empty for sent streams.
    /// </summary>
    public IReadOnlyDictionary<string, long> BitrateByLayer
    {
        get;
        init => field = ValueDictionary.From(value);
    } = ValueDictionary<long>.Empty;
}
