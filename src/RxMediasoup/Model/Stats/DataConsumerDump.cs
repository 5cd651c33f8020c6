namespace RxMediasoup;

/// <summary>A data consumer's internal state, as the worker reports it (mediasoup's <c>DataConsumerDump</c>).</summary>
public sealed record DataConsumerDump : DataEndpointDump
{
    /// <summary>The consumed data producer's id (<c>dataProducerId</c>).</summary>
    public required string DataProducerId { get; init; }

    /// <summary>The data consumer type (<c>type</c>).</summary>
    public required DataConsumerType Type { get; init; }

    /// <summary>Bytes queued to send, in bytes (<c>bufferedAmount</c>).</summary>
    public long BufferedAmount { get; init; }

    /// <summary>The threshold under which a buffered-amount-low event fires, in bytes (<c>bufferedAmountLowThreshold</c>).</summary>
    public long BufferedAmountLowThreshold { get; init; }

    /// <summary>Whether its data producer is paused (<c>dataProducerPaused</c>).</summary>
    public bool DataProducerPaused { get; init; }

    /// <summary>The subchannels the data consumer is subscribed to (<c>subchannels</c>).</summary>
    public IReadOnlyList<int> Subchannels
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<int>.Empty;
}
