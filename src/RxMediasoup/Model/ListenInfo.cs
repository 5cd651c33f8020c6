using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// Where a transport or WebRTC server listens (mediasoup's <c>TransportListenInfo</c>): protocol, local IP,
/// the address announced to the remote side, and a fixed port or a port range.
/// </summary>
public sealed record ListenInfo
{
    /// <summary>The protocol (<c>protocol</c>). Plain and pipe transports support only UDP.</summary>
    [JsonPropertyName("protocol")]
    public TransportProtocol Protocol { get; init; } = TransportProtocol.Udp;

    /// <summary>The local IPv4 or IPv6 address to listen on (<c>ip</c>), e.g. <c>"127.0.0.1"</c> or <c>"0.0.0.0"</c>.</summary>
    [JsonPropertyName("ip")]
    public required string Ip { get; init; }

    /// <summary>
    /// The address (IP or hostname) announced to the remote side instead of <see cref="Ip"/>, e.g. the public
    /// address behind NAT (<c>announcedAddress</c>).
    /// </summary>
    [JsonPropertyName("announcedAddress")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AnnouncedAddress { get; init; }

    /// <summary>
    /// With an <see cref="AnnouncedAddress"/>, also expose <see cref="Ip"/> (an extra ICE candidate in WebRTC
    /// transports) (<c>exposeInternalIp</c>).
    /// </summary>
    [JsonPropertyName("exposeInternalIp")]
    public bool ExposeInternalIp { get; init; }

    /// <summary>A fixed port (<c>port</c>); null or 0 picks one from <see cref="PortRange"/> or the worker's range.</summary>
    [JsonPropertyName("port")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Port { get; init; }

    /// <summary>The range to pick a port from when no <see cref="Port"/> is given (<c>portRange</c>).</summary>
    [JsonPropertyName("portRange")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PortRange? PortRange { get; init; }

    /// <summary>Socket flags (<c>flags</c>).</summary>
    [JsonPropertyName("flags")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TransportSocketFlags? Flags { get; init; }

    /// <summary>Send buffer size of the socket, in bytes (<c>sendBufferSize</c>); null keeps the OS default.</summary>
    [JsonPropertyName("sendBufferSize")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SendBufferSize { get; init; }

    /// <summary>Receive buffer size of the socket, in bytes (<c>recvBufferSize</c>); null keeps the OS default.</summary>
    [JsonPropertyName("recvBufferSize")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RecvBufferSize { get; init; }

    /// <summary>Checks the fields the worker cannot check as well (throws the ArgumentException family naming <paramref name="field"/>).</summary>
    internal void Validate(string field)
    {
        if (string.IsNullOrWhiteSpace(Ip))
            throw new ArgumentException($"{field}.ip is required", field);
        if (Ip.Contains('\0'))
            throw new ArgumentException($"{field}.ip must not contain a NUL character", field);
        if (AnnouncedAddress?.Contains('\0') == true)
            throw new ArgumentException($"{field}.announcedAddress must not contain a NUL character", field);
        if (!Enum.IsDefined(Protocol))
            throw new ArgumentOutOfRangeException(field, Protocol, $"{field}.protocol is invalid");
        if (Port is { } port && port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(field, port, $"{field}.port must be a port number (0-65535)");
        PortRange?.Validate($"{field}.portRange");
        if (SendBufferSize is < 0)
            throw new ArgumentOutOfRangeException(field, SendBufferSize, $"{field}.sendBufferSize must not be negative");
        if (RecvBufferSize is < 0)
            throw new ArgumentOutOfRangeException(field, RecvBufferSize, $"{field}.recvBufferSize must not be negative");
    }
}
