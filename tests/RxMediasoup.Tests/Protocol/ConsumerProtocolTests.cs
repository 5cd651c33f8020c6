using RxMediasoup.Protocol;
using Event = FBS.Notification.Event;
using FbsConsumer = FBS.Consumer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Tests.Protocol;

/// <summary>TRANSPORT_CONSUME and the consumer's requests, responses and notifications.</summary>
public class ConsumerProtocolTests
{
    private static RtpParameters ConsumerRtpParameters() => RtpParametersProtocolTests.SimulcastVp8() with
    {
        Mid = "1",
        Encodings = [new() { Ssrc = 55555555, Rtx = new RtxParameters(55555556), ScalabilityMode = "L3T3" }],
        Msid = null,
    };

    private static ConsumeRequestData Request(ConsumerLayers? preferredLayers, ConsumerType type = ConsumerType.Simulcast) => new(
        "consumer-1", "producer-1", MediaKind.Video, ConsumerRtpParameters(), type,
        RtpParametersProtocolTests.SimulcastVp8().Encodings, Paused: true, PreferredLayers: preferredLayers, IgnoreDtx: true);

    [Fact]
    public void ConsumeRequestCarriesEveryField()
    {
        var data = Request(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 1 });
        var r = Fbs.Root(b => ConsumerProtocol.WriteConsumeRequest(b, data).Value, FBS.Transport.ConsumeRequest.GetRootAsConsumeRequest);
        Assert.Equal("consumer-1", r.ConsumerId);
        Assert.Equal("producer-1", r.ProducerId);
        Assert.Equal(FBS.RtpParameters.MediaKind.VIDEO, r.Kind);
        Assert.Equal(data.RtpParameters, RtpParametersProtocol.Parse(r.RtpParameters!.Value));
        Assert.Equal(FBS.RtpParameters.Type.SIMULCAST, r.Type);
        Assert.Equal(data.ConsumableRtpEncodings, RtpParametersProtocol.ParseEncodings(r.ConsumableRtpEncodingsLength, r.ConsumableRtpEncodings));
        Assert.True(r.Paused);
        Assert.Equal((byte)2, r.PreferredLayers!.Value.SpatialLayer);
        Assert.Equal((byte)1, r.PreferredLayers!.Value.TemporalLayer);
        Assert.True(r.IgnoreDtx);
    }

    [Fact]
    public void ConsumeRequestLeavesOutWhatIsNotGiven()
    {
        var data = Request(new ConsumerLayers { SpatialLayer = 0 }, ConsumerType.Pipe) with
        {
            Paused = false,
            IgnoreDtx = false,
            ConsumableRtpEncodings = [],
        };
        var r = Fbs.Root(b => ConsumerProtocol.WriteConsumeRequest(b, data).Value, FBS.Transport.ConsumeRequest.GetRootAsConsumeRequest).UnPack();
        Assert.Equal(FBS.RtpParameters.Type.PIPE, r.Type);
        Assert.Equal((byte)0, r.PreferredLayers.SpatialLayer);
        Assert.Null(r.PreferredLayers.TemporalLayer);
        Assert.False(r.Paused);
        Assert.False(r.IgnoreDtx);
        Assert.Empty(r.ConsumableRtpEncodings);

        var noLayers = Fbs.Root(b => ConsumerProtocol.WriteConsumeRequest(b, data with { PreferredLayers = null }).Value,
            FBS.Transport.ConsumeRequest.GetRootAsConsumeRequest);
        Assert.Null(noLayers.PreferredLayers);
    }

    [Theory]
    [InlineData(ConsumerType.Simple, (byte)FBS.RtpParameters.Type.SIMPLE)]
    [InlineData(ConsumerType.Simulcast, (byte)FBS.RtpParameters.Type.SIMULCAST)]
    [InlineData(ConsumerType.Svc, (byte)FBS.RtpParameters.Type.SVC)]
    [InlineData(ConsumerType.Pipe, (byte)FBS.RtpParameters.Type.PIPE)]
    public void ConsumerTypesMapBothWays(ConsumerType type, byte fbsType)
    {
        var fbs = (FBS.RtpParameters.Type)fbsType;
        Assert.Equal(fbs, RtpParametersProtocol.ToFbs(type));
        Assert.Equal(type, RtpParametersProtocol.ConsumerTypeFromFbs(fbs));
    }

    [Fact]
    public async Task ConsumeSendsTheRequestToTheTransportAndReadsTheResponse()
    {
        using var peer = new ProtocolPeer();
        var task = ConsumerProtocol.ConsumeAsync(peer.Channel, "transport-1", Request(null), CancellationToken.None);
        var request = await peer.ExpectAsync(Method.TRANSPORT_CONSUME, "transport-1",
            FBS.Response.BodyUnion.FromTransport_ConsumeResponse(new FBS.Transport.ConsumeResponseT
            {
                Paused = true,
                ProducerPaused = true,
                Score = new FbsConsumer.ConsumerScoreT { Score = 10, ProducerScore = 7, ProducerScores = [7, 8, 0] },
                PreferredLayers = new FbsConsumer.ConsumerLayersT { SpatialLayer = 2, TemporalLayer = 2 },
            }));
        Assert.Equal("consumer-1", request.Body.AsTransport_ConsumeRequest().ConsumerId);
        var result = await task;
        Assert.True(result.Paused);
        Assert.True(result.ProducerPaused);
        Assert.Equal(new ConsumerScore { Score = 10, ProducerScore = 7, ProducerScores = [7, 8, 0] }, result.Score);
        Assert.Equal(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 2 }, result.PreferredLayers);
    }

    [Fact]
    public async Task ConsumeResponseWithoutPreferredLayers()
    {
        using var peer = new ProtocolPeer();
        var task = ConsumerProtocol.ConsumeAsync(peer.Channel, "transport-1", Request(null, ConsumerType.Simple), CancellationToken.None);
        await peer.ExpectAsync(Method.TRANSPORT_CONSUME, "transport-1",
            FBS.Response.BodyUnion.FromTransport_ConsumeResponse(new FBS.Transport.ConsumeResponseT
            {
                Score = new FbsConsumer.ConsumerScoreT { Score = 10, ProducerScore = 10, ProducerScores = [10] },
            }));
        var result = await task;
        Assert.False(result.Paused);
        Assert.Null(result.PreferredLayers);
        Assert.Equal([10], result.Score.ProducerScores);
    }

    [Fact]
    public async Task SetPreferredLayersReturnsWhatTheWorkerSettledOn()
    {
        using var peer = new ProtocolPeer();
        var applied = new List<ConsumerLayers?>();
        var task = ConsumerProtocol.SetPreferredLayersAsync(peer.Channel, "consumer-1", new ConsumerLayers { SpatialLayer = 1 }, applied.Add,
            CancellationToken.None);
        var request = await peer.ExpectAsync(Method.CONSUMER_SET_PREFERRED_LAYERS, "consumer-1",
            FBS.Response.BodyUnion.FromConsumer_SetPreferredLayersResponse(new FbsConsumer.SetPreferredLayersResponseT
            {
                PreferredLayers = new FbsConsumer.ConsumerLayersT { SpatialLayer = 1, TemporalLayer = 2 },
            }));
        var body = request.Body.AsConsumer_SetPreferredLayersRequest();
        Assert.Equal((byte)1, body.PreferredLayers.SpatialLayer);
        Assert.Null(body.PreferredLayers.TemporalLayer);
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }, await task);
        // The answer's value is applied as the answer is read, before the awaiter resumes.
        Assert.Equal([new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }], applied);

        // Simple consumers answer with no body.
        var simple = ConsumerProtocol.SetPreferredLayersAsync(peer.Channel, "consumer-2",
            new ConsumerLayers { SpatialLayer = 0, TemporalLayer = 0 }, applied.Add, CancellationToken.None);
        var request2 = await peer.ExpectAsync(Method.CONSUMER_SET_PREFERRED_LAYERS, "consumer-2");
        Assert.Equal((byte?)0, request2.Body.AsConsumer_SetPreferredLayersRequest().PreferredLayers.TemporalLayer);
        Assert.Null(await simple);
        Assert.Null(applied[1]);
    }

    [Fact]
    public async Task SetPriorityReturnsThePriority()
    {
        using var peer = new ProtocolPeer();
        int applied = 0;
        var task = ConsumerProtocol.SetPriorityAsync(peer.Channel, "consumer-1", 3, p => applied = p, CancellationToken.None);
        var request = await peer.ExpectAsync(Method.CONSUMER_SET_PRIORITY, "consumer-1",
            FBS.Response.BodyUnion.FromConsumer_SetPriorityResponse(new FbsConsumer.SetPriorityResponseT { Priority = 3 }));
        Assert.Equal((byte)3, request.Body.AsConsumer_SetPriorityRequest().Priority);
        Assert.Equal(3, await task);
        Assert.Equal(3, applied);
    }

    [Fact]
    public async Task BodilessRequests()
    {
        using var peer = new ProtocolPeer();
        (Func<Task> Send, Method Method)[] cases =
        [
            (() => ConsumerProtocol.PauseAsync(peer.Channel, "c", () => { }, CancellationToken.None), Method.CONSUMER_PAUSE),
            (() => ConsumerProtocol.ResumeAsync(peer.Channel, "c", () => { }, CancellationToken.None), Method.CONSUMER_RESUME),
            (() => ConsumerProtocol.RequestKeyFrameAsync(peer.Channel, "c", CancellationToken.None), Method.CONSUMER_REQUEST_KEY_FRAME),
        ];
        foreach (var (send, method) in cases)
        {
            var task = send();
            Assert.Equal(FBS.Request.Body.NONE, (await peer.ExpectAsync(method, "c")).Body.Type);
            await task;
        }
        var close = ConsumerProtocol.CloseAsync(peer.Channel, "transport-1", "c", CancellationToken.None);
        Assert.Equal("c", (await peer.ExpectAsync(Method.TRANSPORT_CLOSE_CONSUMER, "transport-1")).Body.AsTransport_CloseConsumerRequest().ConsumerId);
        await close;
    }

    [Fact]
    public async Task EnableTraceEventSendsEveryType()
    {
        using var peer = new ProtocolPeer();
        ConsumerTraceEventType[] types =
        [
            ConsumerTraceEventType.Rtp, ConsumerTraceEventType.KeyFrame, ConsumerTraceEventType.Nack,
            ConsumerTraceEventType.Pli, ConsumerTraceEventType.Fir,
        ];
        var task = ConsumerProtocol.EnableTraceEventAsync(peer.Channel, "consumer-1", types, CancellationToken.None);
        var request = await peer.ExpectAsync(Method.CONSUMER_ENABLE_TRACE_EVENT, "consumer-1");
        Assert.Equal(
            [
                FbsConsumer.TraceEventType.RTP, FbsConsumer.TraceEventType.KEYFRAME, FbsConsumer.TraceEventType.NACK,
                FbsConsumer.TraceEventType.PLI, FbsConsumer.TraceEventType.FIR,
            ],
            request.Body.AsConsumer_EnableTraceEventRequest().Events);
        await task;
    }

    private static FbsConsumer.BaseConsumerDumpT Base(FBS.RtpParameters.Type type) => new()
    {
        Id = "consumer-1",
        Type = type,
        ProducerId = "producer-1",
        Kind = FBS.RtpParameters.MediaKind.VIDEO,
        RtpParameters = RtpParametersProtocolTests.Serialize(ConsumerRtpParameters()).UnPack(),
        ConsumableRtpEncodings = RtpParametersProtocolTests.Serialize(RtpParametersProtocolTests.SimulcastVp8()).UnPack().Encodings,
        SupportedCodecPayloadTypes = [96, 97],
        TraceEventTypes = [FbsConsumer.TraceEventType.PLI],
        Paused = false,
        ProducerPaused = true,
        Priority = 2,
    };

    [Fact]
    public async Task SimulcastDumpParsesEveryField()
    {
        using var peer = new ProtocolPeer();
        var task = ConsumerProtocol.DumpAsync(peer.Channel, "consumer-1", CancellationToken.None);
        await peer.ExpectAsync(Method.CONSUMER_DUMP, "consumer-1", FBS.Response.BodyUnion.FromConsumer_DumpResponse(new FbsConsumer.DumpResponseT
        {
            Data = new FbsConsumer.ConsumerDumpT
            {
                Base = Base(FBS.RtpParameters.Type.SIMULCAST),
                RtpStreams = [StreamFixtures.StreamDump(55555555, null, withRtx: true)],
                PreferredSpatialLayer = 2,
                TargetSpatialLayer = 1,
                CurrentSpatialLayer = 0,
                PreferredTemporalLayer = 2,
                TargetTemporalLayer = -1,
                CurrentTemporalLayer = 1,
            },
        }));
        Assert.Equal(new ConsumerDump
        {
            Id = "consumer-1",
            ProducerId = "producer-1",
            Kind = MediaKind.Video,
            Type = ConsumerType.Simulcast,
            RtpParameters = ConsumerRtpParameters(),
            ConsumableRtpEncodings = RtpParametersProtocolTests.SimulcastVp8().Encodings,
            SupportedCodecPayloadTypes = [96, 97],
            TraceEventTypes = [ConsumerTraceEventType.Pli],
            Paused = false,
            ProducerPaused = true,
            Priority = 2,
            RtpStreams = [StreamFixtures.StreamDumpModel(55555555, null, withRtx: true)],
            PreferredSpatialLayer = 2,
            TargetSpatialLayer = 1,
            CurrentSpatialLayer = 0,
            PreferredTemporalLayer = 2,
            TargetTemporalLayer = -1,
            CurrentTemporalLayer = 1,
        }, await task);
    }

    [Fact]
    public void PipeDumpHasAllStreamsAndNoLayers()
    {
        var response = Fbs.Response(FBS.Response.BodyUnion.FromConsumer_DumpResponse(new FbsConsumer.DumpResponseT
        {
            Data = new FbsConsumer.ConsumerDumpT
            {
                Base = Base(FBS.RtpParameters.Type.PIPE),
                RtpStreams = [StreamFixtures.StreamDump(1, "r0", true), StreamFixtures.StreamDump(3, "r1", false)],
            },
        }));
        var dump = ConsumerProtocol.ParseDumpResponse(response);
        Assert.Equal(ConsumerType.Pipe, dump.Type);
        Assert.Equal([StreamFixtures.StreamDumpModel(1, "r0", true), StreamFixtures.StreamDumpModel(3, "r1", false)], dump.RtpStreams);
        Assert.Null(dump.PreferredSpatialLayer);
        Assert.Null(dump.CurrentTemporalLayer);
    }

    [Fact]
    public async Task StatsAreTheConsumersOutboundThenTheProducersInbound()
    {
        using var peer = new ProtocolPeer();
        var task = ConsumerProtocol.GetStatsAsync(peer.Channel, "consumer-1", CancellationToken.None);
        await peer.ExpectAsync(Method.CONSUMER_GET_STATS, "consumer-1", FBS.Response.BodyUnion.FromConsumer_GetStatsResponse(
            new FbsConsumer.GetStatsResponseT { Stats = [StreamFixtures.SendStats(55555555), StreamFixtures.RecvStats(1111, "r0")] }));
        var stats = await task;
        Assert.Equal([StreamFixtures.SendStatsModel(55555555), StreamFixtures.RecvStatsModel(1111, "r0")], stats);
        Assert.Null(stats[0].RtxPacketsDiscarded); // 0 means none, like mediasoup
        Assert.Empty(stats[0].BitrateByLayer);
    }

    [Fact]
    public void ScoreNotification()
    {
        var n = Fbs.Notification(Event.CONSUMER_SCORE, FBS.Notification.BodyUnion.FromConsumer_ScoreNotification(new FbsConsumer.ScoreNotificationT
        {
            Score = new FbsConsumer.ConsumerScoreT { Score = 9, ProducerScore = 8, ProducerScores = [8, 5] },
        }));
        Assert.Equal(new ConsumerScore { Score = 9, ProducerScore = 8, ProducerScores = [8, 5] }, ConsumerProtocol.ParseScoreNotification(n));
    }

    [Fact]
    public void LayersChangeNotification()
    {
        var withLayers = Fbs.Notification(Event.CONSUMER_LAYERS_CHANGE, FBS.Notification.BodyUnion.FromConsumer_LayersChangeNotification(
            new FbsConsumer.LayersChangeNotificationT { Layers = new FbsConsumer.ConsumerLayersT { SpatialLayer = 1, TemporalLayer = 0 } }));
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 0 }, ConsumerProtocol.ParseLayersChangeNotification(withLayers));

        var none = Fbs.Notification(Event.CONSUMER_LAYERS_CHANGE, FBS.Notification.BodyUnion.FromConsumer_LayersChangeNotification(
            new FbsConsumer.LayersChangeNotificationT()));
        Assert.Null(ConsumerProtocol.ParseLayersChangeNotification(none));
    }

    [Fact]
    public void RtpNotification()
    {
        byte[] packet = [0x80, 0x60, 1, 2, 3];
        var n = Fbs.Notification(Event.CONSUMER_RTP, FBS.Notification.BodyUnion.FromConsumer_RtpNotification(
            new FbsConsumer.RtpNotificationT { Data = [.. packet] }));
        Assert.Equal(packet, ConsumerProtocol.ParseRtpNotification(n));
    }

    [Fact]
    public void TraceNotifications()
    {
        FBS.Notification.Notification Trace(FbsConsumer.TraceEventType type, FbsConsumer.TraceInfoUnion info)
            => Fbs.Notification(Event.CONSUMER_TRACE, FBS.Notification.BodyUnion.FromConsumer_TraceNotification(new FbsConsumer.TraceNotificationT
            {
                Type = type,
                Timestamp = 99,
                Direction = FBS.Common.TraceDirection.DIRECTION_OUT,
                Info = info,
            }));

        Assert.Equal(new ConsumerTraceEvent
        {
            Type = ConsumerTraceEventType.Rtp,
            Timestamp = 99,
            Direction = TraceDirection.Out,
            Info = new RtpTraceInfo { RtpPacket = StreamFixtures.PacketModel(), IsRtx = true },
        }, ConsumerProtocol.ParseTraceNotification(Trace(FbsConsumer.TraceEventType.RTP,
            FbsConsumer.TraceInfoUnion.FromRtpTraceInfo(new FbsConsumer.RtpTraceInfoT { RtpPacket = StreamFixtures.Packet(), IsRtx = true }))));
        Assert.Equal(new KeyFrameTraceInfo { RtpPacket = StreamFixtures.PacketModel() }, ConsumerProtocol.ParseTraceNotification(
            Trace(FbsConsumer.TraceEventType.KEYFRAME, FbsConsumer.TraceInfoUnion.FromKeyFrameTraceInfo(
                new FbsConsumer.KeyFrameTraceInfoT { RtpPacket = StreamFixtures.Packet() }))).Info);
        Assert.Equal(new PliTraceInfo { Ssrc = 7 }, ConsumerProtocol.ParseTraceNotification(Trace(FbsConsumer.TraceEventType.PLI,
            FbsConsumer.TraceInfoUnion.FromPliTraceInfo(new FbsConsumer.PliTraceInfoT { Ssrc = 7 }))).Info);
        Assert.Equal(new FirTraceInfo { Ssrc = 8 }, ConsumerProtocol.ParseTraceNotification(Trace(FbsConsumer.TraceEventType.FIR,
            FbsConsumer.TraceInfoUnion.FromFirTraceInfo(new FbsConsumer.FirTraceInfoT { Ssrc = 8 }))).Info);
        var nack = ConsumerProtocol.ParseTraceNotification(Trace(FbsConsumer.TraceEventType.NACK, new FbsConsumer.TraceInfoUnion()));
        Assert.Equal(ConsumerTraceEventType.Nack, nack.Type);
        Assert.Null(nack.Info);
    }
}
