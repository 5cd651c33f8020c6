namespace RxMediasoup;

/// <summary>A WebRTC server's internal state (<see cref="WebRtcServer.DumpAsync"/>).</summary>
public sealed record WebRtcServerDump
{
    /// <summary>The server's id.</summary>
    public required string Id { get; init; }

    /// <summary>Its UDP sockets.</summary>
    public required IReadOnlyList<WebRtcServerIpPort> UdpSockets { get; init; }

    /// <summary>Its TCP servers.</summary>
    public required IReadOnlyList<WebRtcServerIpPort> TcpServers { get; init; }

    /// <summary>Ids of the WebRTC transports using it.</summary>
    public required IReadOnlyList<string> WebRtcTransportIds { get; init; }

    /// <summary>Local ICE username fragments and the transports they route to (one more per ICE restart).</summary>
    public required IReadOnlyList<WebRtcServerIceUsernameFragment> LocalIceUsernameFragments { get; init; }
}

/// <summary>A listening IP and port of a WebRTC server.</summary>
/// <param name="Ip">The local IP.</param>
/// <param name="Port">The local port.</param>
public sealed record WebRtcServerIpPort(string Ip, int Port);

/// <summary>A local ICE username fragment of a WebRTC server and the transport it routes to.</summary>
/// <param name="LocalIceUsernameFragment">The ICE username fragment.</param>
/// <param name="WebRtcTransportId">The transport's id.</param>
public sealed record WebRtcServerIceUsernameFragment(string LocalIceUsernameFragment, string WebRtcTransportId);
