namespace RxMediasoup;

/// <summary>
/// What the internal states of a data producer (<see cref="DataProducerDump"/>) and of a data consumer
/// (<see cref="DataConsumerDump"/>) have in common.
/// </summary>
public abstract record DataEndpointDump
{
    private protected DataEndpointDump()
    {
    }

    /// <summary>The data producer's or data consumer's id (<c>id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The SCTP stream parameters, for SCTP data producers and consumers (<c>sctpStreamParameters</c>).</summary>
    public SctpStreamParameters? SctpStreamParameters { get; init; }

    /// <summary>The DataChannel label (<c>label</c>).</summary>
    public required string Label { get; init; }

    /// <summary>The DataChannel sub-protocol (<c>protocol</c>).</summary>
    public required string Protocol { get; init; }

    /// <summary>Whether the data producer or data consumer is paused (<c>paused</c>).</summary>
    public bool Paused { get; init; }
}
