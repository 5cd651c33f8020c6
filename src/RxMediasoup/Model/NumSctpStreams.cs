using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// The number of SCTP streams an endpoint offers (mediasoup-client's <c>NumSctpStreams</c>: <c>{ "OS": 1024, "MIS": 1024 }</c>),
/// found in the <see cref="SctpCapabilities"/> a client sends when creating a transport.
/// </summary>
public sealed record NumSctpStreams
{
    /// <summary>The initially requested number of outgoing streams (<c>OS</c>).</summary>
    [JsonPropertyName("OS")]
    public required int OutgoingStreams { get; init; }

    /// <summary>The maximum number of incoming streams (<c>MIS</c>).</summary>
    [JsonPropertyName("MIS")]
    public required int MaxIncomingStreams { get; init; }
}
