using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>An ICE candidate of a WebRTC transport (mediasoup's <c>IceCandidate</c>).</summary>
public sealed record IceCandidate
{
    /// <summary>The candidate foundation (<c>foundation</c>).</summary>
    [JsonPropertyName("foundation")]
    public required string Foundation { get; init; }

    /// <summary>The candidate priority (<c>priority</c>).</summary>
    [JsonPropertyName("priority")]
    public required uint Priority { get; init; }

    /// <summary>The IP address or hostname (<c>address</c>).</summary>
    [JsonPropertyName("address")]
    public required string Address { get; init; }

    /// <summary>The same as <see cref="Address"/> (<c>ip</c>, deprecated by mediasoup but still sent for older clients).</summary>
    [JsonPropertyName("ip")]
    public string Ip => Address;

    /// <summary>The transport protocol (<c>protocol</c>).</summary>
    [JsonPropertyName("protocol")]
    public required TransportProtocol Protocol { get; init; }

    /// <summary>The port (<c>port</c>).</summary>
    [JsonPropertyName("port")]
    public required int Port { get; init; }

    /// <summary>The candidate type, always host (<c>type</c>).</summary>
    [JsonPropertyName("type")]
    public IceCandidateType Type { get; init; }

    /// <summary>The TCP candidate type, for TCP candidates (<c>tcpType</c>).</summary>
    [JsonPropertyName("tcpType")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IceCandidateTcpType? TcpType { get; init; }
}
