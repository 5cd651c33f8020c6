using FBS.Request;
using Event = FBS.Notification.Event;
using ResponseBody = FBS.Response.BodyUnion;
using RtpType = FBS.RtpParameters.Type;

namespace RxMediasoup.Testing;

// Producers and consumers: produce/consume with the worker's validation, pause/resume with the derived consumer
// notifications, preferred layers, dumps, stats, and the producer-close cascade.
internal sealed partial class SimulatedEngine
{
    private ResponseBody Produce(SimTransport transport, FBS.Transport.ProduceRequestT request)
    {
        var rtp = request.RtpParameters ?? throw new SimulatedError("missing rtpParameters", isTypeError: true);
        var encodings = rtp.Encodings ?? [];
        if (encodings.Count == 0) throw new SimulatedError("empty rtpParameters.encodings", isTypeError: true);
        ValidateProducerParameters(rtp);
        if (_handlers.ContainsKey(request.ProducerId)) throw new SimulatedError($"Channel request handler with ID {request.ProducerId} already exists");
        // RtpListener::AddProducer: SSRCs (each encoding's, then its RTX one) before the MID; nothing is kept on failure.
        foreach (var e in encodings)
        {
            if (e.Ssrc is { } ssrc && transport.SsrcTable.ContainsKey(ssrc))
                throw new SimulatedError($"ssrc already exists in RTP listener [ssrc:{ssrc}]");
            if (e.Rtx is { Ssrc: var rtx } && transport.SsrcTable.ContainsKey(rtx))
                throw new SimulatedError($"RTX ssrc already exists in RTP listener [ssrc:{rtx}]");
        }
        if (!string.IsNullOrEmpty(rtp.Mid) && transport.MidTable.ContainsKey(rtp.Mid))
            throw new SimulatedError($"MID already exists in RTP listener [mid:{rtp.Mid}]");
        if (string.IsNullOrEmpty(rtp.Mid))
        {
            foreach (var e in encodings)
                if (!string.IsNullOrEmpty(e.Rid) && transport.RidTable.ContainsKey(e.Rid))
                    throw new SimulatedError($"RID already exists in RTP listener and no MID is given [rid:{e.Rid}]");
        }
        // RtpParameters::GetType: one encoding with several spatial or temporal layers is SVC.
        var layers = SimConsumer.ScalabilityMode(encodings[0].ScalabilityMode);
        var type = encodings.Count > 1 ? RtpType.SIMULCAST : layers.Spatial > 1 || layers.Temporal > 1 ? RtpType.SVC : RtpType.SIMPLE;
        var producer = new SimProducer(request.ProducerId, transport, request, type);
        Register(producer.Id, producer);
        transport.Producers[producer.Id] = producer;
        if (!string.IsNullOrEmpty(rtp.Mid)) transport.MidTable[rtp.Mid] = producer.Id;
        foreach (var e in encodings)
        {
            if (e.Ssrc is { } ssrc) transport.SsrcTable[ssrc] = producer.Id;
            if (e.Rtx is { } rtx) transport.SsrcTable[rtx.Ssrc] = producer.Id;
            if (!string.IsNullOrEmpty(e.Rid)) transport.RidTable[e.Rid] = producer.Id;
        }
        RecordHeaderExtensions(transport.RecvHeaderExtensions, rtp.HeaderExtensions ?? []);
        return ResponseBody.FromTransport_ProduceResponse(new FBS.Transport.ProduceResponseT { Type = type });
    }

    private ResponseBody Consume(SimTransport transport, FBS.Transport.ConsumeRequestT request)
    {
        if (_handlers.ContainsKey(request.ConsumerId)) throw new SimulatedError($"Channel request handler with ID {request.ConsumerId} already exists");
        var producer = transport.Router.Transports.Values.SelectMany(t => t.Producers.Values).FirstOrDefault(p => p.Id == request.ProducerId)
            ?? throw new SimulatedError($"Producer not found [producerId:{request.ProducerId}]");
        if (request.RtpParameters is { } consumed) NormaliseRtpParameters(consumed);
        foreach (var e in request.ConsumableRtpEncodings ?? [])
        {
            e.MaxBitrate = null;
            if (string.IsNullOrEmpty(e.ScalabilityMode)) e.ScalabilityMode = "S1T1";
        }
        var consumer = new SimConsumer(request.ConsumerId, transport, producer, request);
        if (consumer.IsLayered)
        {
            var (spatial, temporal) = consumer.MaxLayers();
            var wanted = request.PreferredLayers;
            consumer.PreferredLayers = new FBS.Consumer.ConsumerLayersT
            {
                SpatialLayer = Math.Min(wanted?.SpatialLayer ?? spatial, spatial),
                TemporalLayer = Math.Min(wanted?.TemporalLayer ?? temporal, temporal),
            };
        }
        Register(consumer.Id, consumer);
        transport.Consumers[consumer.Id] = consumer;
        foreach (var e in request.RtpParameters?.Encodings ?? [])
        {
            if (e.Ssrc is { } ssrc) transport.ConsumerSsrcs[ssrc] = consumer.Id;
            if (e.Rtx is { } rtx) transport.ConsumerRtxSsrcs[rtx.Ssrc] = consumer.Id;
        }
        producer.Consumers.Add(consumer);
        // Consumer::Consumer: a consumer of a paused producer hears producerpause before the consume response.
        if (producer.Paused) Notify(consumer.Id, Event.CONSUMER_PRODUCER_PAUSE);
        return ResponseBody.FromTransport_ConsumeResponse(new FBS.Transport.ConsumeResponseT
        {
            Paused = consumer.Paused,
            ProducerPaused = consumer.ProducerPaused,
            // No media yet: the consumer's own score is 10, its producer's streams score 0 (as the worker reports).
            Score = new FBS.Consumer.ConsumerScoreT
            {
                Score = 10,
                ProducerScore = request.Type == RtpType.PIPE ? (byte)10 : (byte)0, // a pipe consumer's is hardcoded 10/10
                ProducerScores = [.. Enumerable.Repeat((byte)0, producer.EncodingCount)],
            },
            PreferredLayers = consumer.PreferredLayers,
        });
    }

    private ResponseBody? AnswerProducer(SimProducer producer, RequestT request)
    {
        switch (request.Method)
        {
            case Method.PRODUCER_PAUSE:
            case Method.PRODUCER_RESUME:
                bool pause = request.Method == Method.PRODUCER_PAUSE;
                if (producer.Paused == pause) return null;
                producer.Paused = pause;
                foreach (var consumer in producer.Consumers)
                {
                    consumer.ProducerPaused = pause;
                    Notify(consumer.Id, pause ? Event.CONSUMER_PRODUCER_PAUSE : Event.CONSUMER_PRODUCER_RESUME);
                }
                return null;
            case Method.PRODUCER_DUMP:
                return ResponseBody.FromProducer_DumpResponse(new FBS.Producer.DumpResponseT
                {
                    Id = producer.Id,
                    Kind = producer.Request.Kind,
                    Type = producer.Type,
                    RtpParameters = producer.Request.RtpParameters,
                    RtpMapping = producer.Request.RtpMapping,
                    RtpStreams = producer.PacketsReceived > 0 ? [ReceiveStream(producer)] : [], // once RTP came in (DirectTransport)
                    // Producer::FillBuffer of 3.27.1 leaves "sr" out of the dump (it is still traced).
                    TraceEventTypes = [.. producer.TraceEventTypes.Where(t => t != FBS.Producer.TraceEventType.SR)],
                    Paused = producer.Paused,
                });
            case Method.PRODUCER_ENABLE_TRACE_EVENT:
                producer.TraceEventTypes = [.. (request.Body.AsProducer_EnableTraceEventRequest().Events ?? []).Distinct()
                    .OrderBy(t => Array.IndexOf(ProducerTraceOrder, t))];
                return null;
            case Method.PRODUCER_GET_STATS:
                return ResponseBody.FromProducer_GetStatsResponse(new FBS.Producer.GetStatsResponseT { Stats = StatsOf(producer) });
            default:
                throw NotSimulated(request.Method);
        }
    }

    private ResponseBody? AnswerConsumer(SimConsumer consumer, RequestT request)
    {
        switch (request.Method)
        {
            case Method.CONSUMER_PAUSE:
                consumer.Paused = true;
                return null;
            case Method.CONSUMER_RESUME:
                consumer.Paused = false;
                return null;
            case Method.CONSUMER_SET_PREFERRED_LAYERS:
            {
                // A simple consumer ignores the request and answers without layers.
                if (!consumer.IsLayered) return ResponseBody.FromConsumer_SetPreferredLayersResponse(new FBS.Consumer.SetPreferredLayersResponseT());
                var wanted = request.Body.AsConsumer_SetPreferredLayersRequest().PreferredLayers;
                var (spatial, temporal) = consumer.MaxLayers();
                consumer.PreferredLayers = new FBS.Consumer.ConsumerLayersT
                {
                    SpatialLayer = Math.Min(wanted.SpatialLayer, spatial),
                    TemporalLayer = Math.Min(wanted.TemporalLayer ?? temporal, temporal),
                };
                return ResponseBody.FromConsumer_SetPreferredLayersResponse(
                    new FBS.Consumer.SetPreferredLayersResponseT { PreferredLayers = consumer.PreferredLayers });
            }
            case Method.CONSUMER_DUMP:
                return ResponseBody.FromConsumer_DumpResponse(new FBS.Consumer.DumpResponseT
                {
                    Data = new FBS.Consumer.ConsumerDumpT
                    {
                        Base = new FBS.Consumer.BaseConsumerDumpT
                        {
                            Id = consumer.Id,
                            Type = consumer.Request.Type,
                            ProducerId = consumer.Producer.Id,
                            Kind = consumer.Request.Kind,
                            RtpParameters = consumer.Request.RtpParameters,
                            ConsumableRtpEncodings = consumer.Request.ConsumableRtpEncodings,
                            // The media codecs only (not RTX), as the worker lists them.
                            SupportedCodecPayloadTypes = [.. (consumer.Request.RtpParameters?.Codecs ?? [])
                                .Where(c => !c.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase)).Select(c => c.PayloadType)],
                            TraceEventTypes = consumer.TraceEventTypes,
                            Paused = consumer.Paused,
                            ProducerPaused = consumer.ProducerPaused,
                            Priority = consumer.Priority,
                        },
                        RtpStreams = SimulatedRtpStreams.OfConsumer(consumer),
                        // What 3.27.1 dumps with no media yet (DifferentialTests): a simple consumer -1/-1 preferred and
                        // target, 0/0 current; a layered one its preferred layers, -1/-1 target and current.
                        PreferredSpatialLayer = consumer.PreferredLayers is { } p ? p.SpatialLayer : (short)-1,
                        PreferredTemporalLayer = consumer.PreferredLayers is { } q ? (short)(q.TemporalLayer ?? 0) : (short)-1,
                        TargetSpatialLayer = -1,
                        TargetTemporalLayer = -1,
                        CurrentSpatialLayer = consumer.IsLayered ? (short)-1 : (short)0,
                        CurrentTemporalLayer = consumer.IsLayered ? (short)-1 : (short)0,
                    },
                });
            case Method.CONSUMER_SET_PRIORITY:
                if (request.Body.AsConsumer_SetPriorityRequest().Priority < 1)
                    throw new SimulatedError("wrong priority (must be higher than 0)", isTypeError: true);
                consumer.Priority = request.Body.AsConsumer_SetPriorityRequest().Priority;
                return ResponseBody.FromConsumer_SetPriorityResponse(new FBS.Consumer.SetPriorityResponseT
                {
                    Priority = consumer.Priority,
                });
            case Method.CONSUMER_REQUEST_KEY_FRAME:
                return null;
            case Method.CONSUMER_ENABLE_TRACE_EVENT:
                consumer.TraceEventTypes = [.. (request.Body.AsConsumer_EnableTraceEventRequest().Events ?? []).Distinct()
                    .OrderBy(t => Array.IndexOf(ConsumerTraceOrder, t))];
                return null;
            case Method.CONSUMER_GET_STATS:
                return ResponseBody.FromConsumer_GetStatsResponse(new FBS.Consumer.GetStatsResponseT { Stats = StatsOf(consumer) });
            default:
                throw NotSimulated(request.Method);
        }
    }

    /// <summary>Closes a producer: each of its consumers hears producerclose and closes (Router::OnTransportProducerClosed).</summary>
    private void CloseProducer(SimProducer producer)
    {
        foreach (var consumer in producer.Consumers.ToList())
        {
            Notify(consumer.Id, Event.CONSUMER_PRODUCER_CLOSE);
            CloseConsumer(consumer);
        }
        RemoveFromObservers(producer);
        var transport = producer.Transport;
        transport.Producers.Remove(producer.Id);
        foreach (var mid in transport.MidTable.Where(e => e.Value == producer.Id).Select(e => e.Key).ToList()) transport.MidTable.Remove(mid);
        foreach (var ssrc in transport.SsrcTable.Where(e => e.Value == producer.Id).Select(e => e.Key).ToList()) transport.SsrcTable.Remove(ssrc);
        foreach (var rid in transport.RidTable.Where(e => e.Value == producer.Id).Select(e => e.Key).ToList()) transport.RidTable.Remove(rid);
        _handlers.Remove(producer.Id);
    }

    private void CloseConsumer(SimConsumer consumer)
    {
        consumer.Producer.Consumers.Remove(consumer);
        var transport = consumer.Transport;
        transport.Consumers.Remove(consumer.Id);
        foreach (var e in consumer.Request.RtpParameters?.Encodings ?? [])
        {
            if (e.Ssrc is { } ssrc) transport.ConsumerSsrcs.Remove(ssrc);
            if (e.Rtx is { } rtx) transport.ConsumerRtxSsrcs.Remove(rtx.Ssrc);
        }
        _handlers.Remove(consumer.Id);
    }

    /// <summary>Transport::Produce: the transport reads the header extensions it knows, from the first producer giving each.</summary>
    private static void RecordHeaderExtensions(FBS.Transport.RecvRtpHeaderExtensionsT ids, List<FBS.RtpParameters.RtpHeaderExtensionParametersT> extensions)
    {
        foreach (var e in extensions)
        {
            switch (e.Uri)
            {
                case FBS.RtpParameters.RtpHeaderExtensionUri.Mid: ids.Mid ??= e.Id; break;
                case FBS.RtpParameters.RtpHeaderExtensionUri.RtpStreamId: ids.Rid ??= e.Id; break;
                case FBS.RtpParameters.RtpHeaderExtensionUri.RepairRtpStreamId: ids.Rrid ??= e.Id; break;
                case FBS.RtpParameters.RtpHeaderExtensionUri.AbsSendTime: ids.AbsSendTime ??= e.Id; break;
                case FBS.RtpParameters.RtpHeaderExtensionUri.TransportWideCcDraft01: ids.TransportWideCc01 ??= e.Id; break;
            }
        }
    }
}
