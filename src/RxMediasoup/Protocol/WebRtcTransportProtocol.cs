using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Fbs = FBS.WebRtcTransport;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests, responses and notifications of WebRTC transports.</summary>
internal static class WebRtcTransportProtocol
{
    public static Task<WebRtcTransportDump> CreateAsync(WorkerChannel channel, string routerId, string transportId,
        WebRtcTransportOptions options, string? webRtcServerId, CancellationToken cancellationToken)
    {
        // The server comes as its id (options.WebRtcServer is an entity: Protocol does not depend on entities).
        var server = webRtcServerId;
        bool enableUdp = options.EnableUdp ?? true;
        bool enableTcp = options.EnableTcp ?? server is not null;
        var request = new FBS.Router.CreateWebRtcTransportRequestT
        {
            TransportId = transportId,
            Options = new Fbs.WebRtcTransportOptionsT
            {
                Base = BaseTransportProtocol.Options(options, isDataChannel: true, initialAvailableOutgoingBitrate: (ulong)options.InitialAvailableOutgoingBitrate),
                Listen = server is not null
                    ? Fbs.ListenUnion.FromListenServer(new Fbs.ListenServerT { WebRtcServerId = server })
                    : Fbs.ListenUnion.FromListenIndividual(new Fbs.ListenIndividualT { ListenInfos = BaseTransportProtocol.ToFbs(options.ListenInfos!) }),
                EnableUdp = enableUdp,
                EnableTcp = enableTcp,
                PreferUdp = options.PreferUdp,
                PreferTcp = options.PreferTcp,
                IceConsentTimeout = (byte)options.IceConsentTimeout,
            },
        };
        return channel.RequestAsync(
            server is not null ? Method.ROUTER_CREATE_WEBRTCTRANSPORT_WITH_SERVER : Method.ROUTER_CREATE_WEBRTCTRANSPORT,
            routerId, FBS.Request.Body.Router_CreateWebRtcTransportRequest, request,
            static (b, r) => FBS.Router.CreateWebRtcTransportRequest.Pack(b, r).Value,
            ParseDump, cancellationToken);
    }

    public static Task<DtlsRole> ConnectAsync(WorkerChannel channel, string transportId, DtlsParameters dtlsParameters,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.WEBRTCTRANSPORT_CONNECT, transportId, FBS.Request.Body.WebRtcTransport_ConnectRequest,
            dtlsParameters, static (b, p) =>
            {
                var request = new Fbs.ConnectRequestT
                {
                    DtlsParameters = new Fbs.DtlsParametersT
                    {
                        Fingerprints = p.Fingerprints.Select(f => new Fbs.FingerprintT { Algorithm = ToFbs(f.Algorithm), Value = f.Value }).ToList(),
                        Role = ToFbs(p.Role ?? DtlsRole.Auto),
                    },
                };
                return Fbs.ConnectRequest.Pack(b, request).Value;
            },
            static (in FBS.Response.Response r) => FromFbs(r.BodyAsWebRtcTransport_ConnectResponse().DtlsLocalRole),
            cancellationToken);

    public static Task<IceParameters> RestartIceAsync(WorkerChannel channel, string transportId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_RESTART_ICE, transportId, static (in FBS.Response.Response r) =>
        {
            var body = r.BodyAsTransport_RestartIceResponse();
            return new IceParameters
            {
                UsernameFragment = body.UsernameFragment ?? string.Empty,
                Password = body.Password ?? string.Empty,
                IceLite = body.IceLite,
            };
        }, cancellationToken);

    /// <summary>Checks DTLS parameters given to connect (mediasoup's worker reports the same problems as TypeError).</summary>
    public static void ValidateDtlsParameters(DtlsParameters? parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters, "dtlsParameters");
        if (parameters.Fingerprints is null || parameters.Fingerprints.Count == 0)
            throw new ArgumentException("dtlsParameters.fingerprints must not be empty", "dtlsParameters");
        foreach (var f in parameters.Fingerprints)
        {
            if (f is null) throw new ArgumentNullException("dtlsParameters", "dtlsParameters.fingerprints has a null entry");
            if (!Enum.IsDefined(f.Algorithm))
                throw new ArgumentOutOfRangeException("dtlsParameters", f.Algorithm, $"invalid dtlsParameters.fingerprints[].algorithm: {f.Algorithm}");
            if (string.IsNullOrEmpty(f.Value))
                throw new ArgumentException("dtlsParameters.fingerprints[].value is required", "dtlsParameters");
        }
        if (parameters.Role is { } role && !Enum.IsDefined(role))
            throw new ArgumentOutOfRangeException("dtlsParameters", role, $"invalid dtlsParameters.role: {role}");
    }

    private static readonly ResponseParser<WebRtcTransportDump> ParseDump = static (in FBS.Response.Response response) =>
    {
        var d = response.BodyAsWebRtcTransport_DumpResponse();
        var common = BaseTransportProtocol.ParseBaseDump(Required(d.Base, "base"));
        var candidates = new IceCandidate[d.IceCandidatesLength];
        for (int i = 0; i < candidates.Length; i++)
        {
            var c = Required(d.IceCandidates(i), "iceCandidates[]");
            candidates[i] = new IceCandidate
            {
                Foundation = c.Foundation ?? string.Empty,
                Priority = c.Priority,
                Address = c.Address ?? string.Empty,
                Protocol = BaseTransportProtocol.FromFbs(c.Protocol),
                Port = c.Port,
                Type = IceCandidateType.Host,
                TcpType = c.TcpType is null ? null : IceCandidateTcpType.Passive,
            };
        }
        var ice = Required(d.IceParameters, "iceParameters");
        return new WebRtcTransportDump(common)
        {
            IceRole = d.IceRole == Fbs.IceRole.CONTROLLING ? IceRole.Controlling : IceRole.Controlled,
            IceParameters = new IceParameters
            {
                UsernameFragment = ice.UsernameFragment ?? string.Empty,
                Password = ice.Password ?? string.Empty,
                IceLite = ice.IceLite,
            },
            IceCandidates = candidates,
            IceState = ParseIceState(d.IceState),
            IceSelectedTuple = BaseTransportProtocol.ParseTuple(d.IceSelectedTuple),
            DtlsParameters = ParseDtlsParameters(Required(d.DtlsParameters, "dtlsParameters")),
            DtlsState = ParseDtlsState(d.DtlsState),
        };
    };

    private static readonly ResponseParser<WebRtcTransportStats> ParseStats = static (in FBS.Response.Response response) =>
    {
        var s = response.BodyAsWebRtcTransport_GetStatsResponse();
        return new WebRtcTransportStats(BaseTransportProtocol.ParseBaseStats(Required(s.Base, "base"), "webrtc-transport"))
        {
            IceRole = s.IceRole == Fbs.IceRole.CONTROLLING ? IceRole.Controlling : IceRole.Controlled,
            IceState = ParseIceState(s.IceState),
            IceSelectedTuple = BaseTransportProtocol.ParseTuple(s.IceSelectedTuple),
            DtlsState = ParseDtlsState(s.DtlsState),
        };
    };

    /// <summary>The dump and stats requests (declared after the parsers it uses).</summary>
    public static readonly TransportResponses Responses = new(ParseDump, ParseStats);

    // The last DTLS parameters parsed: a worker has one certificate, so its transports report the same fingerprints
    // (five hex strings, ~1.3 KB); equal ones are shared instead of parsed again (records are immutable).
    private static DtlsParameters? s_lastDtlsParameters;

    private static DtlsParameters ParseDtlsParameters(in Fbs.DtlsParameters p)
    {
        var role = FromFbs(p.Role);
        if (s_lastDtlsParameters is { } last && last.Role == role && SameFingerprints(p, last.Fingerprints)) return last;
        var fingerprints = new DtlsFingerprint[p.FingerprintsLength];
        for (int i = 0; i < fingerprints.Length; i++)
        {
            var f = Required(p.Fingerprints(i), "fingerprints[]");
            fingerprints[i] = new DtlsFingerprint { Algorithm = FromFbs(f.Algorithm), Value = f.Value ?? string.Empty };
        }
        var parsed = new DtlsParameters { Role = role, Fingerprints = fingerprints };
        s_lastDtlsParameters = parsed;
        return parsed;
    }

    private static bool SameFingerprints(in Fbs.DtlsParameters p, IReadOnlyList<DtlsFingerprint> known)
    {
        if (p.FingerprintsLength != known.Count) return false;
        for (int i = 0; i < known.Count; i++)
        {
            if (p.Fingerprints(i) is not { } f || FromFbs(f.Algorithm) != known[i].Algorithm) return false;
            var value = f.GetValueBytes() ?? default;
            if (!System.Text.Ascii.Equals(value.AsSpan(), known[i].Value)) return false;
        }
        return true;
    }

    public static IceState ParseIceState(Fbs.IceState state) => state switch
    {
        Fbs.IceState.NEW => IceState.New,
        Fbs.IceState.CONNECTED => IceState.Connected,
        Fbs.IceState.COMPLETED => IceState.Completed,
        _ => IceState.Disconnected,
    };

    public static DtlsState ParseDtlsState(Fbs.DtlsState state) => state switch
    {
        Fbs.DtlsState.NEW => DtlsState.New,
        Fbs.DtlsState.CONNECTING => DtlsState.Connecting,
        Fbs.DtlsState.CONNECTED => DtlsState.Connected,
        Fbs.DtlsState.FAILED => DtlsState.Failed,
        _ => DtlsState.Closed,
    };

    private static DtlsRole FromFbs(Fbs.DtlsRole role) => role switch
    {
        Fbs.DtlsRole.CLIENT => DtlsRole.Client,
        Fbs.DtlsRole.SERVER => DtlsRole.Server,
        _ => DtlsRole.Auto,
    };

    private static Fbs.DtlsRole ToFbs(DtlsRole role) => role switch
    {
        DtlsRole.Client => Fbs.DtlsRole.CLIENT,
        DtlsRole.Server => Fbs.DtlsRole.SERVER,
        _ => Fbs.DtlsRole.AUTO,
    };

    private static FingerprintAlgorithm FromFbs(Fbs.FingerprintAlgorithm algorithm) => algorithm switch
    {
        Fbs.FingerprintAlgorithm.SHA1 => FingerprintAlgorithm.Sha1,
        Fbs.FingerprintAlgorithm.SHA224 => FingerprintAlgorithm.Sha224,
        Fbs.FingerprintAlgorithm.SHA256 => FingerprintAlgorithm.Sha256,
        Fbs.FingerprintAlgorithm.SHA384 => FingerprintAlgorithm.Sha384,
        _ => FingerprintAlgorithm.Sha512,
    };

    private static Fbs.FingerprintAlgorithm ToFbs(FingerprintAlgorithm algorithm) => algorithm switch
    {
        FingerprintAlgorithm.Sha1 => Fbs.FingerprintAlgorithm.SHA1,
        FingerprintAlgorithm.Sha224 => Fbs.FingerprintAlgorithm.SHA224,
        FingerprintAlgorithm.Sha256 => Fbs.FingerprintAlgorithm.SHA256,
        FingerprintAlgorithm.Sha384 => Fbs.FingerprintAlgorithm.SHA384,
        _ => Fbs.FingerprintAlgorithm.SHA512,
    };
}
