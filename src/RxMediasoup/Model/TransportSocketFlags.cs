using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Flags of a listening socket (mediasoup's <c>TransportSocketFlags</c>).</summary>
public sealed record TransportSocketFlags
{
    /// <summary>
    /// Disable dual-stack support so only IPv6 is used (<c>ipv6Only</c>); only for an IPv6 <see cref="ListenInfo.Ip"/>.
    /// </summary>
    [JsonPropertyName("ipv6Only")]
    public bool Ipv6Only { get; init; }

    /// <summary>
    /// Allow several UDP sockets to bind the same IP and port (<c>udpReusePort</c>, <c>SO_REUSEPORT</c>);
    /// ignored for TCP. Useful for multicast receivers.
    /// </summary>
    [JsonPropertyName("udpReusePort")]
    public bool UdpReusePort { get; init; }
}
