using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Fbs = FBS.PlainTransport;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests and responses of plain transports.</summary>
internal static class PlainTransportProtocol
{
    public readonly record struct ConnectResult(TransportTuple? Tuple, TransportTuple? RtcpTuple, SrtpParameters? SrtpParameters);

    public static Task<PlainTransportDump> CreateAsync(WorkerChannel channel, string routerId, string transportId,
        PlainTransportOptions options, bool rtcpMux, CancellationToken cancellationToken)
    {
        var request = new FBS.Router.CreatePlainTransportRequestT
        {
            TransportId = transportId,
            Options = new Fbs.PlainTransportOptionsT
            {
                Base = BaseTransportProtocol.Options(options, isDataChannel: false),
                ListenInfo = BaseTransportProtocol.ToFbs(options.ListenInfo),
                RtcpListenInfo = options.RtcpListenInfo is { } r ? BaseTransportProtocol.ToFbs(r) : null,
                RtcpMux = rtcpMux,
                Comedia = options.Comedia,
                EnableSrtp = options.EnableSrtp,
                SrtpCryptoSuite = SrtpParametersProtocol.ToFbs(options.SrtpCryptoSuite, "options.SrtpCryptoSuite"),
            },
        };
        return channel.RequestAsync(Method.ROUTER_CREATE_PLAINTRANSPORT, routerId, FBS.Request.Body.Router_CreatePlainTransportRequest,
            request, static (b, r) => FBS.Router.CreatePlainTransportRequest.Pack(b, r).Value, ParseDump, cancellationToken);
    }

    public static Task<ConnectResult> ConnectAsync(WorkerChannel channel, string transportId, string? ip, int? port, int? rtcpPort,
        SrtpParameters? srtpParameters, Action<ConnectResult> onConnected, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PLAINTRANSPORT_CONNECT, transportId, FBS.Request.Body.PlainTransport_ConnectRequest,
            (ip, port, rtcpPort, srtpParameters), static (b, s) =>
            {
                var ipOffset = s.ip is null ? default : b.CreateString(s.ip);
                var srtpOffset = s.srtpParameters is null ? default : SrtpParametersProtocol.Write(b, s.srtpParameters);
                Fbs.ConnectRequest.StartConnectRequest(b);
                if (s.ip is not null) Fbs.ConnectRequest.AddIp(b, ipOffset);
                if (s.port is { } p) Fbs.ConnectRequest.AddPort(b, (ushort)p);
                if (s.rtcpPort is { } rp) Fbs.ConnectRequest.AddRtcpPort(b, (ushort)rp);
                if (s.srtpParameters is not null) Fbs.ConnectRequest.AddSrtpParameters(b, srtpOffset);
                return Fbs.ConnectRequest.EndConnectRequest(b).Value;
            },
            (in FBS.Response.Response r) =>
            {
                var body = r.BodyAsPlainTransport_ConnectResponse();
                var result = new ConnectResult(
                    BaseTransportProtocol.ParseTuple(body.Tuple),
                    BaseTransportProtocol.ParseTuple(body.RtcpTuple),
                    body.SrtpParameters is { } srtp ? SrtpParametersProtocol.Parse(srtp) : null);
                onConnected(result);
                return result;
            },
            cancellationToken);

    private static readonly ResponseParser<PlainTransportDump> ParseDump = static (in FBS.Response.Response response) =>
    {
        var d = response.BodyAsPlainTransport_DumpResponse();
        return new PlainTransportDump(BaseTransportProtocol.ParseBaseDump(Required(d.Base, "base")))
        {
            RtcpMux = d.RtcpMux,
            Comedia = d.Comedia,
            Tuple = BaseTransportProtocol.ParseTuple(Required(d.Tuple, "tuple")),
            RtcpTuple = BaseTransportProtocol.ParseTuple(d.RtcpTuple),
            SrtpParameters = d.SrtpParameters is { } srtp ? SrtpParametersProtocol.Parse(srtp) : null,
        };
    };

    private static readonly ResponseParser<PlainTransportStats> ParseStats = static (in FBS.Response.Response response) =>
    {
        var s = response.BodyAsPlainTransport_GetStatsResponse();
        return new PlainTransportStats(BaseTransportProtocol.ParseBaseStats(Required(s.Base, "base"), "plain-rtp-transport"))
        {
            RtcpMux = s.RtcpMux,
            Comedia = s.Comedia,
            Tuple = BaseTransportProtocol.ParseTuple(Required(s.Tuple, "tuple")),
            RtcpTuple = BaseTransportProtocol.ParseTuple(s.RtcpTuple),
        };
    };

    /// <summary>The dump and stats requests (declared after the parsers it uses).</summary>
    public static readonly TransportResponses Responses = new(ParseDump, ParseStats);
}
