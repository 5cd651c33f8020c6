namespace RxMediasoup;

/// <summary>Statistics of a data producer (mediasoup's <c>DataProducerStat</c>, type <c>data-producer</c>).</summary>
public sealed record DataProducerStats
{
    /// <summary>When the statistics were taken, in ms of the worker's clock (<c>timestamp</c>).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The DataChannel label (<c>label</c>).</summary>
    public required string Label { get; init; }

    /// <summary>The DataChannel sub-protocol (<c>protocol</c>).</summary>
    public required string Protocol { get; init; }

    /// <summary>Messages received (<c>messagesReceived</c>).</summary>
    public long MessagesReceived { get; init; }

    /// <summary>Bytes received (<c>bytesReceived</c>).</summary>
    public long BytesReceived { get; init; }

    /// <summary>Bytes buffered, as the worker reports it (<c>bufferedAmount</c>).</summary>
    public long BufferedAmount { get; init; }
}
