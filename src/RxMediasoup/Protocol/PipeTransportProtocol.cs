using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Fbs = FBS.PipeTransport;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests and responses of pipe transports.</summary>
internal static class PipeTransportProtocol
{
    public static Task<PipeTransportDump> CreateAsync(WorkerChannel channel, string routerId, string transportId,
        PipeTransportOptions options, CancellationToken cancellationToken)
    {
        var request = new FBS.Router.CreatePipeTransportRequestT
        {
            TransportId = transportId,
            Options = new Fbs.PipeTransportOptionsT
            {
                Base = BaseTransportProtocol.Options(options, isDataChannel: false),
                ListenInfo = BaseTransportProtocol.ToFbs(options.ListenInfo),
                EnableRtx = options.EnableRtx,
                EnableSrtp = options.EnableSrtp,
            },
        };
        return channel.RequestAsync(Method.ROUTER_CREATE_PIPETRANSPORT, routerId, FBS.Request.Body.Router_CreatePipeTransportRequest,
            request, static (b, r) => FBS.Router.CreatePipeTransportRequest.Pack(b, r).Value, ParseDump, cancellationToken);
    }

    public static Task<TransportTuple> ConnectAsync(WorkerChannel channel, string transportId, string ip, int port,
        SrtpParameters? srtpParameters, Action<TransportTuple> onConnected, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PIPETRANSPORT_CONNECT, transportId, FBS.Request.Body.PipeTransport_ConnectRequest,
            (ip, port, srtpParameters), static (b, s) =>
            {
                var ipOffset = b.CreateString(s.ip);
                var srtpOffset = s.srtpParameters is null ? default : SrtpParametersProtocol.Write(b, s.srtpParameters);
                Fbs.ConnectRequest.StartConnectRequest(b);
                Fbs.ConnectRequest.AddIp(b, ipOffset);
                Fbs.ConnectRequest.AddPort(b, (ushort)s.port);
                if (s.srtpParameters is not null) Fbs.ConnectRequest.AddSrtpParameters(b, srtpOffset);
                return Fbs.ConnectRequest.EndConnectRequest(b).Value;
            },
            (in FBS.Response.Response r) =>
            {
                var tuple = BaseTransportProtocol.ParseTuple(Required(r.BodyAsPipeTransport_ConnectResponse().Tuple, "tuple"));
                onConnected(tuple);
                return tuple;
            },
            cancellationToken);

    private static readonly ResponseParser<PipeTransportDump> ParseDump = static (in FBS.Response.Response response) =>
    {
        var d = response.BodyAsPipeTransport_DumpResponse();
        return new PipeTransportDump(BaseTransportProtocol.ParseBaseDump(Required(d.Base, "base")))
        {
            Tuple = BaseTransportProtocol.ParseTuple(Required(d.Tuple, "tuple")),
            Rtx = d.Rtx,
            SrtpParameters = d.SrtpParameters is { } srtp ? SrtpParametersProtocol.Parse(srtp) : null,
        };
    };

    private static readonly ResponseParser<PipeTransportStats> ParseStats = static (in FBS.Response.Response response) =>
    {
        var s = response.BodyAsPipeTransport_GetStatsResponse();
        return new PipeTransportStats(BaseTransportProtocol.ParseBaseStats(Required(s.Base, "base"), "pipe-transport"))
        {
            Tuple = BaseTransportProtocol.ParseTuple(Required(s.Tuple, "tuple")),
        };
    };

    /// <summary>The dump and stats requests (declared after the parsers it uses).</summary>
    public static readonly TransportResponses Responses = new(ParseDump, ParseStats);
}
