using FBS.Request;
using ResponseBody = FBS.Response.BodyUnion;
using Wrt = FBS.WebRtcTransport;

namespace RxMediasoup.Testing;

// Transports: creation (ports, ICE/DTLS parameters), connect, dumps and stats, close cascades.
internal sealed partial class SimulatedEngine
{
    private ResponseBody CreateWebRtcTransport(SimRouter router, FBS.Router.CreateWebRtcTransportRequestT request)
    {
        var transport = new SimTransport(request.TransportId, router, SimTransportKind.WebRtc)
        {
            Options = TransportOptions(request.Options?.Base),
            UsernameFragment = NextSecret(32), // Utils::Crypto::GetRandomString(32), as the password
            Password = NextSecret(32),
        };
        var options = request.Options;
        var infos = options?.Listen?.AsListenIndividual()?.ListenInfos ?? [];
        if (options?.Listen?.Type == Wrt.Listen.ListenServer) ListenOnServer(transport, options);
        uint priority = 1076302079;
        foreach (var info in infos)
        {
            ushort port = Bind(info);
            transport.IceCandidates.Add(Candidate(string.IsNullOrEmpty(info.AnnouncedAddress) ? info.Ip : info.AnnouncedAddress));
            // exposeInternalIp: the listen IP as a second candidate after the announced one.
            if (info.ExposeInternalIp && !string.IsNullOrEmpty(info.AnnouncedAddress)) transport.IceCandidates.Add(Candidate(info.Ip));

            Wrt.IceCandidateT Candidate(string address) => new()
            {
                Foundation = info.Protocol == FBS.Transport.Protocol.UDP ? "udpcandidate" : "tcpcandidate",
                Priority = priority--,
                Address = address,
                Protocol = info.Protocol,
                Port = port,
                Type = Wrt.IceCandidateType.HOST,
                TcpType = info.Protocol == FBS.Transport.Protocol.TCP ? Wrt.IceCandidateTcpType.PASSIVE : null,
            };
        }
        Add(router, transport);
        return ResponseBody.FromWebRtcTransport_DumpResponse(WebRtcDump(transport));
    }

    private ResponseBody CreatePlainTransport(SimRouter router, FBS.Router.CreatePlainTransportRequestT request)
    {
        var options = request.Options;
        var info = options?.ListenInfo;
        bool rtcpMux = options?.RtcpMux ?? true;
        var transport = new SimTransport(request.TransportId, router, SimTransportKind.Plain)
        {
            Options = TransportOptions(options?.Base),
            RtcpMux = rtcpMux,
            Comedia = options?.Comedia ?? false,
            Tuple = LocalTuple(info),
            RtcpTuple = rtcpMux ? null : LocalTuple(options?.RtcpListenInfo ?? info),
        };
        EnableSrtp(transport, options);
        Add(router, transport);
        return ResponseBody.FromPlainTransport_DumpResponse(PlainDump(transport));
    }

    private FBS.Transport.TupleT LocalTuple(FBS.Transport.ListenInfoT? info) => new()
    {
        LocalAddress = string.IsNullOrEmpty(info?.AnnouncedAddress) ? info?.Ip ?? "127.0.0.1" : info.AnnouncedAddress,
        LocalPort = Bind(info),
        Protocol = info?.Protocol ?? FBS.Transport.Protocol.UDP,
    };

    private static FBS.PlainTransport.DumpResponseT PlainDump(SimTransport transport) => new()
    {
        Base = BaseDump(transport),
        RtcpMux = transport.RtcpMux,
        Comedia = transport.Comedia,
        Tuple = transport.Tuple,
        RtcpTuple = transport.RtcpTuple,
        SrtpParameters = transport.Srtp,
    };

    private ResponseBody CreateDirectTransport(SimRouter router, FBS.Router.CreateDirectTransportRequestT request)
    {
        var transport = new SimTransport(request.TransportId, router, SimTransportKind.Direct) { Options = TransportOptions(request.Options?.Base) };
        Add(router, transport);
        return ResponseBody.FromDirectTransport_DumpResponse(new FBS.DirectTransport.DumpResponseT { Base = BaseDump(transport) });
    }

    private void Add(SimRouter router, SimTransport transport)
    {
        Register(transport.Id, transport);
        router.Transports[transport.Id] = transport;
        transport.Ports.AddRange(TakePendingPorts());
    }

    private ResponseBody? AnswerTransport(SimTransport transport, RequestT request)
    {
        switch (request.Method)
        {
            case Method.TRANSPORT_DUMP:
                return transport.Kind switch
                {
                    SimTransportKind.WebRtc => ResponseBody.FromWebRtcTransport_DumpResponse(WebRtcDump(transport)),
                    SimTransportKind.Direct => ResponseBody.FromDirectTransport_DumpResponse(new FBS.DirectTransport.DumpResponseT { Base = BaseDump(transport) }),
                    SimTransportKind.Pipe => ResponseBody.FromPipeTransport_DumpResponse(PipeDump(transport)),
                    _ => ResponseBody.FromPlainTransport_DumpResponse(PlainDump(transport)),
                };
            case Method.TRANSPORT_GET_STATS:
                return transport.Kind switch
                {
                    SimTransportKind.WebRtc => ResponseBody.FromWebRtcTransport_GetStatsResponse(new Wrt.GetStatsResponseT
                    {
                        Base = BaseStats(transport),
                        IceRole = Wrt.IceRole.CONTROLLED,
                        IceState = Wrt.IceState.NEW,
                        DtlsState = Wrt.DtlsState.NEW,
                    }),
                    SimTransportKind.Pipe => PipeStats(transport),
                    SimTransportKind.Direct => ResponseBody.FromDirectTransport_GetStatsResponse(
                        new FBS.DirectTransport.GetStatsResponseT { Base = BaseStats(transport) }),
                    _ => ResponseBody.FromPlainTransport_GetStatsResponse(new FBS.PlainTransport.GetStatsResponseT
                    {
                        Base = BaseStats(transport),
                        RtcpMux = transport.RtcpMux,
                        Comedia = transport.Comedia,
                        Tuple = transport.Tuple,
                        RtcpTuple = transport.RtcpTuple,
                    }),
                };
            case Method.TRANSPORT_SET_MAX_INCOMING_BITRATE:
                transport.MaxIncomingBitrate = request.Body.AsTransport_SetMaxIncomingBitrateRequest().MaxIncomingBitrate;
                return null;
            case Method.TRANSPORT_SET_MAX_OUTGOING_BITRATE:
            {
                ulong bitrate = request.Body.AsTransport_SetMaxOutgoingBitrateRequest().MaxOutgoingBitrate;
                if (bitrate > 0 && bitrate < MinOutgoingBitrateLimit)
                    throw new SimulatedError($"bitrate must be >= {MinOutgoingBitrateLimit} bps", isTypeError: true);
                if (bitrate > 0 && transport.MinOutgoingBitrate > 0 && bitrate < transport.MinOutgoingBitrate)
                    throw new SimulatedError("maxOutgoingBitrate must be >= minOutgoingBitrate", isTypeError: true);
                transport.MaxOutgoingBitrate = bitrate;
                return null;
            }
            case Method.TRANSPORT_SET_MIN_OUTGOING_BITRATE:
            {
                ulong bitrate = request.Body.AsTransport_SetMinOutgoingBitrateRequest().MinOutgoingBitrate;
                if (bitrate > 0 && bitrate < MinOutgoingBitrateLimit)
                    throw new SimulatedError($"bitrate must be >= {MinOutgoingBitrateLimit} bps", isTypeError: true);
                if (bitrate > 0 && transport.MaxOutgoingBitrate > 0 && bitrate > transport.MaxOutgoingBitrate)
                    throw new SimulatedError("minOutgoingBitrate must be <= maxOutgoingBitrate", isTypeError: true);
                transport.MinOutgoingBitrate = bitrate;
                return null;
            }
            case Method.TRANSPORT_ENABLE_TRACE_EVENT:
                transport.TraceEventTypes = [.. (request.Body.AsTransport_EnableTraceEventRequest().Events ?? []).Distinct().Order()];
                return null;
            case Method.TRANSPORT_RESTART_ICE when transport.Kind == SimTransportKind.WebRtc:
                transport.OldUsernameFragment = transport.UsernameFragment;
                transport.UsernameFragment = NextSecret(32);
                transport.Password = NextSecret(32);
                return ResponseBody.FromTransport_RestartIceResponse(new FBS.Transport.RestartIceResponseT
                {
                    UsernameFragment = transport.UsernameFragment, Password = transport.Password, IceLite = true,
                });
            case Method.WEBRTCTRANSPORT_CONNECT:
            {
                if (transport.Connected) throw new SimulatedError("connect() already called");
                var remote = request.Body.AsWebRtcTransport_ConnectRequest().DtlsParameters;
                // As WebRtcTransport.cpp: a remote "client" makes us "server"; "server" or "auto" makes us "client" (we are ICE controlled).
                transport.DtlsRole = remote?.Role == Wrt.DtlsRole.CLIENT ? Wrt.DtlsRole.SERVER : Wrt.DtlsRole.CLIENT;
                transport.Connected = true;
                return ResponseBody.FromWebRtcTransport_ConnectResponse(new Wrt.ConnectResponseT { DtlsLocalRole = transport.DtlsRole });
            }
            case Method.TRANSPORT_CONNECT: // no transport of 3.27.1 handles it: Transport::HandleRequest's default
                throw new SimulatedError($"unknown method '{SimulatedMethods.Name(request.Method)}'");
            case Method.PIPETRANSPORT_CONNECT when transport.Kind == SimTransportKind.Pipe:
                return PipeConnect(transport, request.Body.AsPipeTransport_ConnectRequest());
            case Method.PLAINTRANSPORT_CONNECT when transport.Kind == SimTransportKind.Plain:
                return PlainConnect(transport, request.Body.AsPlainTransport_ConnectRequest());
            case Method.TRANSPORT_PRODUCE:
                return Produce(transport, request.Body.AsTransport_ProduceRequest());
            case Method.TRANSPORT_CONSUME:
                return Consume(transport, request.Body.AsTransport_ConsumeRequest());
            case Method.TRANSPORT_CLOSE_PRODUCER:
            {
                string id = request.Body.AsTransport_CloseProducerRequest().ProducerId;
                if (!transport.Producers.TryGetValue(id, out var producer)) throw new SimulatedError("Producer not found");
                CloseProducer(producer);
                return null;
            }
            case Method.TRANSPORT_PRODUCE_DATA or Method.TRANSPORT_CONSUME_DATA or Method.TRANSPORT_CLOSE_DATAPRODUCER
                or Method.TRANSPORT_CLOSE_DATACONSUMER:
                return AnswerTransportData(transport, request);
            case Method.TRANSPORT_CLOSE_CONSUMER:
            {
                string id = request.Body.AsTransport_CloseConsumerRequest().ConsumerId;
                if (!transport.Consumers.TryGetValue(id, out var consumer)) throw new SimulatedError("Consumer not found");
                CloseConsumer(consumer);
                return null;
            }
            default:
                throw NotSimulated(request.Method);
        }
    }

    /// <summary>Closes a transport as the worker does: its producers (their consumers elsewhere hear producerclose) and consumers.</summary>
    private void CloseTransport(SimTransport transport)
    {
        foreach (var producer in transport.Producers.Values.ToList()) CloseProducer(producer);
        foreach (var consumer in transport.Consumers.Values.ToList()) CloseConsumer(consumer);
        CloseData(transport);
        transport.Server?.Transports.Remove(transport);
        transport.Router.Transports.Remove(transport.Id);
        _handlers.Remove(transport.Id);
        Release(transport.Ports);
    }

    private Wrt.DumpResponseT WebRtcDump(SimTransport transport) => new()
    {
        Base = BaseDump(transport),
        IceRole = Wrt.IceRole.CONTROLLED,
        IceParameters = new Wrt.IceParametersT { UsernameFragment = transport.UsernameFragment, Password = transport.Password, IceLite = true },
        IceCandidates = transport.IceCandidates,
        IceState = Wrt.IceState.NEW,
        DtlsParameters = new Wrt.DtlsParametersT
        {
            Role = transport.DtlsRole,
            // The worker offers its certificate's fingerprint in every algorithm it knows.
            Fingerprints = [.. Enum.GetValues<Wrt.FingerprintAlgorithm>().Select(a => new Wrt.FingerprintT { Algorithm = a, Value = Fingerprint(transport.Id, a) })],
        },
        DtlsState = Wrt.DtlsState.NEW,
    };

    /// <summary>A deterministic fingerprint of the algorithm's length (the simulated certificate is the transport id).</summary>
    private static string Fingerprint(string seed, Wrt.FingerprintAlgorithm algorithm)
    {
        byte[] data = System.Text.Encoding.UTF8.GetBytes(seed);
        byte[] hash = algorithm switch
        {
            Wrt.FingerprintAlgorithm.SHA1 => System.Security.Cryptography.SHA1.HashData(data),
            Wrt.FingerprintAlgorithm.SHA224 => System.Security.Cryptography.SHA256.HashData(data)[..28],
            Wrt.FingerprintAlgorithm.SHA384 => System.Security.Cryptography.SHA384.HashData(data),
            Wrt.FingerprintAlgorithm.SHA512 => System.Security.Cryptography.SHA512.HashData(data),
            _ => System.Security.Cryptography.SHA256.HashData(data),
        };
        return string.Join(':', hash.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>A transport's stats: no media flows in the simulation, so every counter is zero; the time is the scheduler's.</summary>
    private FBS.Transport.StatsT BaseStats(SimTransport transport) => new()
    {
        TransportId = transport.Id,
        Timestamp = (ulong)(backend.Scheduler.Now.UtcTicks / TimeSpan.TicksPerMillisecond), // a monotonic ms clock, as DepLibUV::GetTimeMs
        SctpState = transport.Options.EnableSctp ? FBS.SctpAssociation.SctpState.NEW : null,
        MaxIncomingBitrate = transport.MaxIncomingBitrate > 0 ? transport.MaxIncomingBitrate : null,
        MaxOutgoingBitrate = transport.MaxOutgoingBitrate > 0 ? transport.MaxOutgoingBitrate : null,
        MinOutgoingBitrate = transport.MinOutgoingBitrate > 0 ? transport.MinOutgoingBitrate : null,
    };

    /// <summary>RTC::TransportCongestionControlMinOutgoingBitrate: the lowest outgoing bitrate limit the worker accepts.</summary>
    private const ulong MinOutgoingBitrateLimit = 30000;

    private static FBS.Transport.DumpT BaseDump(SimTransport transport) => new()
    {
        Id = transport.Id,
        Direct = transport.Kind == SimTransportKind.Direct,
        ProducerIds = [.. transport.Producers.Keys],
        ConsumerIds = [.. transport.Consumers.Keys],
        MapSsrcConsumerId = [.. transport.ConsumerSsrcs.Select(e => new FBS.Common.Uint32StringT { Key = e.Key, Value = e.Value })],
        MapRtxSsrcConsumerId = [.. transport.ConsumerRtxSsrcs.Select(e => new FBS.Common.Uint32StringT { Key = e.Key, Value = e.Value })],
        DataProducerIds = [.. transport.DataProducers.Keys],
        DataConsumerIds = [.. transport.DataConsumers.Keys],
        RecvRtpHeaderExtensions = transport.RecvHeaderExtensions,
        RtpListener = new FBS.Transport.RtpListenerT
        {
            SsrcTable = [.. transport.SsrcTable.Select(e => new FBS.Common.Uint32StringT { Key = e.Key, Value = e.Value })],
            MidTable = [.. transport.MidTable.Select(e => new FBS.Common.StringStringT { Key = e.Key, Value = e.Value })],
            RidTable = [.. transport.RidTable.Select(e => new FBS.Common.StringStringT { Key = e.Key, Value = e.Value })],
        },
        MaxSendMessageSize = transport.Options.MaxSendMessageSize,
        MaxReceiveMessageSize = transport.Options.MaxReceiveMessageSize,
        TraceEventTypes = transport.TraceEventTypes,
        SctpParameters = SctpParameters(transport),
        SctpState = transport.Options.EnableSctp ? FBS.SctpAssociation.SctpState.NEW : null,
        SctpNegotiatedCapabilities = transport.Options.EnableSctp ? new FBS.SctpAssociation.SctpNegotiatedCapabilitiesT() : null,
        SctpListener = transport.Options.EnableSctp ? SctpListener(transport) : null,
    };
}
