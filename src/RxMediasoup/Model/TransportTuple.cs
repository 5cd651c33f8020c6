using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// A transport's 5-tuple (mediasoup's <c>TransportTuple</c>): the local address and port, the remote IP and port
/// once known, and the protocol.
/// </summary>
public sealed record TransportTuple
{
    /// <summary>The local address: the announced address if any, else the listening IP (<c>localAddress</c>).</summary>
    [JsonPropertyName("localAddress")]
    public required string LocalAddress { get; init; }

    /// <summary>The same as <see cref="LocalAddress"/> (<c>localIp</c>, deprecated by mediasoup, still sent).</summary>
    [JsonPropertyName("localIp")]
    public string LocalIp => LocalAddress;

    /// <summary>The local port (<c>localPort</c>).</summary>
    [JsonPropertyName("localPort")]
    public required int LocalPort { get; init; }

    /// <summary>The remote IP, once known (<c>remoteIp</c>).</summary>
    [JsonPropertyName("remoteIp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RemoteIp { get; init; }

    /// <summary>The remote port, once known (<c>remotePort</c>).</summary>
    [JsonPropertyName("remotePort")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RemotePort { get; init; }

    /// <summary>The protocol (<c>protocol</c>).</summary>
    [JsonPropertyName("protocol")]
    public required TransportProtocol Protocol { get; init; }
}
