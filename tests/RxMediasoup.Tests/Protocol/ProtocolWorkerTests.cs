using RxMediasoup.Channel;
using RxMediasoup.Protocol;

namespace RxMediasoup.Tests.Protocol;

/// <summary>
/// The producer/consumer/data protocol functions against the real worker (no entities: the worker must accept every
/// body as built here and answer with what the parsers expect).
/// </summary>
public sealed class ProtocolWorkerTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    private static IReadOnlyList<RtpCodecCapability> MediaCodecs =>
    [
        new() { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        new() { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
    ];

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static RtpParameters ProducerParameters() => new()
    {
        Mid = "VIDEO",
        Codecs =
        [
            new RtpCodecParameters
            {
                MimeType = "video/VP8",
                PayloadType = 112,
                ClockRate = 90000,
                RtcpFeedback = [new("nack"), new("nack", "pli"), new("goog-remb")],
            },
            new RtpCodecParameters
            {
                MimeType = "video/rtx",
                PayloadType = 113,
                ClockRate = 90000,
                Parameters = new Dictionary<string, RtpParameterValue> { ["apt"] = 112 },
            },
        ],
        HeaderExtensions =
        [
            new() { Uri = RtpHeaderExtensionUri.Mid, Id = 10 },
            new() { Uri = RtpHeaderExtensionUri.RtpStreamId, Id = 11 },
            new() { Uri = RtpHeaderExtensionUri.AbsSendTime, Id = 12 },
            new() { Uri = RtpHeaderExtensionUri.VideoOrientation, Id = 13 },
        ],
        Encodings =
        [
            new() { Ssrc = 22222222, Rtx = new RtxParameters(22222223), ScalabilityMode = "L1T3", MaxBitrate = 100000 },
            new() { Ssrc = 22222224, Rtx = new RtxParameters(22222225), ScalabilityMode = "L1T3", MaxBitrate = 500000 },
            new() { Ssrc = 22222226, Rtx = new RtxParameters(22222227), ScalabilityMode = "L1T3", MaxBitrate = 1000000 },
        ],
        Rtcp = new RtcpParameters { Cname = "video-1" },
    };

    [Fact]
    public async Task ProducerAndConsumerRequestsAreAcceptedAndAnswersParse()
    {
        var channel = _router.Channel;
        var sendTransport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp() });
        var recvTransport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp() });
        var caps = _router.RtpCapabilities;

        var mapping = Ortc.GetProducerRtpParametersMapping(ProducerParameters(), caps, out var producerParameters);
        var consumable = Ortc.GetConsumableRtpParameters(MediaKind.Video, producerParameters, caps, mapping);
        string producerId = Guid.NewGuid().ToString();
        var produced = await ProducerProtocol.ProduceAsync(channel, sendTransport.Id,
            new ProduceRequestData(producerId, MediaKind.Video, producerParameters, mapping, KeyFrameRequestDelay: 1000), default);
        Assert.Equal(ProducerType.Simulcast, produced.Type);

        var producerDump = await ProducerProtocol.DumpAsync(channel, producerId, default);
        Assert.Equal(producerId, producerDump.Id);
        Assert.Equal(MediaKind.Video, producerDump.Kind);
        Assert.Equal(ProducerType.Simulcast, producerDump.Type);
        Assert.Equal(mapping.Codecs, producerDump.RtpMapping.Codecs);
        // The worker keeps no scalability mode in its mapping.
        Assert.Equal(mapping.Encodings.Select(e => (e.Ssrc, e.Rid, e.MappedSsrc)),
            producerDump.RtpMapping.Encodings.Select(e => (e.Ssrc, e.Rid, e.MappedSsrc)));
        Assert.Equal(producerParameters.Codecs, producerDump.RtpParameters.Codecs);
        Assert.Equal(producerParameters.HeaderExtensions, producerDump.RtpParameters.HeaderExtensions);
        // The worker fills in each encoding's codec payload type and never reports maxBitrate.
        Assert.Equal(producerParameters.Encodings.Select(e => e with { CodecPayloadType = 112, MaxBitrate = null }),
            producerDump.RtpParameters.Encodings);
        Assert.Equal("video-1", producerDump.RtpParameters.Rtcp.Cname);
        Assert.Equal("VIDEO", producerDump.RtpParameters.Mid);
        Assert.Empty(producerDump.RtpStreams); // no RTP received yet
        Assert.Empty(producerDump.TraceEventTypes);
        Assert.False(producerDump.Paused);
        Assert.Empty(await ProducerProtocol.GetStatsAsync(channel, producerId, default));

        await ProducerProtocol.EnableTraceEventAsync(channel, producerId,
            [ProducerTraceEventType.KeyFrame, ProducerTraceEventType.Sr, ProducerTraceEventType.Fir], default);
        await ProducerProtocol.PauseAsync(channel, producerId, () => { }, default);
        producerDump = await ProducerProtocol.DumpAsync(channel, producerId, default);
        Assert.True(producerDump.Paused);
        // The worker accepts "sr" but leaves it out of its dump (mediasoup 3.27.1's Producer::FillBuffer).
        Assert.Equal([ProducerTraceEventType.KeyFrame, ProducerTraceEventType.Fir], producerDump.TraceEventTypes);
        await ProducerProtocol.ResumeAsync(channel, producerId, () => { }, default);

        var consumerParameters = Ortc.GetConsumerRtpParameters(consumable, caps, pipe: false, enableRtx: true) with { Mid = "0" };
        string consumerId = Guid.NewGuid().ToString();
        var consumed = await ConsumerProtocol.ConsumeAsync(channel, recvTransport.Id, new ConsumeRequestData(
            consumerId, producerId, MediaKind.Video, consumerParameters, ConsumerType.Simulcast, consumable.Encodings,
            Paused: true, PreferredLayers: new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 1 }), default);
        Assert.True(consumed.Paused);
        Assert.False(consumed.ProducerPaused);
        Assert.Equal(3, consumed.Score.ProducerScores.Count);
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 1 }, consumed.PreferredLayers);

        var consumerDump = await ConsumerProtocol.DumpAsync(channel, consumerId, default);
        Assert.Equal(consumerId, consumerDump.Id);
        Assert.Equal(producerId, consumerDump.ProducerId);
        Assert.Equal(ConsumerType.Simulcast, consumerDump.Type);
        Assert.Equal(MediaKind.Video, consumerDump.Kind);
        Assert.Equal(consumerParameters.Codecs, consumerDump.RtpParameters.Codecs);
        Assert.Equal(consumerParameters.Encodings.Select(e => e with { CodecPayloadType = 101, MaxBitrate = null }),
            consumerDump.RtpParameters.Encodings);
        Assert.Equal("0", consumerDump.RtpParameters.Mid);
        Assert.Equal(consumable.Encodings.Select(e => e with { MaxBitrate = null }), consumerDump.ConsumableRtpEncodings);
        Assert.Equal(consumerParameters.Codecs.Select(c => c.PayloadType).Take(1), consumerDump.SupportedCodecPayloadTypes);
        Assert.True(consumerDump.Paused);
        Assert.Equal(1, consumerDump.Priority);
        var stream = Assert.Single(consumerDump.RtpStreams);
        Assert.Equal(consumerParameters.Encodings[0].Ssrc, stream.Params.Ssrc);
        Assert.Equal(consumerParameters.Encodings[0].Rtx?.Ssrc, stream.RtxStream?.Ssrc);
        Assert.Equal(1, consumerDump.PreferredSpatialLayer);
        Assert.Equal(1, consumerDump.PreferredTemporalLayer);

        Assert.Equal(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 0 },
            await ConsumerProtocol.SetPreferredLayersAsync(channel, consumerId, new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 0 }, null, default));
        Assert.Equal(new ConsumerLayers { SpatialLayer = 0, TemporalLayer = 2 },
            await ConsumerProtocol.SetPreferredLayersAsync(channel, consumerId, new ConsumerLayers { SpatialLayer = 0 }, null, default));
        Assert.Equal(3, await ConsumerProtocol.SetPriorityAsync(channel, consumerId, 3, null, default));
        await ConsumerProtocol.EnableTraceEventAsync(channel, consumerId, [ConsumerTraceEventType.Pli, ConsumerTraceEventType.Rtp], default);
        await ConsumerProtocol.ResumeAsync(channel, consumerId, () => { }, default);
        await ConsumerProtocol.RequestKeyFrameAsync(channel, consumerId, default);
        await ConsumerProtocol.PauseAsync(channel, consumerId, () => { }, default);
        consumerDump = await ConsumerProtocol.DumpAsync(channel, consumerId, default);
        Assert.Equal([ConsumerTraceEventType.Rtp, ConsumerTraceEventType.Pli], consumerDump.TraceEventTypes); // in the worker's order
        Assert.Equal(3, consumerDump.Priority);
        var consumerStats = await ConsumerProtocol.GetStatsAsync(channel, consumerId, default);
        Assert.All(consumerStats, s => Assert.Equal(RtpStreamStatsType.OutboundRtp, s.Type));

        // A pipe consumer of the same producer.
        var pipeParameters = Ortc.GetPipeConsumerRtpParameters(consumable, enableRtx: true);
        string pipeConsumerId = Guid.NewGuid().ToString();
        await ConsumerProtocol.ConsumeAsync(channel, recvTransport.Id, new ConsumeRequestData(
            pipeConsumerId, producerId, MediaKind.Video, pipeParameters, ConsumerType.Pipe, consumable.Encodings), default);
        var pipeDump = await ConsumerProtocol.DumpAsync(channel, pipeConsumerId, default);
        Assert.Equal(ConsumerType.Pipe, pipeDump.Type);
        Assert.Equal(3, pipeDump.RtpStreams.Count);

        await ConsumerProtocol.CloseAsync(channel, recvTransport.Id, consumerId, default);
        await ConsumerProtocol.CloseAsync(channel, recvTransport.Id, pipeConsumerId, default);
        await ProducerProtocol.CloseAsync(channel, sendTransport.Id, producerId, default);
        var routerDump = await _router.DumpAsync();
        Assert.Empty(routerDump.MapProducerIdConsumerIds);
        Assert.Empty(routerDump.MapConsumerIdProducerId);
    }

    [Fact]
    public async Task DataProducerAndDataConsumerRequestsAreAcceptedAndAnswersParse()
    {
        var channel = _router.Channel;
        var transport = await _router.CreateDirectTransportAsync();

        string dataProducerId = Guid.NewGuid().ToString();
        var dataProducer = await DataProducerProtocol.ProduceDataAsync(channel, transport.Id,
            new ProduceDataRequestData(dataProducerId, DataProducerType.Direct, null, "chat", "json"), default);
        Assert.Equal(new DataProducerDump
        {
            Id = dataProducerId, Type = DataProducerType.Direct, Label = "chat", Protocol = "json", Paused = false,
        }, dataProducer);

        string dataConsumerId = Guid.NewGuid().ToString();
        var dataConsumer = await DataConsumerProtocol.ConsumeDataAsync(channel, transport.Id,
            new ConsumeDataRequestData(dataConsumerId, dataProducerId, DataConsumerType.Direct, null, "chat", "json", Subchannels: [1, 2]), default);
        Assert.Equal(dataConsumerId, dataConsumer.Id);
        Assert.Equal(dataProducerId, dataConsumer.DataProducerId);
        Assert.Equal(DataConsumerType.Direct, dataConsumer.Type);
        Assert.Null(dataConsumer.SctpStreamParameters);
        Assert.Equal("chat", dataConsumer.Label);
        Assert.Equal("json", dataConsumer.Protocol);
        Assert.Equal([1, 2], dataConsumer.Subchannels.Order());

        // The worker answers with its set of subchannels, in no particular order.
        Assert.Equal([1, 2, 3], (await DataConsumerProtocol.AddSubchannelAsync(channel, dataConsumerId, 3, null, default)).Order());
        Assert.Equal([2, 3], (await DataConsumerProtocol.RemoveSubchannelAsync(channel, dataConsumerId, 1, null, default)).Order());
        Assert.Equal([7, 8], (await DataConsumerProtocol.SetSubchannelsAsync(channel, dataConsumerId, [8, 7], null, default)).Order());

        // A message through the data producer reaches the data consumer (subchannel 7 matches).
        var messages = new MessageSink();
        channel.RegisterHandler(dataConsumerId, messages);
        var (ppid, payload) = DataProducerProtocol.Payload("hello");
        DataProducerProtocol.Send(channel, dataProducerId, new DataProducerSendData(ppid, payload, Subchannels: [7]));
        var message = await messages.First.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(51u, message.Ppid);
        Assert.Equal("hello"u8.ToArray(), message.Payload);
        channel.UnregisterHandler(dataConsumerId);

        var producerStats = await DataProducerProtocol.GetStatsAsync(channel, dataProducerId, default);
        Assert.Equal("chat", producerStats.Label);
        Assert.Equal(1, producerStats.MessagesReceived);
        Assert.Equal(5, producerStats.BytesReceived);
        var consumerStats = await DataConsumerProtocol.GetStatsAsync(channel, dataConsumerId, default);
        Assert.Equal(1, consumerStats.MessagesSent);
        Assert.Equal(5, consumerStats.BytesSent);

        await DataProducerProtocol.PauseAsync(channel, dataProducerId, null, default);
        Assert.True((await DataProducerProtocol.DumpAsync(channel, dataProducerId, default)).Paused);
        Assert.True((await DataConsumerProtocol.DumpAsync(channel, dataConsumerId, default)).DataProducerPaused);
        await DataProducerProtocol.ResumeAsync(channel, dataProducerId, null, default);
        await DataConsumerProtocol.PauseAsync(channel, dataConsumerId, null, default);
        var dump = await DataConsumerProtocol.DumpAsync(channel, dataConsumerId, default);
        Assert.True(dump.Paused);
        Assert.False(dump.DataProducerPaused);
        await DataConsumerProtocol.ResumeAsync(channel, dataConsumerId, null, default);

        await DataConsumerProtocol.CloseAsync(channel, transport.Id, dataConsumerId, default);
        await DataProducerProtocol.CloseAsync(channel, transport.Id, dataProducerId, default);
        var routerDump = await _router.DumpAsync();
        Assert.Empty(routerDump.MapDataProducerIdDataConsumerIds);
    }

    [Fact]
    public async Task SctpDataProducerAndDataConsumer()
    {
        var channel = _router.Channel;
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp(), EnableSctp = true });

        string dataProducerId = Guid.NewGuid().ToString();
        var producerStream = new SctpStreamParameters { StreamId = 4, Ordered = false, MaxPacketLifeTime = 500 };
        var dataProducer = await DataProducerProtocol.ProduceDataAsync(channel, transport.Id,
            new ProduceDataRequestData(dataProducerId, DataProducerType.Sctp, producerStream, "sctp-label", "sctp-protocol", Paused: true), default);
        Assert.Equal(new DataProducerDump
        {
            Id = dataProducerId,
            Type = DataProducerType.Sctp,
            SctpStreamParameters = producerStream,
            Label = "sctp-label",
            Protocol = "sctp-protocol",
            Paused = true,
        }, dataProducer);

        string dataConsumerId = Guid.NewGuid().ToString();
        var consumerStream = new SctpStreamParameters { StreamId = 0, Ordered = false, MaxRetransmits = 2 };
        var dataConsumer = await DataConsumerProtocol.ConsumeDataAsync(channel, transport.Id, new ConsumeDataRequestData(
            dataConsumerId, dataProducerId, DataConsumerType.Sctp, consumerStream, "sctp-label", "sctp-protocol"), default);
        Assert.Equal(DataConsumerType.Sctp, dataConsumer.Type);
        Assert.Equal(consumerStream, dataConsumer.SctpStreamParameters);
        Assert.True(dataConsumer.DataProducerPaused);
        Assert.False(dataConsumer.Paused);
        Assert.Empty(dataConsumer.Subchannels);

        await DataConsumerProtocol.SetBufferedAmountLowThresholdAsync(channel, dataConsumerId, 1000, null, default);
        Assert.Equal(0, await DataConsumerProtocol.GetBufferedAmountAsync(channel, dataConsumerId, default));
        Assert.Equal(1000, (await DataConsumerProtocol.DumpAsync(channel, dataConsumerId, default)).BufferedAmountLowThreshold);

        await DataConsumerProtocol.CloseAsync(channel, transport.Id, dataConsumerId, default);
        await DataProducerProtocol.CloseAsync(channel, transport.Id, dataProducerId, default);
    }

    [Fact]
    public async Task RtpThroughADirectTransportYieldsStatsDumpsTracesAndPackets()
    {
        var channel = _router.Channel;
        var transport = await _router.CreateDirectTransportAsync();
        var caps = _router.RtpCapabilities;
        var parameters = new RtpParameters
        {
            Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
            Encodings = [new() { Ssrc = 1111 }],
            Rtcp = new RtcpParameters { Cname = "audio-1" },
        };
        var mapping = Ortc.GetProducerRtpParametersMapping(parameters, caps, out var producerParameters);
        var consumable = Ortc.GetConsumableRtpParameters(MediaKind.Audio, producerParameters, caps, mapping);
        string producerId = Guid.NewGuid().ToString();
        Assert.Equal(ProducerType.Simple, (await ProducerProtocol.ProduceAsync(channel, transport.Id,
            new ProduceRequestData(producerId, MediaKind.Audio, producerParameters, mapping), default)).Type);
        var producerEvents = new Sink();
        channel.RegisterHandler(producerId, producerEvents);
        await ProducerProtocol.EnableTraceEventAsync(channel, producerId, [ProducerTraceEventType.Rtp], default);

        var consumerParameters = Ortc.GetConsumerRtpParameters(consumable, caps, pipe: false, enableRtx: false) with { Mid = "0" };
        string consumerId = Guid.NewGuid().ToString();
        await ConsumerProtocol.ConsumeAsync(channel, transport.Id, new ConsumeRequestData(
            consumerId, producerId, MediaKind.Audio, consumerParameters, ConsumerType.Simple, consumable.Encodings), default);
        var consumerEvents = new Sink();
        channel.RegisterHandler(consumerId, consumerEvents);

        for (int i = 0; i < 5; i++)
        {
            var packet = new byte[12 + 20];
            packet[0] = 0x80;
            packet[1] = 100;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(1000 + i));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(960 * i));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 1111);
            packet.AsSpan(12).Fill(0x42);
            ProducerProtocol.Send(channel, producerId, packet);
        }

        var forwarded = await consumerEvents.Rtp.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(forwarded[^20..], b => Assert.Equal(0x42, b)); // the payload (the worker may add header extensions)
        Assert.Equal(consumerParameters.Encodings[0].Ssrc, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(forwarded.AsSpan(8)));
        Assert.Equal(consumerParameters.Codecs[0].PayloadType, forwarded[1] & 0x7f);

        var trace = await producerEvents.ProducerTrace.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(ProducerTraceEventType.Rtp, trace.Type);
        Assert.Equal(TraceDirection.In, trace.Direction);
        Assert.True(trace.Timestamp > 0);
        var info = Assert.IsType<RtpTraceInfo>(trace.Info);
        Assert.False(info.IsRtx);
        Assert.Equal(1111u, info.RtpPacket.Ssrc);
        Assert.Equal(100, info.RtpPacket.PayloadType);
        Assert.Equal(1000, info.RtpPacket.SequenceNumber);
        Assert.Equal(32, info.RtpPacket.Size);
        Assert.Equal(20, info.RtpPacket.PayloadSize);

        var producerStats = Assert.Single(await ProducerProtocol.GetStatsAsync(channel, producerId, default));
        Assert.Equal(RtpStreamStatsType.InboundRtp, producerStats.Type);
        Assert.Equal(1111u, producerStats.Ssrc);
        Assert.Equal(MediaKind.Audio, producerStats.Kind);
        Assert.Equal("audio/opus", producerStats.MimeType);
        Assert.Equal(5, producerStats.PacketCount);
        Assert.Equal(5 * 32, producerStats.ByteCount);
        Assert.Null(producerStats.Rid);
        Assert.Null(producerStats.RtxSsrc);

        var consumerStats = await ConsumerProtocol.GetStatsAsync(channel, consumerId, default);
        Assert.Equal([RtpStreamStatsType.OutboundRtp, RtpStreamStatsType.InboundRtp], consumerStats.Select(s => s.Type));
        Assert.Equal(consumerParameters.Encodings[0].Ssrc, consumerStats[0].Ssrc);
        Assert.Equal(5, consumerStats[0].PacketCount);
        Assert.Equal(1111u, consumerStats[1].Ssrc);

        var producerStream = Assert.Single((await ProducerProtocol.DumpAsync(channel, producerId, default)).RtpStreams);
        Assert.Equal(1111u, producerStream.Params.Ssrc);
        Assert.Equal(100, producerStream.Params.PayloadType);
        Assert.Equal("audio/opus", producerStream.Params.MimeType);
        Assert.Equal(48000, producerStream.Params.ClockRate);
        Assert.Equal("audio-1", producerStream.Params.Cname);
        Assert.Null(producerStream.RtxStream);
        var consumerStream = Assert.Single((await ConsumerProtocol.DumpAsync(channel, consumerId, default)).RtpStreams);
        Assert.Equal(consumerParameters.Encodings[0].Ssrc, consumerStream.Params.Ssrc);

        channel.UnregisterHandler(producerId);
        channel.UnregisterHandler(consumerId);
    }

    private sealed class Sink : INotificationSink
    {
        public TaskCompletionSource<byte[]> Rtp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ProducerTraceEvent> ProducerTrace { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnNotification(FBS.Notification.Event @event, in FBS.Notification.Notification notification)
        {
            if (@event == FBS.Notification.Event.CONSUMER_RTP) Rtp.TrySetResult(ConsumerProtocol.ParseRtpNotification(notification));
            else if (@event == FBS.Notification.Event.PRODUCER_TRACE) ProducerTrace.TrySetResult(ProducerProtocol.ParseTraceNotification(notification));
        }
    }

    private static ListenInfo Udp() => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    private sealed class MessageSink : INotificationSink
    {
        public TaskCompletionSource<DataMessage> First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnNotification(FBS.Notification.Event @event, in FBS.Notification.Notification notification)
        {
            if (@event == FBS.Notification.Event.DATACONSUMER_MESSAGE)
                First.TrySetResult(DataConsumerProtocol.ParseMessageNotification(notification).Value);
        }
    }
}
