namespace RxMediasoup;

/// <summary>A producer's internal state, as the worker reports it (mediasoup's <c>ProducerDump</c>).</summary>
public sealed record ProducerDump
{
    /// <summary>The producer's id (<c>id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The media kind (<c>kind</c>).</summary>
    public required MediaKind Kind { get; init; }

    /// <summary>The producer type (<c>type</c>).</summary>
    public required ProducerType Type { get; init; }

    /// <summary>The producer's RTP parameters (<c>rtpParameters</c>).</summary>
    public required RtpParameters RtpParameters { get; init; }

    /// <summary>The mapping to the router's payload types and SSRCs (<c>rtpMapping</c>).</summary>
    public required RtpMapping RtpMapping { get; init; }

    /// <summary>The receiving RTP streams (<c>rtpStreams</c>).</summary>
    public IReadOnlyList<RtpStreamDump> RtpStreams
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpStreamDump>.Empty;

    /// <summary>The enabled trace event types (<c>traceEventTypes</c>).</summary>
    public IReadOnlyList<ProducerTraceEventType> TraceEventTypes
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<ProducerTraceEventType>.Empty;

    /// <summary>Whether the producer is paused (<c>paused</c>).</summary>
    public bool Paused { get; init; }
}
