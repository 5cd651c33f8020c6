namespace RxMediasoup;

/// <summary>
/// Options of <see cref="Router.PipeToRouterAsync"/> (mediasoup's <c>PipeToRouterOptions</c>): which producer or data
/// producer to pipe, to which router, and how the pipe transport pair between the two routers is created (used only
/// when the pair does not exist yet: one pair per router pair is reused). Defaults as in mediasoup 3.27.
/// </summary>
public sealed record PipeToRouterOptions
{
    /// <summary>The id of a producer of this router to pipe; exactly one of this and <see cref="DataProducerId"/>.</summary>
    public string? ProducerId { get; init; }

    /// <summary>The id of a data producer of this router to pipe; exactly one of this and <see cref="ProducerId"/>.</summary>
    public string? DataProducerId { get; init; }

    /// <summary>The destination router, on the same worker or on another one; not the router piping.</summary>
    public required Router Router { get; init; }

    /// <summary>
    /// Give the pipe producer (or pipe data producer) the id of the original one (default true). A worker refuses two
    /// producers with the same id, so piping to a router of the same worker needs false (a new id is generated).
    /// </summary>
    public bool KeepId { get; init; } = true;

    /// <summary>Where both pipe transports listen; UDP on 127.0.0.1 (a random port) when null.</summary>
    public ListenInfo? ListenInfo { get; init; }

    /// <summary>Create an SCTP association on the pipe transports (needed to pipe data producers). Default true.</summary>
    public bool EnableSctp { get; init; } = true;

    /// <summary>Maximum size of SCTP messages sent, in bytes. Default 262144.</summary>
    public int MaxSendMessageSize { get; init; } = 262144;

    /// <summary>Maximum size of SCTP messages received, in bytes. Default 262144.</summary>
    public int MaxReceiveMessageSize { get; init; } = 262144;

    /// <summary>Maximum SCTP send buffer, in bytes. Default 2000000.</summary>
    public int SctpSendBufferSize { get; init; } = 2_000_000;

    /// <summary>Per-stream SCTP send queue limit, in bytes. Default 2000000.</summary>
    public int SctpPerStreamSendQueueLimit { get; init; } = 2_000_000;

    /// <summary>Maximum SCTP receive window buffer, in bytes. Default 5242880.</summary>
    public int SctpMaxReceiverWindowBufferSize { get; init; } = 5_242_880;

    /// <summary>
    /// Default buffered-amount-low threshold of the SCTP streams, in bytes (see
    /// <see cref="SctpTransportOptions.SctpDefaultStreamBufferedAmountLowThreshold"/>). Default 1024.
    /// </summary>
    public int SctpDefaultStreamBufferedAmountLowThreshold { get; init; } = 1024;

    /// <summary>Enable RTX and NACK on the pipe transports. Default false.</summary>
    public bool EnableRtx { get; init; }

    /// <summary>Enable SRTP on the pipe transports (keys exchanged between them). Default false.</summary>
    public bool EnableSrtp { get; init; }

    internal void Validate(Router source)
    {
        bool hasProducer = !string.IsNullOrEmpty(ProducerId);
        bool hasDataProducer = !string.IsNullOrEmpty(DataProducerId);
        if (!hasProducer && !hasDataProducer)
            throw new ArgumentException("missing producerId or dataProducerId", nameof(ProducerId));
        if (hasProducer && hasDataProducer)
            throw new ArgumentException("just producerId or dataProducerId can be given", nameof(DataProducerId));
        if (Router is null)
            throw new ArgumentNullException(nameof(Router), "missing router");
        if (ReferenceEquals(Router, source))
            throw new ArgumentException("cannot use this Router as destination", nameof(Router));
    }

    internal PipeTransportOptions ToPipeTransportOptions() => new()
    {
        ListenInfo = ListenInfo ?? new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
        EnableSctp = EnableSctp,
        MaxSendMessageSize = MaxSendMessageSize,
        MaxReceiveMessageSize = MaxReceiveMessageSize,
        SctpSendBufferSize = SctpSendBufferSize,
        SctpPerStreamSendQueueLimit = SctpPerStreamSendQueueLimit,
        SctpMaxReceiverWindowBufferSize = SctpMaxReceiverWindowBufferSize,
        SctpDefaultStreamBufferedAmountLowThreshold = SctpDefaultStreamBufferedAmountLowThreshold,
        EnableRtx = EnableRtx,
        EnableSrtp = EnableSrtp,
    };
}
