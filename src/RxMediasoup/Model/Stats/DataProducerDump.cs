namespace RxMediasoup;

/// <summary>A data producer's internal state, as the worker reports it (mediasoup's <c>DataProducerDump</c>).</summary>
public sealed record DataProducerDump : DataEndpointDump
{
    /// <summary>The data producer type (<c>type</c>).</summary>
    public required DataProducerType Type { get; init; }
}
