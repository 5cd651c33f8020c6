namespace RxMediasoup;

/// <summary>A producer trace event (mediasoup's <c>ProducerTraceEventData</c>).</summary>
public sealed record ProducerTraceEvent
{
    /// <summary>The event type (<c>type</c>).</summary>
    public required ProducerTraceEventType Type { get; init; }

    /// <summary>When it happened, in ms of the worker's clock (<c>timestamp</c>).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The direction (<c>direction</c>).</summary>
    public required TraceDirection Direction { get; init; }

    /// <summary>Typed details, if the worker gave any (<c>info</c>).</summary>
    public TraceEventInfo? Info { get; init; }
}
