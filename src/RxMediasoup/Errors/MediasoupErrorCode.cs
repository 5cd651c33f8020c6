namespace RxMediasoup;

/// <summary>
/// What a <see cref="MediasoupException"/> is about, for the worker-side conflicts a caller may branch on
/// (<see cref="MediasoupException.Code"/>). It is read from the worker's reason text (mediasoup 3.27's wording, checked against the real worker by WorkerErrorCodeTests);
/// anything else is <see cref="Unknown"/>. Bad input (the worker's <c>TypeError</c>) is an
/// <see cref="ArgumentException"/> and has no code: none of these conflicts is a <c>TypeError</c> in the worker.
/// </summary>
public enum MediasoupErrorCode
{
    /// <summary>No specific code: read the message.</summary>
    Unknown = 0,

    /// <summary>The fixed IP and port of a listen info are already in use (the worker could not bind them).</summary>
    PortInUse,

    /// <summary>No port of the port range (the listen info's or the worker's) is free.</summary>
    NoPortAvailable,

    /// <summary>A producer with the same MID already exists on the transport.</summary>
    MidInUse,

    /// <summary>A producer with the same SSRC (or RTX SSRC) already exists on the transport.</summary>
    SsrcInUse,

    /// <summary>A producer with the same RID and no MID already exists on the transport.</summary>
    RidInUse,

    /// <summary>The transport's <c>ConnectAsync</c> was already called.</summary>
    AlreadyConnected,

    /// <summary>The transport has no SCTP (create it with SCTP enabled to produce or consume data).</summary>
    SctpNotEnabled,

    /// <summary>A data producer or data consumer with the same SCTP stream id already exists on the transport.</summary>
    SctpStreamIdInUse,
}
