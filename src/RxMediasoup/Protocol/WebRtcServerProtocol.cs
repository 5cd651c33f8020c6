using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests and responses of WebRTC servers.</summary>
internal static class WebRtcServerProtocol
{
    public static Task CreateAsync(WorkerChannel channel, string serverId, IReadOnlyList<ListenInfo> listenInfos, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.WORKER_CREATE_WEBRTCSERVER, null, FBS.Request.Body.Worker_CreateWebRtcServerRequest,
            new FBS.Worker.CreateWebRtcServerRequestT { WebRtcServerId = serverId, ListenInfos = BaseTransportProtocol.ToFbs(listenInfos) },
            static (b, r) => FBS.Worker.CreateWebRtcServerRequest.Pack(b, r).Value,
            Accepted, cancellationToken);

    public static Task CloseAsync(WorkerChannel channel, string serverId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.WORKER_WEBRTCSERVER_CLOSE, null, FBS.Request.Body.Worker_CloseWebRtcServerRequest, serverId,
            static (b, id) => FBS.Worker.CloseWebRtcServerRequest.CreateCloseWebRtcServerRequest(b, id).Value, cancellationToken);

    public static Task<WebRtcServerDump> DumpAsync(WorkerChannel channel, string serverId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.WEBRTCSERVER_DUMP, serverId, ParseDump, cancellationToken);

    private static readonly ResponseParser<WebRtcServerDump> ParseDump = static (in FBS.Response.Response response) =>
    {
        var d = response.BodyAsWebRtcServer_DumpResponse();
        var udp = new WebRtcServerIpPort[d.UdpSocketsLength];
        for (int i = 0; i < udp.Length; i++)
        {
            var s = Required(d.UdpSockets(i), "udpSockets[]");
            udp[i] = new WebRtcServerIpPort(s.Ip ?? string.Empty, s.Port);
        }
        var tcp = new WebRtcServerIpPort[d.TcpServersLength];
        for (int i = 0; i < tcp.Length; i++)
        {
            var s = Required(d.TcpServers(i), "tcpServers[]");
            tcp[i] = new WebRtcServerIpPort(s.Ip ?? string.Empty, s.Port);
        }
        var fragments = new WebRtcServerIceUsernameFragment[d.LocalIceUsernameFragmentsLength];
        for (int i = 0; i < fragments.Length; i++)
        {
            var f = Required(d.LocalIceUsernameFragments(i), "localIceUsernameFragments[]");
            fragments[i] = new WebRtcServerIceUsernameFragment(f.LocalIceUsernameFragment ?? string.Empty, f.WebRtcTransportId ?? string.Empty);
        }
        return new WebRtcServerDump
        {
            Id = d.Id ?? string.Empty,
            UdpSockets = udp,
            TcpServers = tcp,
            WebRtcTransportIds = Strings(d, d.WebRtcTransportIdsLength, static (t, i) => t.WebRtcTransportIds(i)),
            LocalIceUsernameFragments = fragments,
        };
    };
}
