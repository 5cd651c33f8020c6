using FBS.RtpStream;

namespace RxMediasoup.Testing;

// Scripted stats: what producer.getStats (receive streams) and consumer.getStats (send streams) answer, as a
// function of virtual time; none scripted: what the worker answers with no media (checked by SimulationDifferentialTests).
// Not yet: the worker's consumer stats also carry its producer's current receive stream once media flows.
internal sealed partial class SimulatedEngine
{
    private readonly Dictionary<string, Func<TimeSpan, IReadOnlyList<SimulatedStreamStats>>> _stats = new(StringComparer.Ordinal);

    public void ScriptStats(string id, Func<TimeSpan, IReadOnlyList<SimulatedStreamStats>> stats)
    {
        if (backend.HasExited || !_handlers.ContainsKey(id)) throw new InvalidOperationException($"the simulated worker has no live entity with id {id}");
        _stats[id] = stats;
    }

    /// <summary>The stats of a producer's or consumer's streams now (empty when not scripted).</summary>
    private List<StatsT> StatsOf(string id, FBS.RtpParameters.RtpParametersT? rtp, FBS.RtpParameters.MediaKind kind, bool receive,
        long packets = 0, long bytes = 0)
    {
        var now = backend.Scheduler.Now;
        var encodings = rtp?.Encodings ?? [];
        // Unscripted: a receive stream only once RTP came in through a DirectTransport; a consumer's send streams exist (what it forwarded), score 10.
        var streams = _stats.TryGetValue(id, out var script) ? script(now - backend.Start)
            : receive ? packets > 0 ? [new SimulatedStreamStats(packets, bytes, 0)] : []
            : [.. encodings.Select((_, i) => i == 0 ? new SimulatedStreamStats(packets, bytes, 0) : new SimulatedStreamStats(0, 0, 0))];
        string mime = rtp?.Codecs is { Count: > 0 } codecs ? codecs[0].MimeType ?? "" : "";
        var result = new List<StatsT>(streams.Count);
        for (int i = 0; i < streams.Count; i++)
        {
            var s = streams[i];
            var encoding = i < encodings.Count ? encodings[i] : null;
            var @base = new StatsT
            {
                Data = StatsDataUnion.FromBaseStats(new BaseStatsT
                {
                    Timestamp = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds()),
                    Ssrc = encoding?.Ssrc ?? 0,
                    Rid = encoding?.Rid,
                    RtxSsrc = encoding?.Rtx?.Ssrc,
                    Kind = kind,
                    MimeType = mime,
                    PacketsLost = s.PacketsLost,
                    FractionLost = checked((byte)s.FractionLost),
                    Jitter = checked((uint)s.Jitter),
                    RoundTripTime = (float)s.RoundTripTime,
                    Score = checked((byte)s.Score),
                }),
            };
            result.Add(new StatsT
            {
                Data = receive
                    ? StatsDataUnion.FromRecvStats(new RecvStatsT
                    {
                        Base = @base, PacketCount = (ulong)s.PacketCount, ByteCount = (ulong)s.ByteCount, Bitrate = (ulong)s.Bitrate, BitrateByLayer = [],
                    })
                    : StatsDataUnion.FromSendStats(new SendStatsT
                    {
                        Base = @base, PacketCount = (ulong)s.PacketCount, ByteCount = (ulong)s.ByteCount, Bitrate = (ulong)s.Bitrate,
                    }),
            });
        }
        return result;
    }

    private List<StatsT> StatsOf(SimProducer producer) => StatsOf(producer.Id, producer.Request.RtpParameters, producer.Request.Kind, receive: true,
        producer.PacketsReceived, producer.BytesReceived); // packets sent in through a DirectTransport

    /// <summary>
    /// SimpleConsumer::FillBufferStats: its own outbound stream, then its producer's inbound one when RTP came in
    /// (through a DirectTransport).
    /// </summary>
    private List<StatsT> StatsOf(SimConsumer consumer)
    {
        var stats = StatsOf(consumer.Id, consumer.Request.RtpParameters, consumer.Request.Kind, receive: false, consumer.PacketsSent, consumer.BytesSent);
        if (consumer.Producer.PacketsReceived > 0 && !_stats.ContainsKey(consumer.Producer.Id)) stats.AddRange(StatsOf(consumer.Producer).Take(1));
        return stats;
    }
}
