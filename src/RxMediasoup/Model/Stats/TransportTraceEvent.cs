using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>A kind of transport trace event (mediasoup's <c>TransportTraceEventType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransportTraceEventType>))]
public enum TransportTraceEventType
{
    /// <summary>RTP probation packets (<c>"probation"</c>).</summary>
    [JsonStringEnumMemberName("probation")]
    Probation,

    /// <summary>Transport bandwidth estimation changes (<c>"bwe"</c>).</summary>
    [JsonStringEnumMemberName("bwe")]
    Bwe,
}

/// <summary>The bandwidth estimation algorithm of a <c>bwe</c> trace event.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BweType>))]
public enum BweType
{
    /// <summary>Transport-wide congestion control (<c>"transport-cc"</c>).</summary>
    [JsonStringEnumMemberName("transport-cc")]
    TransportCc,

    /// <summary>Receiver estimated maximum bitrate (<c>"remb"</c>).</summary>
    [JsonStringEnumMemberName("remb")]
    Remb,
}

/// <summary>A transport trace event (mediasoup's <c>TransportTraceEventData</c>).</summary>
public sealed record TransportTraceEvent
{
    /// <summary>The event type (<c>type</c>).</summary>
    public required TransportTraceEventType Type { get; init; }

    /// <summary>When it happened, in ms of the worker's clock (<c>timestamp</c>).</summary>
    public required long Timestamp { get; init; }

    /// <summary>The direction (<c>direction</c>).</summary>
    public required TraceDirection Direction { get; init; }

    /// <summary>The bandwidth estimation details of a <see cref="TransportTraceEventType.Bwe"/> event (<c>info</c>), else null.</summary>
    public BweTraceInfo? Info { get; init; }
}

/// <summary>Details of a <c>bwe</c> transport trace event.</summary>
public sealed record BweTraceInfo
{
    /// <summary>The estimation algorithm (<c>bweType</c>).</summary>
    public BweType BweType { get; init; }

    /// <summary>Desired bitrate, bps (<c>desiredBitrate</c>).</summary>
    public long DesiredBitrate { get; init; }

    /// <summary>Effective desired bitrate, bps (<c>effectiveDesiredBitrate</c>).</summary>
    public long EffectiveDesiredBitrate { get; init; }

    /// <summary>Minimum bitrate, bps (<c>minBitrate</c>).</summary>
    public long MinBitrate { get; init; }

    /// <summary>Maximum bitrate, bps (<c>maxBitrate</c>).</summary>
    public long MaxBitrate { get; init; }

    /// <summary>Start bitrate, bps (<c>startBitrate</c>).</summary>
    public long StartBitrate { get; init; }

    /// <summary>Maximum padding bitrate, bps (<c>maxPaddingBitrate</c>).</summary>
    public long MaxPaddingBitrate { get; init; }

    /// <summary>Available bitrate, bps (<c>availableBitrate</c>).</summary>
    public long AvailableBitrate { get; init; }
}
