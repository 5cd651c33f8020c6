namespace RxMediasoup.Protocol;

/// <summary>
/// Shared <see cref="ConsumerScore"/> instances for the usual values (score and producer score 0–10, no or one producer
/// stream score 0–10): a consumer keeps its last score, and 1,000 consumers need not keep 1,000 equal copies. The
/// record is immutable; equality is by value, so sharing is invisible.
/// </summary>
internal static class ConsumerScores
{
    private const int Values = 11; // 0..10
    private static readonly ConsumerScore?[] Cache = new ConsumerScore?[Values * Values * (Values + 1)];

    /// <summary>The shared instance, or null outside the usual values. <paramref name="producerStream"/>: -1 for none.</summary>
    public static ConsumerScore? Common(int score, int producerScore, int producerStream)
    {
        if ((uint)score >= Values || (uint)producerScore >= Values || producerStream < -1 || producerStream >= Values) return null;
        int i = ((score * Values) + producerScore) * (Values + 1) + producerStream + 1;
        // A benign race: two threads may both create it; either instance is equal.
        return Volatile.Read(ref Cache[i]) ?? (Cache[i] = new ConsumerScore
        {
            Score = score,
            ProducerScore = producerScore,
            ProducerScores = producerStream < 0 ? ValueList<int>.Empty : ValueList<int>.Create([producerStream]),
        });
    }
}
