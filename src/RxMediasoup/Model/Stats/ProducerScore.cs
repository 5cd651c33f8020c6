namespace RxMediasoup;

/// <summary>The quality score of one of a producer's RTP streams (mediasoup's <c>ProducerScore</c>).</summary>
public sealed record ProducerScore
{
    /// <summary>Index of the stream's encoding in the producer's RTP parameters (<c>encodingIdx</c>).</summary>
    public required int EncodingIdx { get; init; }

    /// <summary>The stream's SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>The stream's RID, if it has one (<c>rid</c>).</summary>
    public string? Rid { get; init; }

    /// <summary>The score, 0 (bad) to 10 (perfect) (<c>score</c>).</summary>
    public required int Score { get; init; }
}
