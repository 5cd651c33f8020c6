namespace RxMediasoup;

/// <summary>Statistics of a data producer (mediasoup's <c>DataProducerStat</c>, type <c>data-producer</c>).</summary>
public sealed record DataProducerStats : DataEndpointStats
{
    /// <summary>Messages received (<c>messagesReceived</c>).</summary>
    public long MessagesReceived { get; init; }

    /// <summary>Bytes received (<c>bytesReceived</c>).</summary>
    public long BytesReceived { get; init; }
}
