using FBS.Request;
using ResponseBody = FBS.Response.BodyUnion;
using Wrt = FBS.WebRtcTransport;

namespace RxMediasoup.Testing;

// WebRtcServers (Worker.cpp, WebRtcServer.cpp): creation with one socket per listen info, dumps, WebRtcTransports
// created on a server (its ICE candidates, as WebRtcServer::GetIceCandidates) and the server's close, which closes
// those transports (Router::OnTransportListenServerClosed; no notification: the library closes them itself).
internal sealed partial class SimulatedEngine
{
    private readonly Dictionary<string, SimWebRtcServer> _webRtcServers = new(StringComparer.Ordinal);

    private IEnumerable<string> WebRtcServerIds => _webRtcServers.Keys;

    private ResponseBody? CreateWebRtcServer(FBS.Worker.CreateWebRtcServerRequestT request)
    {
        string id = request.WebRtcServerId;
        if (_webRtcServers.ContainsKey(id))
            throw new SimulatedError($"a WebRtcServer with same webRtcServerId already exists [method:{SimulatedMethods.Name(Method.WORKER_CREATE_WEBRTCSERVER)}]");
        var infos = request.ListenInfos ?? [];
        if (infos.Count == 0) throw new SimulatedError("wrong listenInfos (empty array)", isTypeError: true);
        var server = new SimWebRtcServer(id, [.. infos.Select(info => (info, Bind(info)))]) { Ports = TakePendingPorts() };
        Register(id, server);
        _webRtcServers[id] = server;
        return null;
    }

    private void CloseWebRtcServer(string id)
    {
        if (!_webRtcServers.Remove(id, out var server))
            throw SimulatedError.NotFound($"WebRtcServer not found [method:{SimulatedMethods.Name(Method.WORKER_WEBRTCSERVER_CLOSE)}]");
        _handlers.Remove(id);
        foreach (var transport in server.Transports.ToList()) CloseTransport(transport);
        Release(server.Ports);
    }

    private ResponseBody AnswerWebRtcServer(SimWebRtcServer server, RequestT request)
    {
        if (request.Method != Method.WEBRTCSERVER_DUMP) throw new SimulatedError($"unknown method '{SimulatedMethods.Name(request.Method)}'");
        FBS.WebRtcServer.IpPortT IpPort((FBS.Transport.ListenInfoT Info, ushort Port) s) => new() { Ip = s.Info.Ip, Port = s.Port };
        return ResponseBody.FromWebRtcServer_DumpResponse(new FBS.WebRtcServer.DumpResponseT
        {
            Id = server.Id,
            UdpSockets = [.. server.Sockets.Where(s => s.Info.Protocol == FBS.Transport.Protocol.UDP).Select(IpPort)],
            TcpServers = [.. server.Sockets.Where(s => s.Info.Protocol == FBS.Transport.Protocol.TCP).Select(IpPort)],
            WebRtcTransportIds = [.. server.Transports.Select(t => t.Id)],
            // IceServer keeps the username fragment a restart replaced until the peer uses the new one (never, here).
            LocalIceUsernameFragments = [.. server.Transports.SelectMany(t => new[] { t.UsernameFragment, t.OldUsernameFragment }
                .Where(f => f is not null)
                .Select(f => new FBS.WebRtcServer.IceUserNameFragmentT { LocalIceUsernameFragment = f, WebRtcTransportId = t.Id }))],
        });
    }

    /// <summary>A WebRtcTransport on a server: its candidates are the server's sockets that the options enable.</summary>
    private void ListenOnServer(SimTransport transport, Wrt.WebRtcTransportOptionsT options)
    {
        string serverId = options.Listen.AsListenServer().WebRtcServerId;
        if (!_webRtcServers.TryGetValue(serverId, out var server))
            throw new SimulatedError("wrong webRtcServerId (no associated WebRtcServer found)");
        int decrement = 0;
        foreach (var (info, port) in server.Sockets)
        {
            bool udp = info.Protocol == FBS.Transport.Protocol.UDP;
            if (udp ? options.EnableUdp : options.EnableTcp)
            {
                int preference = 10000 - decrement + ((udp ? options.PreferUdp : options.PreferTcp) ? 1000 : 0);
                uint priority = (uint)((1 << 24) * 64 + (1 << 8) * preference + (256 - 1)); // generateIceCandidatePriority
                bool announced = !string.IsNullOrEmpty(info.AnnouncedAddress);
                transport.IceCandidates.Add(Candidate(info, port, priority, announced ? info.AnnouncedAddress : info.Ip));
                if (announced && info.ExposeInternalIp) transport.IceCandidates.Add(Candidate(info, port, priority - 1000, info.Ip));
            }
            decrement += 100;
        }
        transport.Server = server;
        server.Transports.Add(transport);
    }

    private static Wrt.IceCandidateT Candidate(FBS.Transport.ListenInfoT info, ushort port, uint priority, string address) => new()
    {
        Foundation = info.Protocol == FBS.Transport.Protocol.UDP ? "udpcandidate" : "tcpcandidate",
        Priority = priority,
        Address = address,
        Protocol = info.Protocol,
        Port = port,
        Type = Wrt.IceCandidateType.HOST,
        TcpType = info.Protocol == FBS.Transport.Protocol.TCP ? Wrt.IceCandidateTcpType.PASSIVE : null,
    };
}

internal sealed class SimWebRtcServer(string id, List<(FBS.Transport.ListenInfoT Info, ushort Port)> sockets)
{
    public string Id { get; } = id;
    public List<(FBS.Transport.ListenInfoT Info, ushort Port)> Sockets { get; } = sockets;
    public List<(FBS.Transport.Protocol, string, ushort)> Ports { get; init; } = [];
    public List<SimTransport> Transports { get; } = [];
}
