namespace RxMediasoup;

/// <summary>Statistics of a data consumer (mediasoup's <c>DataConsumerStat</c>, type <c>data-consumer</c>).</summary>
public sealed record DataConsumerStats
{
    /// <summary>When the statistics were taken, in ms of the worker's clock (<c>timestamp</c>).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The DataChannel label (<c>label</c>).</summary>
    public required string Label { get; init; }

    /// <summary>The DataChannel sub-protocol (<c>protocol</c>).</summary>
    public required string Protocol { get; init; }

    /// <summary>Messages sent (<c>messagesSent</c>).</summary>
    public long MessagesSent { get; init; }

    /// <summary>Bytes sent (<c>bytesSent</c>).</summary>
    public long BytesSent { get; init; }

    /// <summary>Bytes queued to send (<c>bufferedAmount</c>).</summary>
    public long BufferedAmount { get; init; }
}
