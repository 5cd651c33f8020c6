namespace RxMediasoup;

/// <summary>
/// What the statistics of a data producer (<see cref="DataProducerStats"/>) and of a data consumer
/// (<see cref="DataConsumerStats"/>) have in common.
/// </summary>
public abstract record DataEndpointStats
{
    private protected DataEndpointStats()
    {
    }

    /// <summary>When the statistics were taken, in ms of the worker's clock (<c>timestamp</c>).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The DataChannel label (<c>label</c>).</summary>
    public required string Label { get; init; }

    /// <summary>The DataChannel sub-protocol (<c>protocol</c>).</summary>
    public required string Protocol { get; init; }

    /// <summary>Bytes queued to send (a data consumer's) or buffered as the worker reports it (a data producer's) (<c>bufferedAmount</c>).</summary>
    public long BufferedAmount { get; init; }
}
