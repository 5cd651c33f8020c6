using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// The SCTP association of a transport, as mediasoup reports it (mediasoup's <c>SctpParameters</c>, given to
/// mediasoup-client's <c>createSendTransport</c>/<c>createRecvTransport</c>).
/// </summary>
public sealed record SctpParameters
{
    /// <summary>The SCTP source port (<c>port</c>).</summary>
    [JsonPropertyName("port")]
    public required int Port { get; init; }

    /// <summary>Maximum size of SCTP messages sent by data consumers, in bytes (<c>maxSendMessageSize</c>).</summary>
    [JsonPropertyName("maxSendMessageSize")]
    public int MaxSendMessageSize { get; init; }

    /// <summary>Maximum size of SCTP messages received by data producers, in bytes (<c>maxReceiveMessageSize</c>).</summary>
    [JsonPropertyName("maxReceiveMessageSize")]
    public int MaxReceiveMessageSize { get; init; }

    /// <summary>Maximum SCTP send buffer used by data consumers, in bytes (<c>sendBufferSize</c>).</summary>
    [JsonPropertyName("sendBufferSize")]
    public int SendBufferSize { get; init; }

    /// <summary>Per-stream send queue size limit, in bytes (<c>perStreamSendQueueLimit</c>).</summary>
    [JsonPropertyName("perStreamSendQueueLimit")]
    public int PerStreamSendQueueLimit { get; init; }

    /// <summary>Maximum receive window buffer size, in bytes (<c>maxReceiverWindowBufferSize</c>).</summary>
    [JsonPropertyName("maxReceiverWindowBufferSize")]
    public int MaxReceiverWindowBufferSize { get; init; }

    /// <summary>Whether this is a WebRTC DataChannel association; true only in WebRTC transports (<c>isDataChannel</c>).</summary>
    [JsonPropertyName("isDataChannel")]
    public bool IsDataChannel { get; init; }

    /// <summary>Outgoing streams (<c>OS</c>); kept by mediasoup 3.27 for backwards compatibility, always 65535.</summary>
    [JsonPropertyName("OS")]
    public int OutgoingStreams { get; init; } = 65535;

    /// <summary>Maximum incoming streams (<c>MIS</c>); kept by mediasoup 3.27 for backwards compatibility, always 65535.</summary>
    [JsonPropertyName("MIS")]
    public int MaxIncomingStreams { get; init; } = 65535;

    /// <summary>Maximum message size (<c>maxMessageSize</c>); kept by mediasoup 3.27 for backwards compatibility, equal to <see cref="MaxReceiveMessageSize"/>.</summary>
    [JsonPropertyName("maxMessageSize")]
    public int MaxMessageSize { get; init; }
}
