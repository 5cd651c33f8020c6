namespace RxMediasoup.Testing;

/// <summary>
/// What a script says one RTP stream's stats are (see <see cref="Simulation.ScriptStats(Producer, Func{TimeSpan, IReadOnlyList{SimulatedStreamStats}})"/>):
/// the counters and quality figures; the SSRC, RID, kind and MIME type come from the entity's RTP parameters.
/// </summary>
/// <param name="PacketCount">Packets so far (a stream whose count stops growing is what <c>Stalled</c> detects).</param>
/// <param name="ByteCount">Bytes so far.</param>
/// <param name="Bitrate">Current bitrate, bps.</param>
/// <param name="PacketsLost">Packets lost so far.</param>
/// <param name="FractionLost">Fraction lost in the last RTCP interval, 0..255 (as RTCP carries it).</param>
/// <param name="RoundTripTime">Round-trip time, ms.</param>
/// <param name="Jitter">Jitter, RTP timestamp units.</param>
/// <param name="Score">The stream's score, 0..10.</param>
public sealed record SimulatedStreamStats(long PacketCount, long ByteCount, long Bitrate, int PacketsLost = 0, int FractionLost = 0,
    double RoundTripTime = 0, int Jitter = 0, int Score = 10);
