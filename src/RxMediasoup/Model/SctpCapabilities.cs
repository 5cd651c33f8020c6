using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// An endpoint's SCTP capabilities (mediasoup-client's <c>device.sctpCapabilities</c>:
/// <c>{ "numStreams": { "OS": 1024, "MIS": 1024 } }</c>).
/// </summary>
public sealed record SctpCapabilities
{
    /// <summary>The number of SCTP streams (<c>numStreams</c>).</summary>
    [JsonPropertyName("numStreams")]
    public required NumSctpStreams NumStreams { get; init; }
}
