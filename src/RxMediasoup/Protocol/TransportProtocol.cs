using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>
/// Requests, responses and notifications common to every transport, and the mappings transports share
/// (listen infos, tuples, SCTP state, dumps, stats, trace events; SRTP and SCTP parameters have their own
/// <see cref="SrtpParametersProtocol"/> and <see cref="SctpParametersProtocol"/>). Named after the base transport class
/// (<c>TransportProtocol</c> is the udp/tcp model enum).
/// </summary>
internal static class BaseTransportProtocol
{
    public static Task CloseAsync(WorkerChannel channel, string routerId, string transportId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.ROUTER_CLOSE_TRANSPORT, routerId, FBS.Request.Body.Router_CloseTransportRequest, transportId,
            static (b, id) => FBS.Router.CloseTransportRequest.CreateCloseTransportRequest(b, id).Value, cancellationToken);

    public static Task SetMaxIncomingBitrateAsync(WorkerChannel channel, string transportId, ulong bitrate, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_SET_MAX_INCOMING_BITRATE, transportId, FBS.Request.Body.Transport_SetMaxIncomingBitrateRequest,
            bitrate, static (b, v) => FBS.Transport.SetMaxIncomingBitrateRequest.CreateSetMaxIncomingBitrateRequest(b, v).Value,
            Accepted, cancellationToken);

    public static Task SetMaxOutgoingBitrateAsync(WorkerChannel channel, string transportId, ulong bitrate, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_SET_MAX_OUTGOING_BITRATE, transportId, FBS.Request.Body.Transport_SetMaxOutgoingBitrateRequest,
            bitrate, static (b, v) => FBS.Transport.SetMaxOutgoingBitrateRequest.CreateSetMaxOutgoingBitrateRequest(b, v).Value,
            Accepted, cancellationToken);

    public static Task SetMinOutgoingBitrateAsync(WorkerChannel channel, string transportId, ulong bitrate, CancellationToken cancellationToken)
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

    /// <summary>The base create options of a WebRTC, plain or pipe transport (SCTP settings from <paramref name="options"/>).</summary>
    public static FBS.Transport.OptionsT Options(SctpTransportOptions options, bool isDataChannel, ulong? initialAvailableOutgoingBitrate = null)
        => new()
        {
            Direct = false,
            InitialAvailableOutgoingBitrate = initialAvailableOutgoingBitrate,
            EnableSctp = options.EnableSctp,
            MaxSendMessageSize = (uint)options.MaxSendMessageSize,
            MaxReceiveMessageSize = (uint)options.MaxReceiveMessageSize,
            SctpSendBufferSize = (uint)options.SctpSendBufferSize,
            SctpPerStreamSendQueueLimit = (uint)options.SctpPerStreamSendQueueLimit,
            SctpMaxReceiverWindowBufferSize = (uint)options.SctpMaxReceiverWindowBufferSize,
            SctpDefaultStreamBufferedAmountLowThreshold = (uint)options.SctpDefaultStreamBufferedAmountLowThreshold,
            IsDataChannel = isDataChannel,
        };

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
            ProducerIds = Strings(d, d.ProducerIdsLength, static (t, i) => t.ProducerIds(i)),
            ConsumerIds = Strings(d, d.ConsumerIdsLength, static (t, i) => t.ConsumerIds(i)),
            MapSsrcConsumerId = Uint32Strings(d, d.MapSsrcConsumerIdLength, static (t, i) => t.MapSsrcConsumerId(i)),
            MapRtxSsrcConsumerId = Uint32Strings(d, d.MapRtxSsrcConsumerIdLength, static (t, i) => t.MapRtxSsrcConsumerId(i)),
            DataProducerIds = Strings(d, d.DataProducerIdsLength, static (t, i) => t.DataProducerIds(i)),
            DataConsumerIds = Strings(d, d.DataConsumerIdsLength, static (t, i) => t.DataConsumerIds(i)),
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
                SsrcTable = Uint32Strings(listener, listener.SsrcTableLength, static (t, i) => t.SsrcTable(i)),
                MidTable = StringPairs(listener, listener.MidTableLength, static (t, i) => t.MidTable(i)),
                RidTable = StringPairs(listener, listener.RidTableLength, static (t, i) => t.RidTable(i)),
            },
            MaxSendMessageSize = d.MaxSendMessageSize,
            MaxReceiveMessageSize = d.MaxReceiveMessageSize,
            SctpParameters = d.SctpParameters is { } sp ? SctpParametersProtocol.ParseSctpParameters(sp) : null,
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
        RecvBitrate = (long)s.RecvBitrate,
        BytesSent = (long)s.BytesSent,
        SendBitrate = (long)s.SendBitrate,
        RtpBytesReceived = (long)s.RtpBytesReceived,
        RtpRecvBitrate = (long)s.RtpRecvBitrate,
        RtpBytesSent = (long)s.RtpBytesSent,
        RtpSendBitrate = (long)s.RtpSendBitrate,
        RtxBytesReceived = (long)s.RtxBytesReceived,
        RtxRecvBitrate = (long)s.RtxRecvBitrate,
        RtxBytesSent = (long)s.RtxBytesSent,
        RtxSendBitrate = (long)s.RtxSendBitrate,
        ProbationBytesSent = (long)s.ProbationBytesSent,
        ProbationSendBitrate = (long)s.ProbationSendBitrate,
        AvailableOutgoingBitrate = (long?)s.AvailableOutgoingBitrate,
        AvailableIncomingBitrate = (long?)s.AvailableIncomingBitrate,
        MaxIncomingBitrate = (long?)s.MaxIncomingBitrate,
        MaxOutgoingBitrate = (long?)s.MaxOutgoingBitrate,
        MinOutgoingBitrate = (long?)s.MinOutgoingBitrate,
        RtpPacketLossReceived = s.RtpPacketLossReceived,
        RtpPacketLossSent = s.RtpPacketLossSent,
    };

    /// <summary>A vector of uint → string pairs of <paramref name="table"/> (the shared empty dictionary when empty, as for a new transport).</summary>
    private static IReadOnlyDictionary<uint, string> Uint32Strings<TTable>(TTable table, int length, Func<TTable, int, FBS.Common.Uint32String?> item)
    {
        if (length == 0) return System.Collections.ObjectModel.ReadOnlyDictionary<uint, string>.Empty;
        var result = new Dictionary<uint, string>(length);
        for (int i = 0; i < length; i++)
            if (item(table, i) is { } e) result[e.Key] = e.Value ?? string.Empty;
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
                DesiredBitrate = (long)bwe.DesiredBitrate,
                EffectiveDesiredBitrate = (long)bwe.EffectiveDesiredBitrate,
                MinBitrate = (long)bwe.MinBitrate,
                MaxBitrate = (long)bwe.MaxBitrate,
                StartBitrate = (long)bwe.StartBitrate,
                MaxPaddingBitrate = (long)bwe.MaxPaddingBitrate,
                AvailableBitrate = (long)bwe.AvailableBitrate,
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
/// A transport type's dump and stats requests: the same requests for every type, answered with the type's own bodies,
/// which <paramref name="parseDump"/> and <paramref name="parseStats"/> read.
/// </summary>
internal sealed class TransportResponses(ResponseParser<TransportDump> parseDump, ResponseParser<TransportStats> parseStats)
{
    public Task<TransportDump> DumpAsync(WorkerChannel channel, string transportId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_DUMP, transportId, parseDump, cancellationToken);

    public Task<TransportStats> GetStatsAsync(WorkerChannel channel, string transportId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_GET_STATS, transportId, parseStats, cancellationToken);
}
