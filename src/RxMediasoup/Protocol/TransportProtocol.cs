using Google.FlatBuffers;
using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Event = FBS.Notification.Event;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>
/// Requests, responses and notifications common to every transport, and the mappings transports share
/// (listen infos, tuples, SCTP and SRTP parameters). Named after the base <see cref="Transport"/> class
/// (<c>TransportProtocol</c> is the udp/tcp model enum).
/// </summary>
internal static class BaseTransportProtocol
{
    public static Task CloseAsync(WorkerChannel channel, string routerId, string transportId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.ROUTER_CLOSE_TRANSPORT, routerId, FBS.Request.Body.Router_CloseTransportRequest, transportId,
            static (b, id) => FBS.Router.CloseTransportRequest.CreateCloseTransportRequest(b, b.CreateString(id)).Value,
            Accepted, cancellationToken);

    public static Task<T> RequestAsync<T>(WorkerChannel channel, Method method, string transportId, ResponseParser<T> parse,
        CancellationToken cancellationToken)
        => channel.RequestAsync(method, transportId, parse, cancellationToken);

    public static Task SetMaxIncomingBitrateAsync(WorkerChannel channel, string transportId, uint bitrate, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_SET_MAX_INCOMING_BITRATE, transportId, FBS.Request.Body.Transport_SetMaxIncomingBitrateRequest,
            bitrate, static (b, v) => FBS.Transport.SetMaxIncomingBitrateRequest.CreateSetMaxIncomingBitrateRequest(b, v).Value,
            Accepted, cancellationToken);

    public static Task SetMaxOutgoingBitrateAsync(WorkerChannel channel, string transportId, uint bitrate, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_SET_MAX_OUTGOING_BITRATE, transportId, FBS.Request.Body.Transport_SetMaxOutgoingBitrateRequest,
            bitrate, static (b, v) => FBS.Transport.SetMaxOutgoingBitrateRequest.CreateSetMaxOutgoingBitrateRequest(b, v).Value,
            Accepted, cancellationToken);

    public static Task SetMinOutgoingBitrateAsync(WorkerChannel channel, string transportId, uint bitrate, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_SET_MIN_OUTGOING_BITRATE, transportId, FBS.Request.Body.Transport_SetMinOutgoingBitrateRequest,
            bitrate, static (b, v) => FBS.Transport.SetMinOutgoingBitrateRequest.CreateSetMinOutgoingBitrateRequest(b, v).Value,
            Accepted, cancellationToken);

    public static Task EnableTraceEventAsync(WorkerChannel channel, string transportId, IReadOnlyList<TransportTraceEventType> types,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_ENABLE_TRACE_EVENT, transportId, FBS.Request.Body.Transport_EnableTraceEventRequest,
            types, static (b, t) =>
            {
                var events = new FBS.Transport.TraceEventType[t.Count];
                for (int i = 0; i < t.Count; i++)
                    events[i] = t[i] == TransportTraceEventType.Bwe ? FBS.Transport.TraceEventType.BWE : FBS.Transport.TraceEventType.PROBATION;
                var vector = FBS.Transport.EnableTraceEventRequest.CreateEventsVector(b, events);
                return FBS.Transport.EnableTraceEventRequest.CreateEnableTraceEventRequest(b, vector).Value;
            },
            Accepted, cancellationToken);

    // ---------------------------------------------------------------------------------------------
    // Create options
    // ---------------------------------------------------------------------------------------------

    public static FBS.Transport.ListenInfoT ToFbs(ListenInfo info) => new()
    {
        Protocol = ToFbs(info.Protocol),
        Ip = info.Ip,
        AnnouncedAddress = info.AnnouncedAddress,
        ExposeInternalIp = info.ExposeInternalIp,
        Port = (ushort)(info.Port ?? 0),
        PortRange = new FBS.Transport.PortRangeT
        {
            Min = (ushort)(info.PortRange?.Min ?? 0),
            Max = (ushort)(info.PortRange?.Max ?? 0),
        },
        Flags = new FBS.Transport.SocketFlagsT
        {
            Ipv6Only = info.Flags?.Ipv6Only ?? false,
            UdpReusePort = info.Flags?.UdpReusePort ?? false,
        },
        SendBufferSize = (uint)(info.SendBufferSize ?? 0),
        RecvBufferSize = (uint)(info.RecvBufferSize ?? 0),
    };

    public static List<FBS.Transport.ListenInfoT> ToFbs(IEnumerable<ListenInfo> infos) => infos.Select(ToFbs).ToList();

    public static FBS.Transport.OptionsT Options(bool enableSctp, SctpOptions sctp, bool isDataChannel, uint? initialAvailableOutgoingBitrate = null)
        => new()
        {
            Direct = false,
            InitialAvailableOutgoingBitrate = initialAvailableOutgoingBitrate,
            EnableSctp = enableSctp,
            MaxSendMessageSize = (uint)sctp.MaxSendMessageSize,
            MaxReceiveMessageSize = (uint)sctp.MaxReceiveMessageSize,
            SctpSendBufferSize = (uint)sctp.SendBufferSize,
            SctpPerStreamSendQueueLimit = (uint)sctp.PerStreamSendQueueLimit,
            SctpMaxReceiverWindowBufferSize = (uint)sctp.MaxReceiverWindowBufferSize,
            IsDataChannel = isDataChannel,
        };

    /// <summary>The SCTP-related create options shared by WebRTC, plain and pipe transports.</summary>
    public readonly record struct SctpOptions(int MaxSendMessageSize, int MaxReceiveMessageSize, int SendBufferSize,
        int PerStreamSendQueueLimit, int MaxReceiverWindowBufferSize);

    public static FBS.Transport.Protocol ToFbs(TransportProtocol protocol)
        => protocol == TransportProtocol.Tcp ? FBS.Transport.Protocol.TCP : FBS.Transport.Protocol.UDP;

    public static TransportProtocol FromFbs(FBS.Transport.Protocol protocol)
        => protocol == FBS.Transport.Protocol.TCP ? TransportProtocol.Tcp : TransportProtocol.Udp;

    // ---------------------------------------------------------------------------------------------
    // Shared parsing
    // ---------------------------------------------------------------------------------------------

    public static TransportTuple ParseTuple(in FBS.Transport.Tuple t)
    {
        string? remoteIp = t.RemoteIp;
        return new TransportTuple
        {
            LocalAddress = t.LocalAddress ?? string.Empty,
            LocalPort = t.LocalPort,
            RemoteIp = string.IsNullOrEmpty(remoteIp) ? null : remoteIp,
            RemotePort = string.IsNullOrEmpty(remoteIp) && t.RemotePort == 0 ? null : t.RemotePort,
            Protocol = FromFbs(t.Protocol),
        };
    }

    public static TransportTuple? ParseTuple(FBS.Transport.Tuple? t) => t is { } v ? ParseTuple(v) : null;

    public static SctpParameters ParseSctpParameters(in FBS.SctpParameters.SctpParameters p) => new()
    {
        Port = p.Port,
        MaxSendMessageSize = (int)p.MaxSendMessageSize,
        MaxReceiveMessageSize = (int)p.MaxReceiveMessageSize,
        SendBufferSize = (int)p.SendBufferSize,
        PerStreamSendQueueLimit = (int)p.PerStreamSendQueueLimit,
        MaxReceiverWindowBufferSize = (int)p.MaxReceiverWindowBufferSize,
        IsDataChannel = p.IsDataChannel,
        OutgoingStreams = 65535,
        MaxIncomingStreams = 65535,
        MaxMessageSize = (int)p.MaxReceiveMessageSize,
    };

    public static SctpState ParseSctpState(FBS.SctpAssociation.SctpState state) => state switch
    {
        FBS.SctpAssociation.SctpState.NEW => SctpState.New,
        FBS.SctpAssociation.SctpState.CONNECTING => SctpState.Connecting,
        FBS.SctpAssociation.SctpState.CONNECTED => SctpState.Connected,
        FBS.SctpAssociation.SctpState.FAILED => SctpState.Failed,
        _ => SctpState.Closed,
    };

    public static SctpNegotiatedCapabilities ParseSctpNegotiatedCapabilities(in FBS.SctpAssociation.SctpNegotiatedCapabilities c) => new()
    {
        NegotiatedMaxOutboundStreams = c.NegotiatedMaxOutboundStreams,
        NegotiatedMaxInboundStreams = c.NegotiatedMaxInboundStreams,
    };

    public static SrtpParameters ParseSrtpParameters(in FBS.SrtpParameters.SrtpParameters p) => new()
    {
        CryptoSuite = FromFbs(p.CryptoSuite),
        KeyBase64 = p.KeyBase64 ?? string.Empty,
    };

    public static SrtpCryptoSuite FromFbs(FBS.SrtpParameters.SrtpCryptoSuite suite) => suite switch
    {
        FBS.SrtpParameters.SrtpCryptoSuite.AEAD_AES_256_GCM => SrtpCryptoSuite.AeadAes256Gcm,
        FBS.SrtpParameters.SrtpCryptoSuite.AEAD_AES_128_GCM => SrtpCryptoSuite.AeadAes128Gcm,
        FBS.SrtpParameters.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32 => SrtpCryptoSuite.AesCm128HmacSha1_32,
        _ => SrtpCryptoSuite.AesCm128HmacSha1_80,
    };

    public static FBS.SrtpParameters.SrtpCryptoSuite ToFbs(SrtpCryptoSuite suite) => suite switch
    {
        SrtpCryptoSuite.AeadAes256Gcm => FBS.SrtpParameters.SrtpCryptoSuite.AEAD_AES_256_GCM,
        SrtpCryptoSuite.AeadAes128Gcm => FBS.SrtpParameters.SrtpCryptoSuite.AEAD_AES_128_GCM,
        SrtpCryptoSuite.AesCm128HmacSha1_80 => FBS.SrtpParameters.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_80,
        SrtpCryptoSuite.AesCm128HmacSha1_32 => FBS.SrtpParameters.SrtpCryptoSuite.AES_CM_128_HMAC_SHA1_32,
        _ => throw new ArgumentOutOfRangeException(nameof(suite), suite, $"invalid srtpParameters.cryptoSuite: {suite}"),
    };

    public static Offset<FBS.SrtpParameters.SrtpParameters> WriteSrtpParameters(FlatBufferBuilder b, SrtpParameters p)
    {
        var key = b.CreateString(p.KeyBase64);
        return FBS.SrtpParameters.SrtpParameters.CreateSrtpParameters(b, ToFbs(p.CryptoSuite), key);
    }

    /// <summary>Checks SRTP parameters given to a connect (mediasoup checks the same in the worker, as TypeError).</summary>
    public static void ValidateSrtpParameters(SrtpParameters p, string field)
    {
        if (!Enum.IsDefined(p.CryptoSuite))
            throw new ArgumentOutOfRangeException(field, p.CryptoSuite, $"invalid {field}.cryptoSuite: {p.CryptoSuite}");
        if (string.IsNullOrEmpty(p.KeyBase64))
            throw new ArgumentException($"missing {field}.keyBase64", field);
        if (!IsBase64(p.KeyBase64))
            throw new ArgumentException(
                $"invalid {field}.keyBase64 (SrtpParameters.KeyBase64): not valid Base64", field);
    }

    private static bool IsBase64(string value)
    {
        var bytes = value.Length <= 1024 ? stackalloc byte[value.Length] : new byte[value.Length];
        return Convert.TryFromBase64String(value, bytes, out _);
    }

    public static TransportDump ParseBaseDump(FBS.Transport.Dump d)
    {
        var headers = Required(d.RecvRtpHeaderExtensions, "recvRtpHeaderExtensions");
        var listener = Required(d.RtpListener, "rtpListener");
        var types = new TransportTraceEventType[d.TraceEventTypesLength];
        for (int i = 0; i < types.Length; i++)
            types[i] = d.TraceEventTypes(i) == FBS.Transport.TraceEventType.BWE ? TransportTraceEventType.Bwe : TransportTraceEventType.Probation;
        Dictionary<int, string>? sctpListener = null;
        if (d.SctpListener is { } sl)
        {
            sctpListener = [];
            for (int i = 0; i < sl.StreamIdTableLength; i++)
                if (sl.StreamIdTable(i) is { } e) sctpListener[e.Key] = e.Value ?? string.Empty;
        }
        return new TransportDump
        {
            Id = d.Id ?? string.Empty,
            ProducerIds = Strings(d.ProducerIdsLength, d.ProducerIds),
            ConsumerIds = Strings(d.ConsumerIdsLength, d.ConsumerIds),
            MapSsrcConsumerId = Uint32Strings(d.MapSsrcConsumerIdLength, i => d.MapSsrcConsumerId(i)),
            MapRtxSsrcConsumerId = Uint32Strings(d.MapRtxSsrcConsumerIdLength, i => d.MapRtxSsrcConsumerId(i)),
            DataProducerIds = Strings(d.DataProducerIdsLength, d.DataProducerIds),
            DataConsumerIds = Strings(d.DataConsumerIdsLength, d.DataConsumerIds),
            RecvRtpHeaderExtensions = new RecvRtpHeaderExtensions
            {
                Mid = headers.Mid,
                Rid = headers.Rid,
                Rrid = headers.Rrid,
                AbsSendTime = headers.AbsSendTime,
                TransportWideCc01 = headers.TransportWideCc01,
            },
            RtpListener = new RtpListenerDump
            {
                SsrcTable = Uint32Strings(listener.SsrcTableLength, i => listener.SsrcTable(i)),
                MidTable = StringPairs(listener.MidTableLength, i => listener.MidTable(i)),
                RidTable = StringPairs(listener.RidTableLength, i => listener.RidTable(i)),
            },
            MaxSendMessageSize = d.MaxSendMessageSize,
            MaxReceiveMessageSize = d.MaxReceiveMessageSize,
            SctpParameters = d.SctpParameters is { } sp ? ParseSctpParameters(sp) : null,
            SctpState = d.SctpState is { } ss ? ParseSctpState(ss) : null,
            SctpNegotiatedCapabilities = d.SctpNegotiatedCapabilities is { } nc ? ParseSctpNegotiatedCapabilities(nc) : null,
            SctpListener = sctpListener,
            TraceEventTypes = types,
        };
    }

    public static TransportStats ParseBaseStats(in FBS.Transport.Stats s, string type) => new()
    {
        Type = type,
        TransportId = s.TransportId ?? string.Empty,
        Timestamp = (long)s.Timestamp,
        SctpState = s.SctpState is { } ss ? ParseSctpState(ss) : null,
        BytesReceived = (long)s.BytesReceived,
        RecvBitrate = s.RecvBitrate,
        BytesSent = (long)s.BytesSent,
        SendBitrate = s.SendBitrate,
        RtpBytesReceived = (long)s.RtpBytesReceived,
        RtpRecvBitrate = s.RtpRecvBitrate,
        RtpBytesSent = (long)s.RtpBytesSent,
        RtpSendBitrate = s.RtpSendBitrate,
        RtxBytesReceived = (long)s.RtxBytesReceived,
        RtxRecvBitrate = s.RtxRecvBitrate,
        RtxBytesSent = (long)s.RtxBytesSent,
        RtxSendBitrate = s.RtxSendBitrate,
        ProbationBytesSent = (long)s.ProbationBytesSent,
        ProbationSendBitrate = s.ProbationSendBitrate,
        AvailableOutgoingBitrate = s.AvailableOutgoingBitrate,
        AvailableIncomingBitrate = s.AvailableIncomingBitrate,
        MaxIncomingBitrate = s.MaxIncomingBitrate,
        MaxOutgoingBitrate = s.MaxOutgoingBitrate,
        MinOutgoingBitrate = s.MinOutgoingBitrate,
        RtpPacketLossReceived = s.RtpPacketLossReceived,
        RtpPacketLossSent = s.RtpPacketLossSent,
    };

    private static Dictionary<uint, string> Uint32Strings(int length, Func<int, FBS.Common.Uint32String?> item)
    {
        var result = new Dictionary<uint, string>(length);
        for (int i = 0; i < length; i++)
            if (item(i) is { } e) result[e.Key] = e.Value ?? string.Empty;
        return result;
    }

    public static TransportTraceEvent ParseTrace(in FBS.Transport.TraceNotification n)
    {
        BweTraceInfo? info = null;
        if (n.InfoType == FBS.Transport.TraceInfo.BweTraceInfo && n.Info<FBS.Transport.BweTraceInfo>() is { } bwe)
        {
            info = new BweTraceInfo
            {
                BweType = bwe.BweType == FBS.Transport.BweType.TRANSPORT_CC ? BweType.TransportCc : BweType.Remb,
                DesiredBitrate = bwe.DesiredBitrate,
                EffectiveDesiredBitrate = bwe.EffectiveDesiredBitrate,
                MinBitrate = bwe.MinBitrate,
                MaxBitrate = bwe.MaxBitrate,
                StartBitrate = bwe.StartBitrate,
                MaxPaddingBitrate = bwe.MaxPaddingBitrate,
                AvailableBitrate = bwe.AvailableBitrate,
            };
        }
        return new TransportTraceEvent
        {
            Type = n.Type == FBS.Transport.TraceEventType.BWE ? TransportTraceEventType.Bwe : TransportTraceEventType.Probation,
            Timestamp = (long)n.Timestamp,
            Direction = n.Direction == FBS.Common.TraceDirection.DIRECTION_IN ? TraceDirection.In : TraceDirection.Out,
            Info = info,
        };
    }
}

/// <summary>
/// Routes a transport's notifications (handler id: the transport id) to the <see cref="Transport"/> as model
/// values, through an <see cref="EntityNotificationSink{T}"/>: registered before the create request is sent,
/// whatever the worker says before the transport object exists is kept, in order, and delivered when it is attached.
/// </summary>
internal static class TransportNotifications
{
    /// <summary>A new sink for one transport.</summary>
    public static EntityNotificationSink<Transport> CreateSink() => new(Parse);

    private static Action<Transport>? Parse(Event @event, in FBS.Notification.Notification n)
    {
        switch (@event)
        {
            case Event.TRANSPORT_TRACE:
            {
                var trace = BaseTransportProtocol.ParseTrace(n.BodyAsTransport_TraceNotification());
                return t => t.OnTraceNotification(trace);
            }
            case Event.TRANSPORT_SCTP_STATE_CHANGE:
            {
                var state = BaseTransportProtocol.ParseSctpState(n.BodyAsTransport_SctpStateChangeNotification().SctpState);
                return t => t.OnSctpStateChange(state);
            }
            case Event.TRANSPORT_SCTP_NEGOTIATED_CAPABILITIES:
            {
                var body = n.BodyAsTransport_SctpNegotiatedCapabilitiesNotification();
                if (body.NegotiatedCapabilities is not { } c) return null;
                var caps = BaseTransportProtocol.ParseSctpNegotiatedCapabilities(c);
                return t => t.OnSctpNegotiatedCapabilities(caps);
            }
            case Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE:
            {
                var state = WebRtcTransportProtocol.ParseIceState(n.BodyAsWebRtcTransport_IceStateChangeNotification().IceState);
                return t => t.OnIceStateChange(state);
            }
            case Event.WEBRTCTRANSPORT_ICE_SELECTED_TUPLE_CHANGE:
            {
                var body = n.BodyAsWebRtcTransport_IceSelectedTupleChangeNotification();
                if (body.Tuple is not { } tuple) return null;
                var parsed = BaseTransportProtocol.ParseTuple(tuple);
                return t => t.OnIceSelectedTupleChange(parsed);
            }
            case Event.WEBRTCTRANSPORT_DTLS_STATE_CHANGE:
            {
                var body = n.BodyAsWebRtcTransport_DtlsStateChangeNotification();
                var state = WebRtcTransportProtocol.ParseDtlsState(body.DtlsState);
                string? cert = body.RemoteCert;
                return t => t.OnDtlsStateChange(state, cert);
            }
            case Event.PLAINTRANSPORT_TUPLE:
            {
                if (n.BodyAsPlainTransport_TupleNotification().Tuple is not { } tuple) return null;
                var parsed = BaseTransportProtocol.ParseTuple(tuple);
                return t => t.OnTupleChange(parsed);
            }
            case Event.PLAINTRANSPORT_RTCP_TUPLE:
            {
                if (n.BodyAsPlainTransport_RtcpTupleNotification().Tuple is not { } tuple) return null;
                var parsed = BaseTransportProtocol.ParseTuple(tuple);
                return t => t.OnRtcpTupleChange(parsed);
            }
            case Event.DIRECTTRANSPORT_RTCP:
            {
                // The payload lives in the channel's receive buffer: copy it, the subscriber may keep it.
                var packet = n.BodyAsDirectTransport_RtcpNotification().GetDataArray() ?? [];
                return t => t.OnRtcp(packet);
            }
            default:
                return null;
        }
    }
}
