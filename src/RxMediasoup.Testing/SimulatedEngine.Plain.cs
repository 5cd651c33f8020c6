using Srtp = FBS.SrtpParameters;

namespace RxMediasoup.Testing;

// Plain transports' connect and SRTP (PlainTransport.cpp): the remote tuple(s) unless comedia, the SRTP key the worker
// generates (a random string of the suite's master length, base64) and the one the remote gives, with the worker's
// validation errors.
internal sealed partial class SimulatedEngine
{
    /// <summary>PlainTransport's constructor: with SRTP enabled, a crypto suite is required and a local key is made.</summary>
    private void EnableSrtp(SimTransport transport, FBS.PlainTransport.PlainTransportOptionsT? options)
    {
        if (options?.EnableSrtp != true) return;
        var suite = options.SrtpCryptoSuite ?? throw new SimulatedError("missing srtpCryptoSuite", isTypeError: true);
        transport.Srtp = new Srtp.SrtpParametersT { CryptoSuite = suite, KeyBase64 = NewSrtpKey(suite) };
    }

    private string NewSrtpKey(Srtp.SrtpCryptoSuite suite)
        => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(NextSecret(MasterLength(suite))));

    /// <summary>Key + salt lengths (SrtpMasterLength, SrtpAesGcm128MasterLength, SrtpAesGcm256MasterLength).</summary>
    private static int MasterLength(Srtp.SrtpCryptoSuite suite) => suite switch
    {
        Srtp.SrtpCryptoSuite.AEAD_AES_256_GCM => 32 + 12,
        Srtp.SrtpCryptoSuite.AEAD_AES_128_GCM => 16 + 12,
        _ => 16 + 14,
    };

    private FBS.Response.BodyUnion PlainConnect(SimTransport transport, FBS.PlainTransport.ConnectRequestT request)
    {
        if (transport.Connected) throw new SimulatedError("connect() already called");
        if (transport.Srtp is null && request.SrtpParameters is not null)
            throw new SimulatedError("invalid srtpParameters (SRTP not enabled)", isTypeError: true);
        if (transport.Srtp is { } local)
        {
            var remote = request.SrtpParameters ?? throw new SimulatedError("missing srtpParameters (SRTP enabled)", isTypeError: true);
            // A new suite gets a new local key; the remote key must have the suite's length (its SRTP sessions are not simulated).
            var key = remote.CryptoSuite == local.CryptoSuite ? local.KeyBase64 : NewSrtpKey(remote.CryptoSuite);
            if (DecodedLength(remote.KeyBase64) != MasterLength(remote.CryptoSuite))
                throw new SimulatedError("invalid decoded SRTP key length", isTypeError: true);
            transport.Srtp = new Srtp.SrtpParametersT { CryptoSuite = remote.CryptoSuite, KeyBase64 = key };
        }
        if (!transport.Comedia)
        {
            if (request.Ip is null) throw new SimulatedError("missing ip", isTypeError: true);
            if (request.Port is not { } port) throw new SimulatedError("missing port", isTypeError: true);
            if (request.RtcpPort is not null && transport.RtcpMux) throw new SimulatedError("cannot set rtcpPort with rtcpMux enabled", isTypeError: true);
            if (request.RtcpPort is null && !transport.RtcpMux)
                throw new SimulatedError("missing rtcpPort (required with rtcpMux disabled)", isTypeError: true);
            if (!System.Net.IPAddress.TryParse(request.Ip, out _)) throw new SimulatedError($"invalid IP '{request.Ip}'");
            transport.Tuple!.RemoteIp = request.Ip;
            transport.Tuple.RemotePort = port;
            if (transport.RtcpTuple is { } rtcp)
            {
                rtcp.RemoteIp = request.Ip;
                rtcp.RemotePort = request.RtcpPort ?? 0;
            }
        }
        transport.Connected = true;
        return FBS.Response.BodyUnion.FromPlainTransport_ConnectResponse(new FBS.PlainTransport.ConnectResponseT
        {
            Tuple = transport.Comedia ? null : transport.Tuple,
            RtcpTuple = transport.Comedia || transport.RtcpMux ? null : transport.RtcpTuple,
            SrtpParameters = transport.Srtp,
        });
    }

    private static int DecodedLength(string? base64)
    {
        try
        {
            return Convert.FromBase64String(base64 ?? "").Length;
        }
        catch (FormatException)
        {
            return -1;
        }
    }
}
