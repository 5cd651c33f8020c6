using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>What the SCTP association negotiated with the remote endpoint (mediasoup's <c>SctpNegotiatedCapabilities</c>).</summary>
public sealed record SctpNegotiatedCapabilities
{
    /// <summary>Negotiated maximum number of outbound streams (<c>negotiatedMaxOutboundStreams</c>).</summary>
    [JsonPropertyName("negotiatedMaxOutboundStreams")]
    public int NegotiatedMaxOutboundStreams { get; init; }

    /// <summary>Negotiated maximum number of inbound streams (<c>negotiatedMaxInboundStreams</c>).</summary>
    [JsonPropertyName("negotiatedMaxInboundStreams")]
    public int NegotiatedMaxInboundStreams { get; init; }
}
