using System.Runtime.InteropServices;
using Google.FlatBuffers;
using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using FbsProducer = FBS.Producer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Everything a TRANSPORT_PRODUCE request carries (mediasoup's <c>createProduceRequest</c>).</summary>
/// <param name="ProducerId">The new producer's id.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="RtpParameters">The validated RTP parameters, with at least one encoding and the transport's CNAME.</param>
/// <param name="RtpMapping">From <c>Ortc.GetProducerRtpParametersMapping</c>.</param>
/// <param name="Paused">Whether the producer starts paused.</param>
/// <param name="KeyFrameRequestDelay">Minimum ms between key frame requests sent to the endpoint (0: none).</param>
/// <param name="EnableMediasoupPacketIdHeaderExtension">Whether the worker adds mediasoup's packet-id extension.</param>
internal sealed record ProduceRequestData(
    string ProducerId,
    MediaKind Kind,
    RtpParameters RtpParameters,
    RtpMapping RtpMapping,
    bool Paused = false,
    uint KeyFrameRequestDelay = 0,
    bool EnableMediasoupPacketIdHeaderExtension = false);

/// <summary>What the worker answers to TRANSPORT_PRODUCE.</summary>
internal readonly record struct ProduceResult(ProducerType Type);

/// <summary>Requests, notifications and responses of producers (handler: the transport for produce/close, else the producer).</summary>
internal static class ProducerProtocol
{
    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /// <summary>TRANSPORT_PRODUCE on <paramref name="transportId"/>.</summary>
    public static Task<ProduceResult> ProduceAsync(WorkerChannel channel, string transportId, ProduceRequestData data,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_PRODUCE, transportId, FBS.Request.Body.Transport_ProduceRequest, data,
            static (b, d) => WriteProduceRequest(b, d).Value, ParseProduceResponse, cancellationToken);

    /// <summary>TRANSPORT_CLOSE_PRODUCER on <paramref name="transportId"/>.</summary>
    public static Task CloseAsync(WorkerChannel channel, string transportId, string producerId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.TRANSPORT_CLOSE_PRODUCER, transportId, FBS.Request.Body.Transport_CloseProducerRequest, producerId,
            static (b, id) => FBS.Transport.CloseProducerRequest.CreateCloseProducerRequest(b, id).Value, cancellationToken);

    public static Task<ProducerDump> DumpAsync(WorkerChannel channel, string producerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PRODUCER_DUMP, producerId, ParseDumpResponse, cancellationToken);

    public static Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync(WorkerChannel channel, string producerId,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PRODUCER_GET_STATS, producerId, ParseStatsResponse, cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task PauseAsync(WorkerChannel channel, string producerId, Action onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PRODUCER_PAUSE, producerId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task ResumeAsync(WorkerChannel channel, string producerId, Action onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PRODUCER_RESUME, producerId, AcceptedThen(onAccepted), cancellationToken);

    public static Task EnableTraceEventAsync(WorkerChannel channel, string producerId, IReadOnlyList<ProducerTraceEventType> types,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.PRODUCER_ENABLE_TRACE_EVENT, producerId, FBS.Request.Body.Producer_EnableTraceEventRequest,
            types, static (b, t) => WriteEnableTraceEventRequest(b, t).Value, Accepted, cancellationToken);

    /// <summary>PRODUCER_SEND: an RTP packet for a producer of a direct transport (a notification; no answer).</summary>
    public static void Send(WorkerChannel channel, string producerId, ReadOnlyMemory<byte> rtpPacket)
        => channel.Notify(FBS.Notification.Event.PRODUCER_SEND, producerId, FBS.Notification.Body.Producer_SendNotification,
            rtpPacket, static (b, packet) => WriteSendNotification(b, packet).Value);

    // ---------------------------------------------------------------------------------------------
    // Bodies
    // ---------------------------------------------------------------------------------------------

    public static Offset<FBS.Transport.ProduceRequest> WriteProduceRequest(FlatBufferBuilder b, ProduceRequestData d)
    {
        var producerId = b.CreateString(d.ProducerId);
        var rtpParameters = RtpParametersProtocol.Write(b, d.RtpParameters);
        var rtpMapping = RtpParametersProtocol.WriteMapping(b, d.RtpMapping);
        return FBS.Transport.ProduceRequest.CreateProduceRequest(b, producerId, RtpParametersProtocol.ToFbs(d.Kind),
            rtpParameters, rtpMapping, d.Paused, d.KeyFrameRequestDelay, d.EnableMediasoupPacketIdHeaderExtension);
    }

    public static Offset<FbsProducer.EnableTraceEventRequest> WriteEnableTraceEventRequest(FlatBufferBuilder b,
        IReadOnlyList<ProducerTraceEventType> types)
    {
        var events = new FbsProducer.TraceEventType[types.Count];
        for (int i = 0; i < events.Length; i++) events[i] = TraceEventTypeToFbs(types[i]);
        var vector = FbsProducer.EnableTraceEventRequest.CreateEventsVector(b, events);
        return FbsProducer.EnableTraceEventRequest.CreateEnableTraceEventRequest(b, vector);
    }

    public static Offset<FbsProducer.SendNotification> WriteSendNotification(FlatBufferBuilder b, ReadOnlyMemory<byte> rtpPacket)
    {
        var data = FbsProducer.SendNotification.CreateDataVectorBlock(b, Segment(rtpPacket));
        return FbsProducer.SendNotification.CreateSendNotification(b, data);
    }

    internal static ArraySegment<byte> Segment(ReadOnlyMemory<byte> bytes)
        => MemoryMarshal.TryGetArray(bytes, out var segment) ? segment : new ArraySegment<byte>(bytes.ToArray());

    public static FbsProducer.TraceEventType TraceEventTypeToFbs(ProducerTraceEventType type) => type switch
    {
        ProducerTraceEventType.KeyFrame => FbsProducer.TraceEventType.KEYFRAME,
        ProducerTraceEventType.Fir => FbsProducer.TraceEventType.FIR,
        ProducerTraceEventType.Nack => FbsProducer.TraceEventType.NACK,
        ProducerTraceEventType.Pli => FbsProducer.TraceEventType.PLI,
        ProducerTraceEventType.Rtp => FbsProducer.TraceEventType.RTP,
        ProducerTraceEventType.Sr => FbsProducer.TraceEventType.SR,
        _ => throw new ArgumentException($"invalid ProducerTraceEventType: {type}", nameof(type)),
    };

    public static ProducerTraceEventType TraceEventTypeFromFbs(FbsProducer.TraceEventType type) => type switch
    {
        FbsProducer.TraceEventType.KEYFRAME => ProducerTraceEventType.KeyFrame,
        FbsProducer.TraceEventType.FIR => ProducerTraceEventType.Fir,
        FbsProducer.TraceEventType.NACK => ProducerTraceEventType.Nack,
        FbsProducer.TraceEventType.PLI => ProducerTraceEventType.Pli,
        FbsProducer.TraceEventType.RTP => ProducerTraceEventType.Rtp,
        FbsProducer.TraceEventType.SR => ProducerTraceEventType.Sr,
        _ => throw new InvalidDataException($"invalid producer trace event type from the worker: {type}"),
    };

    // ---------------------------------------------------------------------------------------------
    // Responses
    // ---------------------------------------------------------------------------------------------

    public static readonly ResponseParser<ProduceResult> ParseProduceResponse = static (in FBS.Response.Response response)
        => new ProduceResult(RtpParametersProtocol.ProducerTypeFromFbs(response.BodyAsTransport_ProduceResponse().Type));

    public static readonly ResponseParser<ProducerDump> ParseDumpResponse = static (in FBS.Response.Response response)
        => ParseDump(response.BodyAsProducer_DumpResponse());

    public static readonly ResponseParser<IReadOnlyList<RtpStreamStats>> ParseStatsResponse = static (in FBS.Response.Response response) =>
    {
        var stats = response.BodyAsProducer_GetStatsResponse();
        return RtpStreamProtocol.ParseStatsList(stats.StatsLength, stats.Stats);
    };

    public static ProducerDump ParseDump(in FbsProducer.DumpResponse d)
    {
        var traceTypes = new ProducerTraceEventType[d.TraceEventTypesLength];
        for (int i = 0; i < traceTypes.Length; i++) traceTypes[i] = TraceEventTypeFromFbs(d.TraceEventTypes(i));
        return new ProducerDump
        {
            Id = d.Id ?? string.Empty,
            Kind = RtpParametersProtocol.FromFbs(d.Kind),
            Type = RtpParametersProtocol.ProducerTypeFromFbs(d.Type),
            RtpParameters = RtpParametersProtocol.Parse(Required(d.RtpParameters, "rtpParameters")),
            RtpMapping = RtpParametersProtocol.ParseMapping(Required(d.RtpMapping, "rtpMapping")),
            RtpStreams = RtpStreamProtocol.ParseDumps(d.RtpStreamsLength, d.RtpStreams),
            TraceEventTypes = ValueList<ProducerTraceEventType>.Create(traceTypes),
            Paused = d.Paused,
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications (PRODUCER_SCORE, PRODUCER_VIDEO_ORIENTATION_CHANGE, PRODUCER_TRACE)
    // ---------------------------------------------------------------------------------------------

    /// <summary>PRODUCER_SCORE: the scores of all the producer's streams.</summary>
    public static IReadOnlyList<ProducerScore> ParseScoreNotification(in FBS.Notification.Notification notification)
        => ParseScores(notification.BodyAsProducer_ScoreNotification());

    public static IReadOnlyList<ProducerScore> ParseScores(in FbsProducer.ScoreNotification n)
    {
        var scores = new ProducerScore[n.ScoresLength];
        for (int i = 0; i < scores.Length; i++)
        {
            var s = n.Scores(i)!.Value;
            scores[i] = new ProducerScore { EncodingIdx = checked((int)s.EncodingIdx), Ssrc = s.Ssrc, Rid = s.Rid, Score = s.Score_ };
        }
        return ValueList<ProducerScore>.Create(scores);
    }

    /// <summary>PRODUCER_VIDEO_ORIENTATION_CHANGE.</summary>
    public static ProducerVideoOrientation ParseVideoOrientationNotification(in FBS.Notification.Notification notification)
    {
        var n = notification.BodyAsProducer_VideoOrientationChangeNotification();
        return new ProducerVideoOrientation { Camera = n.Camera, Flip = n.Flip, Rotation = n.Rotation };
    }

    /// <summary>PRODUCER_TRACE.</summary>
    public static ProducerTraceEvent ParseTraceNotification(in FBS.Notification.Notification notification)
        => ParseTrace(notification.BodyAsProducer_TraceNotification());

    public static ProducerTraceEvent ParseTrace(in FbsProducer.TraceNotification t) => new()
    {
        Type = TraceEventTypeFromFbs(t.Type),
        Timestamp = (long)t.Timestamp,
        Direction = RtpStreamProtocol.DirectionFromFbs(t.Direction),
        Info = ParseInfo(t),
    };

    private static TraceEventInfo? ParseInfo(in FbsProducer.TraceNotification t)
    {
        switch (t.InfoType)
        {
            case FbsProducer.TraceInfo.KeyFrameTraceInfo:
                var k = t.InfoAsKeyFrameTraceInfo();
                return new KeyFrameTraceInfo { RtpPacket = RtpStreamProtocol.ParsePacket(Required(k.RtpPacket, "rtpPacket")), IsRtx = k.IsRtx };
            case FbsProducer.TraceInfo.RtpTraceInfo:
                var r = t.InfoAsRtpTraceInfo();
                return new RtpTraceInfo { RtpPacket = RtpStreamProtocol.ParsePacket(Required(r.RtpPacket, "rtpPacket")), IsRtx = r.IsRtx };
            case FbsProducer.TraceInfo.FirTraceInfo:
                return new FirTraceInfo { Ssrc = t.InfoAsFirTraceInfo().Ssrc };
            case FbsProducer.TraceInfo.PliTraceInfo:
                return new PliTraceInfo { Ssrc = t.InfoAsPliTraceInfo().Ssrc };
            case FbsProducer.TraceInfo.SrTraceInfo:
                var s = t.InfoAsSrTraceInfo();
                return new SrTraceInfo
                {
                    Ssrc = s.Ssrc,
                    NtpSec = s.NtpSec,
                    NtpFrac = s.NtpFrac,
                    RtpTs = s.RtpTs,
                    PacketCount = s.PacketCount,
                    OctetCount = s.OctetCount,
                };
            default:
                return null;
        }
    }
}
