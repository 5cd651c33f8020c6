using FBS.Request;
using ResponseBody = FBS.Response.BodyUnion;
using Srtp = FBS.SrtpParameters;

namespace RxMediasoup.Testing;

// Pipe transports (PipeTransport.cpp): creation (UDP tuple, RTX, SRTP with AEAD_AES_256_GCM only), connect, dumps and
// stats; producers and pipe consumers on them go through SimulatedEngine.Media.cs (a pipe consumer scores 10/10).
// Router.PipeToRouter between two simulated routers (one worker or two) is built from these requests.
internal sealed partial class SimulatedEngine
{
    private ResponseBody CreatePipeTransport(SimRouter router, FBS.Router.CreatePipeTransportRequestT request)
    {
        var options = request.Options;
        var info = options?.ListenInfo;
        if (info is { Protocol: not FBS.Transport.Protocol.UDP }) throw new SimulatedError("unsupported listen protocol", isTypeError: true);
        var transport = new SimTransport(request.TransportId, router, SimTransportKind.Pipe)
        {
            Options = TransportOptions(options?.Base),
            Tuple = LocalTuple(info),
            Rtx = options?.EnableRtx ?? false,
        };
        if (options?.EnableSrtp == true)
            transport.Srtp = new Srtp.SrtpParametersT { CryptoSuite = Srtp.SrtpCryptoSuite.AEAD_AES_256_GCM, KeyBase64 = NewSrtpKey(Srtp.SrtpCryptoSuite.AEAD_AES_256_GCM) };
        Add(router, transport);
        return ResponseBody.FromPipeTransport_DumpResponse(PipeDump(transport));
    }

    private static FBS.PipeTransport.DumpResponseT PipeDump(SimTransport transport) => new()
    {
        Base = BaseDump(transport),
        Tuple = transport.Tuple,
        Rtx = transport.Rtx,
        SrtpParameters = transport.Srtp,
    };

    private ResponseBody PipeStats(SimTransport transport)
        => ResponseBody.FromPipeTransport_GetStatsResponse(new FBS.PipeTransport.GetStatsResponseT { Base = BaseStats(transport), Tuple = transport.Tuple });

    private ResponseBody PipeConnect(SimTransport transport, FBS.PipeTransport.ConnectRequestT request)
    {
        if (transport.Connected) throw new SimulatedError("connect() already called");
        if (transport.Srtp is null && request.SrtpParameters is not null)
            throw new SimulatedError("invalid srtpParameters (SRTP not enabled)", isTypeError: true);
        if (transport.Srtp is not null)
        {
            var remote = request.SrtpParameters ?? throw new SimulatedError("missing srtpParameters (SRTP enabled)", isTypeError: true);
            if (remote.CryptoSuite != Srtp.SrtpCryptoSuite.AEAD_AES_256_GCM)
                throw new SimulatedError("invalid/unsupported srtpParameters.cryptoSuite", isTypeError: true);
            if (DecodedLength(remote.KeyBase64) != MasterLength(remote.CryptoSuite))
                throw new SimulatedError("invalid decoded SRTP key length", isTypeError: true);
        }
        if (request.Ip is null) throw new SimulatedError("missing ip", isTypeError: true);
        if (request.Port is not { } port) throw new SimulatedError("missing port", isTypeError: true);
        if (!System.Net.IPAddress.TryParse(request.Ip, out _)) throw new SimulatedError($"invalid IP '{request.Ip}'");
        transport.Tuple!.RemoteIp = request.Ip;
        transport.Tuple.RemotePort = port;
        transport.Connected = true;
        return ResponseBody.FromPipeTransport_ConnectResponse(new FBS.PipeTransport.ConnectResponseT { Tuple = transport.Tuple });
    }
}
