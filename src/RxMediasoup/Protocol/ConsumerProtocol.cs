using Google.FlatBuffers;
using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using FbsConsumer = FBS.Consumer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Everything a TRANSPORT_CONSUME request carries (mediasoup's <c>createConsumeRequest</c>).</summary>
/// <param name="ConsumerId">The new consumer's id.</param>
/// <param name="ProducerId">The consumed producer's id.</param>
/// <param name="Kind">The producer's kind.</param>
/// <param name="RtpParameters">From <c>Ortc.GetConsumerRtpParameters</c> (or the pipe variant), with the MID set.</param>
/// <param name="Type">Pipe for a pipe transport, else the producer's type.</param>
/// <param name="ConsumableRtpEncodings">The encodings of the producer's consumable RTP parameters.</param>
/// <param name="Paused">Whether the consumer starts paused.</param>
/// <param name="PreferredLayers">Preferred layers (simulcast/SVC), if any.</param>
/// <param name="IgnoreDtx">Whether to forward DTX packets (audio) instead of dropping them.</param>
internal sealed record ConsumeRequestData(
    string ConsumerId,
    string ProducerId,
    MediaKind Kind,
    RtpParameters RtpParameters,
    ConsumerType Type,
    IReadOnlyList<RtpEncodingParameters> ConsumableRtpEncodings,
    bool Paused = false,
    ConsumerLayers? PreferredLayers = null,
    bool IgnoreDtx = false);

/// <summary>What the worker answers to TRANSPORT_CONSUME.</summary>
internal sealed record ConsumeResult(bool Paused, bool ProducerPaused, ConsumerScore Score, ConsumerLayers? PreferredLayers);

/// <summary>Requests, notifications and responses of consumers (handler: the transport for consume/close, else the consumer).</summary>
internal static class ConsumerProtocol
{
    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /// <summary>TRANSPORT_CONSUME on <paramref name="transportId"/>.</summary>
    public static Task<ConsumeResult> ConsumeAsync(WorkerChannel channel, string transportId, ConsumeRequestData data,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_CONSUME, transportId, FBS.Request.Body.Transport_ConsumeRequest, data,
            static (b, d) => WriteConsumeRequest(b, d).Value, ParseConsumeResponse, cancellationToken);

    /// <summary>TRANSPORT_CLOSE_CONSUMER on <paramref name="transportId"/>.</summary>
    public static Task CloseAsync(WorkerChannel channel, string transportId, string consumerId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.TRANSPORT_CLOSE_CONSUMER, transportId, FBS.Request.Body.Transport_CloseConsumerRequest, consumerId,
            static (b, id) => FBS.Transport.CloseConsumerRequest.CreateCloseConsumerRequest(b, id).Value, cancellationToken);

    public static Task<ConsumerDump> DumpAsync(WorkerChannel channel, string consumerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_DUMP, consumerId, ParseDumpResponse, cancellationToken);

    /// <summary>CONSUMER_GET_STATS: the consumer's outbound stream stats, then (if any) the producer's inbound ones.</summary>
    public static Task<IReadOnlyList<RtpStreamStats>> GetStatsAsync(WorkerChannel channel, string consumerId,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_GET_STATS, consumerId, ParseStatsResponse, cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task PauseAsync(WorkerChannel channel, string consumerId, Action onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_PAUSE, consumerId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task ResumeAsync(WorkerChannel channel, string consumerId, Action onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_RESUME, consumerId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary>
    /// CONSUMER_SET_PREFERRED_LAYERS; completes with the preferred layers the worker settled on (<see langword="null"/>
    /// for non-simulcast/SVC consumers), which <paramref name="onAccepted"/> applies as the answer is read.
    /// </summary>
    public static Task<ConsumerLayers?> SetPreferredLayersAsync(WorkerChannel channel, string consumerId, ConsumerLayers layers,
        Action<ConsumerLayers?>? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_SET_PREFERRED_LAYERS, consumerId, FBS.Request.Body.Consumer_SetPreferredLayersRequest,
            layers, static (b, l) => WriteSetPreferredLayersRequest(b, l).Value, Then(ParseSetPreferredLayersResponse, onAccepted),
            cancellationToken);

    /// <summary>
    /// CONSUMER_SET_PRIORITY; completes with the priority the worker settled on, which <paramref name="onAccepted"/>
    /// applies as the answer is read.
    /// </summary>
    public static Task<int> SetPriorityAsync(WorkerChannel channel, string consumerId, int priority, Action<int>? onAccepted,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_SET_PRIORITY, consumerId, FBS.Request.Body.Consumer_SetPriorityRequest,
            priority, static (b, p) => WriteSetPriorityRequest(b, p).Value, Then(ParseSetPriorityResponse, onAccepted), cancellationToken);

    public static Task RequestKeyFrameAsync(WorkerChannel channel, string consumerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_REQUEST_KEY_FRAME, consumerId, Accepted, cancellationToken);

    public static Task EnableTraceEventAsync(WorkerChannel channel, string consumerId, IReadOnlyList<ConsumerTraceEventType> types,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.CONSUMER_ENABLE_TRACE_EVENT, consumerId, FBS.Request.Body.Consumer_EnableTraceEventRequest,
            types, static (b, t) => WriteEnableTraceEventRequest(b, t).Value, Accepted, cancellationToken);

    /// <summary>As <see cref="ProtocolHelpers.AcceptedThen"/> for a response with a value: <paramref name="onAccepted"/> gets it.</summary>
    private static ResponseParser<T> Then<T>(ResponseParser<T> parse, Action<T>? onAccepted)
        => onAccepted is null ? parse : (in FBS.Response.Response r) =>
        {
            var value = parse(r);
            onAccepted(value);
            return value;
        };

    // ---------------------------------------------------------------------------------------------
    // Bodies
    // ---------------------------------------------------------------------------------------------

    public static Offset<FBS.Transport.ConsumeRequest> WriteConsumeRequest(FlatBufferBuilder b, ConsumeRequestData d)
    {
        var rtpParameters = RtpParametersProtocol.Write(b, d.RtpParameters);
        var consumerId = b.CreateString(d.ConsumerId);
        var producerId = b.CreateString(d.ProducerId);
        var consumableEncodings = RtpParametersProtocol.WriteEncodings(b, d.ConsumableRtpEncodings);
        var preferredLayers = d.PreferredLayers is { } l ? WriteLayers(b, l) : default;
        return FBS.Transport.ConsumeRequest.CreateConsumeRequest(b, consumerId, producerId, RtpParametersProtocol.ToFbs(d.Kind),
            rtpParameters, RtpParametersProtocol.ToFbs(d.Type), consumableEncodings, d.Paused, preferredLayers, d.IgnoreDtx);
    }

    public static Offset<FbsConsumer.ConsumerLayers> WriteLayers(FlatBufferBuilder b, ConsumerLayers layers)
        => FbsConsumer.ConsumerLayers.CreateConsumerLayers(b, checked((byte)layers.SpatialLayer),
            layers.TemporalLayer is { } t ? checked((byte)t) : null);

    public static Offset<FbsConsumer.SetPreferredLayersRequest> WriteSetPreferredLayersRequest(FlatBufferBuilder b, ConsumerLayers layers)
        => FbsConsumer.SetPreferredLayersRequest.CreateSetPreferredLayersRequest(b, WriteLayers(b, layers));

    public static Offset<FbsConsumer.SetPriorityRequest> WriteSetPriorityRequest(FlatBufferBuilder b, int priority)
        => FbsConsumer.SetPriorityRequest.CreateSetPriorityRequest(b, checked((byte)priority));

    public static Offset<FbsConsumer.EnableTraceEventRequest> WriteEnableTraceEventRequest(FlatBufferBuilder b,
        IReadOnlyList<ConsumerTraceEventType> types)
    {
        var events = new FbsConsumer.TraceEventType[types.Count];
        for (int i = 0; i < events.Length; i++) events[i] = TraceEventTypeToFbs(types[i]);
        var vector = FbsConsumer.EnableTraceEventRequest.CreateEventsVector(b, events);
        return FbsConsumer.EnableTraceEventRequest.CreateEnableTraceEventRequest(b, vector);
    }

    public static FbsConsumer.TraceEventType TraceEventTypeToFbs(ConsumerTraceEventType type) => type switch
    {
        ConsumerTraceEventType.KeyFrame => FbsConsumer.TraceEventType.KEYFRAME,
        ConsumerTraceEventType.Fir => FbsConsumer.TraceEventType.FIR,
        ConsumerTraceEventType.Nack => FbsConsumer.TraceEventType.NACK,
        ConsumerTraceEventType.Pli => FbsConsumer.TraceEventType.PLI,
        ConsumerTraceEventType.Rtp => FbsConsumer.TraceEventType.RTP,
        _ => throw new ArgumentException($"invalid ConsumerTraceEventType: {type}", nameof(type)),
    };

    public static ConsumerTraceEventType TraceEventTypeFromFbs(FbsConsumer.TraceEventType type) => type switch
    {
        FbsConsumer.TraceEventType.KEYFRAME => ConsumerTraceEventType.KeyFrame,
        FbsConsumer.TraceEventType.FIR => ConsumerTraceEventType.Fir,
        FbsConsumer.TraceEventType.NACK => ConsumerTraceEventType.Nack,
        FbsConsumer.TraceEventType.PLI => ConsumerTraceEventType.Pli,
        FbsConsumer.TraceEventType.RTP => ConsumerTraceEventType.Rtp,
        _ => throw new InvalidDataException($"invalid consumer trace event type from the worker: {type}"),
    };

    // ---------------------------------------------------------------------------------------------
    // Responses
    // ---------------------------------------------------------------------------------------------

    public static readonly ResponseParser<ConsumeResult> ParseConsumeResponse = static (in FBS.Response.Response response)
        => ParseConsume(response.BodyAsTransport_ConsumeResponse());

    public static ConsumeResult ParseConsume(in FBS.Transport.ConsumeResponse r)
        => new(r.Paused, r.ProducerPaused, ParseScore(Required(r.Score, "score")),
            r.PreferredLayers is { } l ? ParseLayers(l) : null);

    public static readonly ResponseParser<ConsumerDump> ParseDumpResponse = static (in FBS.Response.Response response)
        => ParseDump(Required(response.BodyAsConsumer_DumpResponse().Data, "consumer dump data"));

    public static readonly ResponseParser<IReadOnlyList<RtpStreamStats>> ParseStatsResponse = static (in FBS.Response.Response response) =>
    {
        var stats = response.BodyAsConsumer_GetStatsResponse();
        return RtpStreamProtocol.ParseStatsList(stats.StatsLength, stats.Stats);
    };

    /// <summary>The response is empty for consumers that are not simulcast/SVC.</summary>
    public static readonly ResponseParser<ConsumerLayers?> ParseSetPreferredLayersResponse = static (in FBS.Response.Response response)
        => response.BodyType == FBS.Response.Body.Consumer_SetPreferredLayersResponse
           && response.BodyAsConsumer_SetPreferredLayersResponse().PreferredLayers is { } l
            ? ParseLayers(l)
            : null;

    public static readonly ResponseParser<int> ParseSetPriorityResponse = static (in FBS.Response.Response response)
        => response.BodyAsConsumer_SetPriorityResponse().Priority;

    public static ConsumerScore ParseScore(in FbsConsumer.ConsumerScore s)
    {
        // The usual scores (one producer stream, values 0–10) are shared instances: every consumer keeps one.
        int n = s.ProducerScoresLength;
        if (n <= 1 && ConsumerScores.Common(s.Score, s.ProducerScore, n == 0 ? -1 : s.ProducerScores(0)) is { } common) return common;
        var producerScores = new int[s.ProducerScoresLength];
        for (int i = 0; i < producerScores.Length; i++) producerScores[i] = s.ProducerScores(i);
        return new ConsumerScore
        {
            Score = s.Score,
            ProducerScore = s.ProducerScore,
            ProducerScores = ValueList<int>.Create(producerScores),
        };
    }

    public static ConsumerLayers ParseLayers(in FbsConsumer.ConsumerLayers l)
        => new() { SpatialLayer = l.SpatialLayer, TemporalLayer = l.TemporalLayer };

    public static ConsumerDump ParseDump(in FbsConsumer.ConsumerDump d)
    {
        var b = Required(d.Base, "consumer dump base");
        var traceTypes = new ConsumerTraceEventType[b.TraceEventTypesLength];
        for (int i = 0; i < traceTypes.Length; i++) traceTypes[i] = TraceEventTypeFromFbs(b.TraceEventTypes(i));
        var payloadTypes = new int[b.SupportedCodecPayloadTypesLength];
        for (int i = 0; i < payloadTypes.Length; i++) payloadTypes[i] = b.SupportedCodecPayloadTypes(i);
        return new ConsumerDump
        {
            Id = b.Id ?? string.Empty,
            ProducerId = b.ProducerId ?? string.Empty,
            Kind = RtpParametersProtocol.FromFbs(b.Kind),
            Type = RtpParametersProtocol.ConsumerTypeFromFbs(b.Type),
            RtpParameters = RtpParametersProtocol.Parse(Required(b.RtpParameters, "rtpParameters")),
            ConsumableRtpEncodings = RtpParametersProtocol.ParseEncodings(b.ConsumableRtpEncodingsLength, b.ConsumableRtpEncodings),
            SupportedCodecPayloadTypes = ValueList<int>.Create(payloadTypes),
            TraceEventTypes = ValueList<ConsumerTraceEventType>.Create(traceTypes),
            Paused = b.Paused,
            ProducerPaused = b.ProducerPaused,
            Priority = b.Priority,
            RtpStreams = RtpStreamProtocol.ParseDumps(d.RtpStreamsLength, d.RtpStreams),
            PreferredSpatialLayer = d.PreferredSpatialLayer,
            TargetSpatialLayer = d.TargetSpatialLayer,
            CurrentSpatialLayer = d.CurrentSpatialLayer,
            PreferredTemporalLayer = d.PreferredTemporalLayer,
            TargetTemporalLayer = d.TargetTemporalLayer,
            CurrentTemporalLayer = d.CurrentTemporalLayer,
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications (CONSUMER_SCORE, CONSUMER_LAYERS_CHANGE, CONSUMER_TRACE, CONSUMER_RTP; the
    // CONSUMER_PRODUCER_PAUSE/RESUME/CLOSE ones have no body)
    // ---------------------------------------------------------------------------------------------

    /// <summary>CONSUMER_SCORE.</summary>
    public static ConsumerScore ParseScoreNotification(in FBS.Notification.Notification notification)
        => ParseScore(Required(notification.BodyAsConsumer_ScoreNotification().Score, "score"));

    /// <summary>CONSUMER_LAYERS_CHANGE: the current layers, <see langword="null"/> when none is being sent.</summary>
    public static ConsumerLayers? ParseLayersChangeNotification(in FBS.Notification.Notification notification)
        => notification.BodyType == FBS.Notification.Body.Consumer_LayersChangeNotification
           && notification.BodyAsConsumer_LayersChangeNotification().Layers is { } l
            ? ParseLayers(l)
            : null;

    /// <summary>CONSUMER_RTP: an RTP packet for a consumer of a direct transport.</summary>
    public static byte[] ParseRtpNotification(in FBS.Notification.Notification notification)
        => notification.BodyAsConsumer_RtpNotification().GetDataArray() ?? [];

    /// <summary>CONSUMER_TRACE.</summary>
    public static ConsumerTraceEvent ParseTraceNotification(in FBS.Notification.Notification notification)
        => ParseTrace(notification.BodyAsConsumer_TraceNotification());

    public static ConsumerTraceEvent ParseTrace(in FbsConsumer.TraceNotification t) => new()
    {
        Type = TraceEventTypeFromFbs(t.Type),
        Timestamp = (long)t.Timestamp,
        Direction = RtpStreamProtocol.DirectionFromFbs(t.Direction),
        Info = ParseInfo(t),
    };

    private static TraceEventInfo? ParseInfo(in FbsConsumer.TraceNotification t)
    {
        switch (t.InfoType)
        {
            case FbsConsumer.TraceInfo.KeyFrameTraceInfo:
                var k = t.InfoAsKeyFrameTraceInfo();
                return new KeyFrameTraceInfo { RtpPacket = RtpStreamProtocol.ParsePacket(Required(k.RtpPacket, "rtpPacket")), IsRtx = k.IsRtx };
            case FbsConsumer.TraceInfo.RtpTraceInfo:
                var r = t.InfoAsRtpTraceInfo();
                return new RtpTraceInfo { RtpPacket = RtpStreamProtocol.ParsePacket(Required(r.RtpPacket, "rtpPacket")), IsRtx = r.IsRtx };
            case FbsConsumer.TraceInfo.FirTraceInfo:
                return new FirTraceInfo { Ssrc = t.InfoAsFirTraceInfo().Ssrc };
            case FbsConsumer.TraceInfo.PliTraceInfo:
                return new PliTraceInfo { Ssrc = t.InfoAsPliTraceInfo().Ssrc };
            default:
                return null;
        }
    }
}
