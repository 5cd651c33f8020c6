namespace RxMediasoup;

/// <summary>
/// The options WebRTC, plain and pipe transports share: SCTP (for data producers and consumers) and app data.
/// Defaults as in mediasoup 3.27.
/// </summary>
public abstract record SctpTransportOptions
{
    /// <summary>Create an SCTP association (for data channels). Default false.</summary>
    public bool EnableSctp { get; init; }

    /// <summary>Maximum size of SCTP messages sent by data consumers, in bytes. Default 262144.</summary>
    public int MaxSendMessageSize { get; init; } = 262144;

    /// <summary>Maximum size of SCTP messages received by data producers, in bytes. Default 262144.</summary>
    public int MaxReceiveMessageSize { get; init; } = 262144;

    /// <summary>Maximum SCTP send buffer used by data consumers, in bytes. Default 2000000.</summary>
    public int SctpSendBufferSize { get; init; } = 2_000_000;

    /// <summary>Per-stream SCTP send queue limit, in bytes. Default 2000000.</summary>
    public int SctpPerStreamSendQueueLimit { get; init; } = 2_000_000;

    /// <summary>Maximum SCTP receive window buffer, in bytes. Default 5242880.</summary>
    public int SctpMaxReceiverWindowBufferSize { get; init; } = 5_242_880;

    /// <summary>
    /// Default buffered-amount-low threshold of the association's streams, in bytes: a data consumer's
    /// <see cref="DataConsumer.BufferedAmountLow"/> fires when its buffered amount drops to or below it (a data consumer
    /// can override it with <see cref="DataConsumer.SetBufferedAmountLowThresholdAsync"/>). Default 1024 (mediasoup 3.27+).
    /// </summary>
    public int SctpDefaultStreamBufferedAmountLowThreshold { get; init; } = 1024;

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    private protected void ValidateSctp()
    {
        NonNegative(MaxSendMessageSize, nameof(MaxSendMessageSize));
        NonNegative(MaxReceiveMessageSize, nameof(MaxReceiveMessageSize));
        NonNegative(SctpSendBufferSize, nameof(SctpSendBufferSize));
        NonNegative(SctpPerStreamSendQueueLimit, nameof(SctpPerStreamSendQueueLimit));
        NonNegative(SctpMaxReceiverWindowBufferSize, nameof(SctpMaxReceiverWindowBufferSize));
        NonNegative(SctpDefaultStreamBufferedAmountLowThreshold, nameof(SctpDefaultStreamBufferedAmountLowThreshold));

        static void NonNegative(int value, string name)
        {
            if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative");
        }
    }
}
