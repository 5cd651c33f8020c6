namespace RxMediasoup;

/// <summary>Statistics of a data consumer (mediasoup's <c>DataConsumerStat</c>, type <c>data-consumer</c>).</summary>
public sealed record DataConsumerStats : DataEndpointStats
{
    /// <summary>Messages sent (<c>messagesSent</c>).</summary>
    public long MessagesSent { get; init; }

    /// <summary>Bytes sent (<c>bytesSent</c>).</summary>
    public long BytesSent { get; init; }
}
