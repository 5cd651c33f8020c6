namespace RxMediasoup;

/// <summary>
/// A consumer's internal state, as the worker reports it (mediasoup's <c>ConsumerDump</c>: simple, simulcast, SVC
/// or pipe; the layer fields are set for simulcast and SVC consumers only).
/// </summary>
public sealed record ConsumerDump : RtpEndpointDump
{
    /// <summary>The consumed producer's id (<c>producerId</c>).</summary>
    public required string ProducerId { get; init; }

    /// <summary>The consumer type (<c>type</c>).</summary>
    public required ConsumerType Type { get; init; }

    /// <summary>The producer's consumable encodings (<c>consumableRtpEncodings</c>).</summary>
    public IReadOnlyList<RtpEncodingParameters> ConsumableRtpEncodings
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpEncodingParameters>.Empty;

    /// <summary>Payload types of the codecs the consumer can send (<c>supportedCodecPayloadTypes</c>).</summary>
    public IReadOnlyList<int> SupportedCodecPayloadTypes
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<int>.Empty;

    /// <summary>The enabled trace event types (<c>traceEventTypes</c>).</summary>
    public IReadOnlyList<ConsumerTraceEventType> TraceEventTypes
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<ConsumerTraceEventType>.Empty;

    /// <summary>Whether its producer is paused (<c>producerPaused</c>).</summary>
    public bool ProducerPaused { get; init; }

    /// <summary>The consumer's priority (<c>priority</c>).</summary>
    public int Priority { get; init; }

    /// <summary>The preferred spatial layer (simulcast/SVC) (<c>preferredSpatialLayer</c>).</summary>
    public int? PreferredSpatialLayer { get; init; }

    /// <summary>The target spatial layer (simulcast/SVC) (<c>targetSpatialLayer</c>).</summary>
    public int? TargetSpatialLayer { get; init; }

    /// <summary>The current spatial layer (simulcast/SVC) (<c>currentSpatialLayer</c>).</summary>
    public int? CurrentSpatialLayer { get; init; }

    /// <summary>The preferred temporal layer (simulcast/SVC) (<c>preferredTemporalLayer</c>).</summary>
    public int? PreferredTemporalLayer { get; init; }

    /// <summary>The target temporal layer (simulcast/SVC) (<c>targetTemporalLayer</c>).</summary>
    public int? TargetTemporalLayer { get; init; }

    /// <summary>The current temporal layer (simulcast/SVC) (<c>currentTemporalLayer</c>).</summary>
    public int? CurrentTemporalLayer { get; init; }
}
