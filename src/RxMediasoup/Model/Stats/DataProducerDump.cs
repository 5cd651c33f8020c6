namespace RxMediasoup;

/// <summary>A data producer's internal state, as the worker reports it (mediasoup's <c>DataProducerDump</c>).</summary>
public sealed record DataProducerDump
{
    /// <summary>The data producer's id (<c>id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The data producer type (<c>type</c>).</summary>
    public required DataProducerType Type { get; init; }

    /// <summary>The SCTP stream parameters, for SCTP data producers (<c>sctpStreamParameters</c>).</summary>
    public SctpStreamParameters? SctpStreamParameters { get; init; }

    /// <summary>The DataChannel label (<c>label</c>).</summary>
    public required string Label { get; init; }

    /// <summary>The DataChannel sub-protocol (<c>protocol</c>).</summary>
    public required string Protocol { get; init; }

    /// <summary>Whether the data producer is paused (<c>paused</c>).</summary>
    public bool Paused { get; init; }
}
