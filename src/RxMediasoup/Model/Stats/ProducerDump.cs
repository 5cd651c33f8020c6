namespace RxMediasoup;

/// <summary>A producer's internal state, as the worker reports it (mediasoup's <c>ProducerDump</c>).</summary>
public sealed record ProducerDump : RtpEndpointDump
{
    /// <summary>The producer type (<c>type</c>).</summary>
    public required ProducerType Type { get; init; }

    /// <summary>The mapping to the router's payload types and SSRCs (<c>rtpMapping</c>).</summary>
    public required RtpMapping RtpMapping { get; init; }

    /// <summary>The enabled trace event types (<c>traceEventTypes</c>).</summary>
    public IReadOnlyList<ProducerTraceEventType> TraceEventTypes
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<ProducerTraceEventType>.Empty;
}
