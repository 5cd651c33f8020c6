namespace RxMediasoup;

/// <summary>
/// A transport's internal state, as returned by <see cref="Transport.DumpAsync"/> (mediasoup's
/// <c>BaseTransportDump</c>); each transport type returns a derived record with its own fields.
/// </summary>
public record TransportDump
{
    /// <summary>The transport's id.</summary>
    public required string Id { get; init; }

    /// <summary>Ids of its producers.</summary>
    public required IReadOnlyList<string> ProducerIds { get; init; }

    /// <summary>Ids of its consumers.</summary>
    public required IReadOnlyList<string> ConsumerIds { get; init; }

    /// <summary>SSRC → consumer id.</summary>
    public required IReadOnlyDictionary<uint, string> MapSsrcConsumerId { get; init; }

    /// <summary>RTX SSRC → consumer id.</summary>
    public required IReadOnlyDictionary<uint, string> MapRtxSsrcConsumerId { get; init; }

    /// <summary>Ids of its data producers.</summary>
    public required IReadOnlyList<string> DataProducerIds { get; init; }

    /// <summary>Ids of its data consumers.</summary>
    public required IReadOnlyList<string> DataConsumerIds { get; init; }

    /// <summary>Header extension ids used to read received RTP.</summary>
    public required RecvRtpHeaderExtensions RecvRtpHeaderExtensions { get; init; }

    /// <summary>How received RTP is routed to producers.</summary>
    public required RtpListenerDump RtpListener { get; init; }

    /// <summary>Maximum size of messages sent, in bytes.</summary>
    public long MaxSendMessageSize { get; init; }

    /// <summary>Maximum size of messages received, in bytes.</summary>
    public long MaxReceiveMessageSize { get; init; }

    /// <summary>The SCTP parameters, if SCTP is enabled.</summary>
    public SctpParameters? SctpParameters { get; init; }

    /// <summary>The SCTP state, if SCTP is enabled.</summary>
    public SctpState? SctpState { get; init; }

    /// <summary>The negotiated SCTP capabilities, if SCTP is enabled.</summary>
    public SctpNegotiatedCapabilities? SctpNegotiatedCapabilities { get; init; }

    /// <summary>SCTP stream id → data producer id, if SCTP is enabled.</summary>
    public IReadOnlyDictionary<int, string>? SctpListener { get; init; }

    /// <summary>The trace event types enabled with <see cref="Transport.EnableTraceEventAsync"/>.</summary>
    public required IReadOnlyList<TransportTraceEventType> TraceEventTypes { get; init; }
}

/// <summary>Header extension ids a transport reads from received RTP (unset ones are null).</summary>
public sealed record RecvRtpHeaderExtensions
{
    /// <summary>urn:ietf:params:rtp-hdrext:sdes:mid.</summary>
    public int? Mid { get; init; }

    /// <summary>urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id.</summary>
    public int? Rid { get; init; }

    /// <summary>urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id.</summary>
    public int? Rrid { get; init; }

    /// <summary>http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time.</summary>
    public int? AbsSendTime { get; init; }

    /// <summary>transport-wide-cc-01.</summary>
    public int? TransportWideCc01 { get; init; }
}

/// <summary>How a transport routes received RTP to its producers.</summary>
public sealed record RtpListenerDump
{
    /// <summary>SSRC → producer id.</summary>
    public required IReadOnlyDictionary<uint, string> SsrcTable { get; init; }

    /// <summary>MID → producer id.</summary>
    public required IReadOnlyDictionary<string, string> MidTable { get; init; }

    /// <summary>RID → producer id.</summary>
    public required IReadOnlyDictionary<string, string> RidTable { get; init; }
}
