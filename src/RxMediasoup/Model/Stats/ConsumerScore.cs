namespace RxMediasoup;

/// <summary>The quality scores of a consumer and of its producer (mediasoup's <c>ConsumerScore</c>).</summary>
public sealed record ConsumerScore
{
    /// <summary>The score of the RTP stream the consumer sends, 0–10 (<c>score</c>).</summary>
    public required int Score { get; init; }

    /// <summary>The score of the producer stream currently forwarded, 0–10 (<c>producerScore</c>).</summary>
    public required int ProducerScore { get; init; }

    /// <summary>The scores of all the producer's streams, in encoding order (<c>producerScores</c>).</summary>
    public IReadOnlyList<int> ProducerScores
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<int>.Empty;
}
