using FBS.Request;
using Event = FBS.Notification.Event;
using ResponseBody = FBS.Response.BodyUnion;

namespace RxMediasoup.Testing;

// Data producers and consumers: SCTP (transports created with enableSctp) or direct (DirectTransport), with the
// worker's validation (Transport.cpp, SctpListener.cpp, Router.cpp), the data-producer pause/resume/close
// notifications its data consumers hear, and SCTP parameters in transport dumps. No association ever connects in the
// simulation: the SCTP state stays "new" (a script will change it).
internal sealed partial class SimulatedEngine
{
    private static FBS.Transport.OptionsT TransportOptions(FBS.Transport.OptionsT? options)
        => options ?? new FBS.Transport.OptionsT { MaxSendMessageSize = 262144, MaxReceiveMessageSize = 262144 };

    /// <summary>SCTP::Association::FillBuffer: source port 5000, sizes from the transport's options.</summary>
    private static FBS.SctpParameters.SctpParametersT? SctpParameters(SimTransport transport)
    {
        var o = transport.Options;
        if (!o.EnableSctp) return null;
        return new FBS.SctpParameters.SctpParametersT
        {
            Port = 5000,
            MaxSendMessageSize = o.MaxSendMessageSize,
            MaxReceiveMessageSize = o.MaxReceiveMessageSize,
            SendBufferSize = o.SctpSendBufferSize,
            PerStreamSendQueueLimit = o.SctpPerStreamSendQueueLimit,
            MaxReceiverWindowBufferSize = o.SctpMaxReceiverWindowBufferSize,
            IsDataChannel = o.IsDataChannel,
        };
    }

    private static FBS.Transport.SctpListenerT SctpListener(SimTransport transport) => new()
    {
        StreamIdTable = [.. transport.DataProducers.Values.Where(p => p.Sctp is not null)
            .Select(p => new FBS.Common.Uint16StringT { Key = p.Sctp!.StreamId, Value = p.Id })],
    };

    private IEnumerable<SimDataProducer> DataProducersOf(SimRouter router)
        => router.Transports.Values.SelectMany(t => t.DataProducers.Values);

    private ResponseBody? AnswerTransportData(SimTransport transport, RequestT request)
    {
        bool hasData = transport.Options.EnableSctp || transport.Kind == SimTransportKind.Direct;
        string method = SimulatedMethods.Name(request.Method);
        switch (request.Method)
        {
            case Method.TRANSPORT_PRODUCE_DATA:
            {
                if (!hasData) throw new SimulatedError("SCTP not enabled and not a direct Transport");
                var body = request.Body.AsTransport_ProduceDataRequest();
                if (transport.DataProducers.ContainsKey(body.DataProducerId))
                    throw new SimulatedError($"a DataProducer with same dataProducerId already exists [method:{method}]");
                var sctp = body.Type == FBS.DataProducer.Type.SCTP ? StreamParameters(body.SctpStreamParameters) : null;
                CheckUnregistered(body.DataProducerId); // the DataProducer registers its handler before the checks below
                CheckDataType(transport, sctp is not null, "DataProducer");
                if (sctp is not null && transport.DataProducers.Values.Any(p => p.Sctp?.StreamId == sctp.StreamId))
                    throw new SimulatedError($"streamId already exists in SCTP listener [streamId:{sctp.StreamId}]");
                var producer = new SimDataProducer(body.DataProducerId, transport, body, sctp);
                Register(producer.Id, producer);
                transport.DataProducers[producer.Id] = producer;
                return ResponseBody.FromDataProducer_DumpResponse(DataProducerDump(producer));
            }
            case Method.TRANSPORT_CONSUME_DATA:
            {
                if (!hasData) throw new SimulatedError("SCTP not enabled and not a direct Transport");
                var body = request.Body.AsTransport_ConsumeDataRequest();
                if (transport.DataConsumers.ContainsKey(body.DataConsumerId))
                    throw new SimulatedError($"a DataConsumer with same dataConsumerId already exists [method:{method}]");
                var sctp = body.Type == FBS.DataConsumer.Type.SCTP ? StreamParameters(body.SctpStreamParameters) : null;
                CheckUnregistered(body.DataConsumerId);
                CheckDataType(transport, sctp is not null, "DataConsumer");
                if (sctp is not null && transport.DataConsumers.Values.Any(c => c.Sctp?.StreamId == sctp.StreamId))
                    throw new SimulatedError($"an SCTP DataConsumer with same streamId {sctp.StreamId} already exists [method:{method}]");
                var producer = DataProducersOf(transport.Router).FirstOrDefault(p => p.Id == body.DataProducerId)
                    ?? throw SimulatedError.NotFound($"DataProducer not found [dataProducerId:{body.DataProducerId}]");
                var consumer = new SimDataConsumer(body.DataConsumerId, transport, producer, body, sctp);
                Register(consumer.Id, consumer);
                transport.DataConsumers[consumer.Id] = consumer;
                producer.Consumers.Add(consumer);
                // Router::OnTransportNewDataConsumer: the worker notifies before it answers (the library does not know the id yet).
                if (producer.Paused) SetDataProducerPaused(consumer, true);
                return ResponseBody.FromDataConsumer_DumpResponse(DataConsumerDump(consumer));
            }
            case Method.TRANSPORT_CLOSE_DATAPRODUCER:
            {
                if (!hasData) throw new SimulatedError("cannot close DataProducer, SCTP not enabled and not a direct Transport");
                string id = request.Body.AsTransport_CloseDataProducerRequest().DataProducerId;
                if (!transport.DataProducers.TryGetValue(id, out var producer))
                    throw SimulatedError.NotFound($"DataProducer not found [method:{method}]");
                CloseDataProducer(producer);
                return null;
            }
            default: // TRANSPORT_CLOSE_DATACONSUMER
            {
                if (!hasData) throw new SimulatedError("cannot close DataConsumer, SCTP not enabled and not a direct Transport");
                string id = request.Body.AsTransport_CloseDataConsumerRequest().DataConsumerId;
                if (!transport.DataConsumers.TryGetValue(id, out var consumer))
                    throw SimulatedError.NotFound($"DataConsumer not found [method:{method}]");
                CloseDataConsumer(consumer);
                return null;
            }
        }
    }

    /// <summary>RTC::SctpStreamParameters' validation; a missing table is the constructor's TypeError.</summary>
    private static FBS.SctpParameters.SctpStreamParametersT StreamParameters(FBS.SctpParameters.SctpStreamParametersT? p)
    {
        if (p is null) throw new SimulatedError("missing sctpStreamParameters", isTypeError: true);
        if (p.StreamId > 65534) throw new SimulatedError("streamId must not be greater than 65534", isTypeError: true);
        // The worker keeps both as integers where 0 means "absent".
        ushort? lifeTime = p.MaxPacketLifeTime is > 0 ? p.MaxPacketLifeTime : null;
        ushort? retransmits = p.MaxRetransmits is > 0 ? p.MaxRetransmits : null;
        if (lifeTime is not null && retransmits is not null)
            throw new SimulatedError("cannot provide both maxPacketLifeTime and maxRetransmits", isTypeError: true);
        bool partial = lifeTime is not null || retransmits is not null;
        if (partial && p.Ordered == true) throw new SimulatedError("cannot be ordered with maxPacketLifeTime or maxRetransmits", isTypeError: true);
        return new FBS.SctpParameters.SctpStreamParametersT
        {
            StreamId = p.StreamId,
            Ordered = p.Ordered ?? !partial,
            MaxPacketLifeTime = lifeTime,
            MaxRetransmits = retransmits,
        };
    }

    private void CheckUnregistered(string id)
    {
        if (_handlers.ContainsKey(id)) throw new SimulatedError($"Channel request handler with ID {id} already exists");
    }

    private static void CheckDataType(SimTransport transport, bool sctp, string entity)
    {
        if (sctp && !transport.Options.EnableSctp)
            throw new SimulatedError($"cannot create a {entity} of type 'sctp', SCTP not enabled in this Transport", isTypeError: true);
        if (!sctp && transport.Kind != SimTransportKind.Direct)
            throw new SimulatedError($"cannot create a {entity} of type 'direct', not a direct Transport", isTypeError: true);
    }

    private static FBS.DataProducer.DumpResponseT DataProducerDump(SimDataProducer producer) => new()
    {
        Id = producer.Id,
        Type = producer.Sctp is null ? FBS.DataProducer.Type.DIRECT : FBS.DataProducer.Type.SCTP,
        SctpStreamParameters = producer.Sctp,
        Label = producer.Request.Label ?? "",
        Protocol = producer.Request.Protocol ?? "",
        Paused = producer.Paused,
    };

    private static FBS.DataConsumer.DumpResponseT DataConsumerDump(SimDataConsumer consumer) => new()
    {
        Id = consumer.Id,
        DataProducerId = consumer.Producer.Id,
        Type = consumer.Sctp is null ? FBS.DataConsumer.Type.DIRECT : FBS.DataConsumer.Type.SCTP,
        SctpStreamParameters = consumer.Sctp,
        Label = consumer.Request.Label ?? "",
        Protocol = consumer.Request.Protocol ?? "",
        BufferedAmount = 0,
        BufferedAmountLowThreshold = consumer.Sctp is null ? 0 : consumer.BufferedAmountLowThreshold,
        Paused = consumer.Paused,
        DataProducerPaused = consumer.DataProducerPaused,
        Subchannels = [.. consumer.Subchannels],
    };

    private ResponseBody? AnswerDataProducer(SimDataProducer producer, RequestT request)
    {
        switch (request.Method)
        {
            case Method.DATAPRODUCER_DUMP:
                return ResponseBody.FromDataProducer_DumpResponse(DataProducerDump(producer));
            case Method.DATAPRODUCER_GET_STATS:
                return ResponseBody.FromDataProducer_GetStatsResponse(new FBS.DataProducer.GetStatsResponseT
                {
                    Timestamp = NowMs(), Label = producer.Request.Label ?? "", Protocol = producer.Request.Protocol ?? "",
                    MessagesReceived = producer.MessagesReceived, BytesReceived = producer.BytesReceived,
                });
            case Method.DATAPRODUCER_PAUSE or Method.DATAPRODUCER_RESUME:
            {
                bool pause = request.Method == Method.DATAPRODUCER_PAUSE;
                if (producer.Paused == pause) return null;
                producer.Paused = pause;
                foreach (var consumer in producer.Consumers) SetDataProducerPaused(consumer, pause);
                return null;
            }
            default:
                throw new SimulatedError($"unknown method '{SimulatedMethods.Name(request.Method)}'");
        }
    }

    private ResponseBody? AnswerDataConsumer(SimDataConsumer consumer, RequestT request)
    {
        switch (request.Method)
        {
            case Method.DATACONSUMER_DUMP:
                return ResponseBody.FromDataConsumer_DumpResponse(DataConsumerDump(consumer));
            case Method.DATACONSUMER_GET_STATS:
                return ResponseBody.FromDataConsumer_GetStatsResponse(new FBS.DataConsumer.GetStatsResponseT
                {
                    Timestamp = NowMs(), Label = consumer.Request.Label ?? "", Protocol = consumer.Request.Protocol ?? "",
                    MessagesSent = consumer.MessagesSent, BytesSent = consumer.BytesSent,
                });
            case Method.DATACONSUMER_PAUSE:
                consumer.Paused = true;
                return null;
            case Method.DATACONSUMER_RESUME:
                consumer.Paused = false;
                return null;
            case Method.DATACONSUMER_GET_BUFFERED_AMOUNT:
                RequireSctp(consumer);
                return ResponseBody.FromDataConsumer_GetBufferedAmountResponse(new FBS.DataConsumer.GetBufferedAmountResponseT());
            case Method.DATACONSUMER_SET_BUFFERED_AMOUNT_LOW_THRESHOLD:
                RequireSctp(consumer);
                consumer.BufferedAmountLowThreshold = request.Body.AsDataConsumer_SetBufferedAmountLowThresholdRequest().Threshold;
                return null;
            case Method.DATACONSUMER_SEND:
            {
                RequireSctp(consumer);
                int length = request.Body.AsDataConsumer_SendRequest().Data?.Count ?? 0;
                uint max = consumer.Transport.Options.MaxSendMessageSize;
                if (length > max)
                    throw new SimulatedError($"given message exceeds maxMessageSize value [maxMessageSize:{max}, len:{length}]", isTypeError: true);
                // No association connects in the simulation, so nothing is queued: the worker's "message send failed".
                throw new SimulatedError("message send failed");
            }
            case Method.DATACONSUMER_SET_SUBCHANNELS:
                consumer.Subchannels.Clear();
                foreach (ushort subchannel in request.Body.AsDataConsumer_SetSubchannelsRequest().Subchannels ?? []) consumer.Subchannels.Add(subchannel);
                return ResponseBody.FromDataConsumer_SetSubchannelsResponse(new FBS.DataConsumer.SetSubchannelsResponseT { Subchannels = [.. consumer.Subchannels] });
            case Method.DATACONSUMER_ADD_SUBCHANNEL:
                consumer.Subchannels.Add(request.Body.AsDataConsumer_AddSubchannelRequest().Subchannel);
                return ResponseBody.FromDataConsumer_AddSubchannelResponse(new FBS.DataConsumer.AddSubchannelResponseT { Subchannels = [.. consumer.Subchannels] });
            case Method.DATACONSUMER_REMOVE_SUBCHANNEL:
                consumer.Subchannels.Remove(request.Body.AsDataConsumer_RemoveSubchannelRequest().Subchannel);
                return ResponseBody.FromDataConsumer_RemoveSubchannelResponse(new FBS.DataConsumer.RemoveSubchannelResponseT { Subchannels = [.. consumer.Subchannels] });
            default:
                throw new SimulatedError($"unknown method '{SimulatedMethods.Name(request.Method)}'");
        }
    }

    private static void RequireSctp(SimDataConsumer consumer)
    {
        if (consumer.Sctp is null) throw new SimulatedError("invalid DataConsumer type", isTypeError: true);
    }

    /// <summary>DataConsumer::DataProducerPaused/Resumed: a notification only when the state changes.</summary>
    private void SetDataProducerPaused(SimDataConsumer consumer, bool paused)
    {
        if (consumer.DataProducerPaused == paused) return;
        consumer.DataProducerPaused = paused;
        Notify(consumer.Id, paused ? Event.DATACONSUMER_DATAPRODUCER_PAUSE : Event.DATACONSUMER_DATAPRODUCER_RESUME);
    }

    /// <summary>Router::OnTransportDataProducerClosed: each data consumer hears dataproducerclose and is closed.</summary>
    private void CloseDataProducer(SimDataProducer producer)
    {
        producer.Transport.DataProducers.Remove(producer.Id);
        _handlers.Remove(producer.Id);
        foreach (var consumer in producer.Consumers.ToList())
        {
            Notify(consumer.Id, Event.DATACONSUMER_DATAPRODUCER_CLOSE);
            CloseDataConsumer(consumer);
        }
    }

    private void CloseDataConsumer(SimDataConsumer consumer)
    {
        consumer.Producer.Consumers.Remove(consumer);
        consumer.Transport.DataConsumers.Remove(consumer.Id);
        _handlers.Remove(consumer.Id);
    }

    /// <summary>A closing transport's data producers (their consumers elsewhere hear it) and data consumers.</summary>
    private void CloseData(SimTransport transport)
    {
        foreach (var producer in transport.DataProducers.Values.ToList()) CloseDataProducer(producer);
        foreach (var consumer in transport.DataConsumers.Values.ToList()) CloseDataConsumer(consumer);
    }

    private ulong NowMs() => (ulong)(backend.Scheduler.Now.UtcTicks / TimeSpan.TicksPerMillisecond);
}
