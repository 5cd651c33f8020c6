using RxMediasoup.Protocol;
using Event = FBS.Notification.Event;
using FbsProducer = FBS.Producer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Tests.Protocol;

/// <summary>TRANSPORT_PRODUCE and the producer's requests, responses and notifications.</summary>
public class ProducerProtocolTests
{
    private static ProduceRequestData Request() => new(
        "producer-1", MediaKind.Video, RtpParametersProtocolTests.SimulcastVp8(), RtpParametersProtocolTests.Mapping(),
        Paused: true, KeyFrameRequestDelay: 5000, EnableMediasoupPacketIdHeaderExtension: true);

    [Fact]
    public void ProduceRequestCarriesEveryField()
    {
        var data = Request();
        var r = Fbs.Root(b => ProducerProtocol.WriteProduceRequest(b, data).Value, FBS.Transport.ProduceRequest.GetRootAsProduceRequest);
        Assert.Equal("producer-1", r.ProducerId);
        Assert.Equal(FBS.RtpParameters.MediaKind.VIDEO, r.Kind);
        Assert.Equal(data.RtpParameters, RtpParametersProtocol.Parse(r.RtpParameters!.Value));
        Assert.Equal(data.RtpMapping, RtpParametersProtocol.ParseMapping(r.RtpMapping!.Value));
        Assert.True(r.Paused);
        Assert.Equal(5000u, r.KeyFrameRequestDelay);
        Assert.True(r.EnableMediasoupPacketIdHeaderExtension);
    }

    [Fact]
    public void ProduceRequestDefaults()
    {
        var data = new ProduceRequestData("p", MediaKind.Audio, RtpParametersProtocolTests.Opus(), new RtpMapping());
        var r = Fbs.Root(b => ProducerProtocol.WriteProduceRequest(b, data).Value, FBS.Transport.ProduceRequest.GetRootAsProduceRequest).UnPack();
        Assert.Equal(FBS.RtpParameters.MediaKind.AUDIO, r.Kind);
        Assert.False(r.Paused);
        Assert.Equal(0u, r.KeyFrameRequestDelay);
        Assert.False(r.EnableMediasoupPacketIdHeaderExtension);
        Assert.Empty(r.RtpMapping.Codecs);
        Assert.Empty(r.RtpMapping.Encodings);
    }

    [Fact]
    public async Task ProduceSendsTheRequestToTheTransportAndReadsTheType()
    {
        using var peer = new ProtocolPeer();
        var task = ProducerProtocol.ProduceAsync(peer.Channel, "transport-1", Request(), CancellationToken.None);
        var request = await peer.ExpectAsync(Method.TRANSPORT_PRODUCE, "transport-1",
            FBS.Response.BodyUnion.FromTransport_ProduceResponse(new FBS.Transport.ProduceResponseT { Type = FBS.RtpParameters.Type.SIMULCAST }));
        Assert.Equal(FBS.Request.Body.Transport_ProduceRequest, request.Body.Type);
        Assert.Equal("producer-1", request.Body.AsTransport_ProduceRequest().ProducerId);
        Assert.Equal(new ProduceResult(ProducerType.Simulcast), await task);
    }

    [Fact]
    public async Task CloseGoesToTheTransportWithTheProducerId()
    {
        using var peer = new ProtocolPeer();
        var task = ProducerProtocol.CloseAsync(peer.Channel, "transport-1", "producer-1", CancellationToken.None);
        var request = await peer.ExpectAsync(Method.TRANSPORT_CLOSE_PRODUCER, "transport-1");
        Assert.Equal("producer-1", request.Body.AsTransport_CloseProducerRequest().ProducerId);
        await task;
    }

    [Fact]
    public async Task PauseAndResumeHaveNoBody()
    {
        using var peer = new ProtocolPeer();
        var pause = ProducerProtocol.PauseAsync(peer.Channel, "producer-1", () => { }, CancellationToken.None);
        Assert.Equal(FBS.Request.Body.NONE, (await peer.ExpectAsync(Method.PRODUCER_PAUSE, "producer-1")).Body.Type);
        await pause;
        var resume = ProducerProtocol.ResumeAsync(peer.Channel, "producer-1", () => { }, CancellationToken.None);
        Assert.Equal(FBS.Request.Body.NONE, (await peer.ExpectAsync(Method.PRODUCER_RESUME, "producer-1")).Body.Type);
        await resume;
    }

    [Fact]
    public async Task EnableTraceEventSendsEveryType()
    {
        using var peer = new ProtocolPeer();
        ProducerTraceEventType[] types =
        [
            ProducerTraceEventType.Rtp, ProducerTraceEventType.KeyFrame, ProducerTraceEventType.Nack,
            ProducerTraceEventType.Pli, ProducerTraceEventType.Fir, ProducerTraceEventType.Sr,
        ];
        var task = ProducerProtocol.EnableTraceEventAsync(peer.Channel, "producer-1", types, CancellationToken.None);
        var request = await peer.ExpectAsync(Method.PRODUCER_ENABLE_TRACE_EVENT, "producer-1");
        Assert.Equal(
            [
                FbsProducer.TraceEventType.RTP, FbsProducer.TraceEventType.KEYFRAME, FbsProducer.TraceEventType.NACK,
                FbsProducer.TraceEventType.PLI, FbsProducer.TraceEventType.FIR, FbsProducer.TraceEventType.SR,
            ],
            request.Body.AsProducer_EnableTraceEventRequest().Events);
        await task;
        foreach (var type in types) Assert.Equal(type, ProducerProtocol.TraceEventTypeFromFbs(ProducerProtocol.TraceEventTypeToFbs(type)));
    }

    [Fact]
    public async Task SendIsANotificationCarryingThePacket()
    {
        using var peer = new ProtocolPeer();
        byte[] packet = [0x80, 0x60, 0x00, 0x01, 1, 2, 3, 4, 5, 6, 7, 8];
        ProducerProtocol.Send(peer.Channel, "producer-1", packet.AsMemory(2, 6));
        var n = await peer.ReadNotificationAsync();
        Assert.Equal(Event.PRODUCER_SEND, n.Event);
        Assert.Equal("producer-1", n.HandlerId);
        Assert.Equal(packet[2..8], n.Body.AsProducer_SendNotification().Data);
    }

    [Fact]
    public async Task DumpParsesEveryField()
    {
        var rtpParameters = RtpParametersProtocolTests.SimulcastVp8();
        var body = new FbsProducer.DumpResponseT
        {
            Id = "producer-1",
            Kind = FBS.RtpParameters.MediaKind.VIDEO,
            Type = FBS.RtpParameters.Type.SIMULCAST,
            RtpParameters = RtpParametersProtocolTests.Serialize(rtpParameters).UnPack(),
            RtpMapping = Fbs.Root(b => RtpParametersProtocol.WriteMapping(b, RtpParametersProtocolTests.Mapping()).Value,
                FBS.RtpParameters.RtpMapping.GetRootAsRtpMapping).UnPack(),
            RtpStreams = [StreamFixtures.StreamDump(1111, "r0", withRtx: true), StreamFixtures.StreamDump(2222, "r1", withRtx: false)],
            TraceEventTypes = [FbsProducer.TraceEventType.KEYFRAME, FbsProducer.TraceEventType.SR],
            Paused = true,
        };
        using var peer = new ProtocolPeer();
        var task = ProducerProtocol.DumpAsync(peer.Channel, "producer-1", CancellationToken.None);
        await peer.ExpectAsync(Method.PRODUCER_DUMP, "producer-1", FBS.Response.BodyUnion.FromProducer_DumpResponse(body));
        Assert.Equal(new ProducerDump
        {
            Id = "producer-1",
            Kind = MediaKind.Video,
            Type = ProducerType.Simulcast,
            RtpParameters = rtpParameters,
            RtpMapping = RtpParametersProtocolTests.Mapping(),
            RtpStreams = [StreamFixtures.StreamDumpModel(1111, "r0", withRtx: true), StreamFixtures.StreamDumpModel(2222, "r1", withRtx: false)],
            TraceEventTypes = [ProducerTraceEventType.KeyFrame, ProducerTraceEventType.Sr],
            Paused = true,
        }, await task);
    }

    [Fact]
    public async Task StatsAreInboundStreamStats()
    {
        using var peer = new ProtocolPeer();
        var task = ProducerProtocol.GetStatsAsync(peer.Channel, "producer-1", CancellationToken.None);
        await peer.ExpectAsync(Method.PRODUCER_GET_STATS, "producer-1", FBS.Response.BodyUnion.FromProducer_GetStatsResponse(
            new FbsProducer.GetStatsResponseT { Stats = [StreamFixtures.RecvStats(1111, "r0"), StreamFixtures.RecvStats(2222, "r1")] }));
        Assert.Equal([StreamFixtures.RecvStatsModel(1111, "r0"), StreamFixtures.RecvStatsModel(2222, "r1")], await task);
    }

    [Fact]
    public void ScoreNotification()
    {
        var n = Fbs.Notification(Event.PRODUCER_SCORE, FBS.Notification.BodyUnion.FromProducer_ScoreNotification(new FbsProducer.ScoreNotificationT
        {
            Scores =
            [
                new FbsProducer.ScoreT { EncodingIdx = 0, Ssrc = 1111, Rid = "r0", Score_ = 10 },
                new FbsProducer.ScoreT { EncodingIdx = 1, Ssrc = 2222, Score_ = 3 },
            ],
        }));
        Assert.Equal(
            [
                new ProducerScore { EncodingIdx = 0, Ssrc = 1111, Rid = "r0", Score = 10 },
                new ProducerScore { EncodingIdx = 1, Ssrc = 2222, Rid = null, Score = 3 },
            ],
            ProducerProtocol.ParseScoreNotification(n));
    }

    [Fact]
    public void VideoOrientationNotification()
    {
        var n = Fbs.Notification(Event.PRODUCER_VIDEO_ORIENTATION_CHANGE,
            FBS.Notification.BodyUnion.FromProducer_VideoOrientationChangeNotification(
                new FbsProducer.VideoOrientationChangeNotificationT { Camera = true, Flip = false, Rotation = 270 }));
        Assert.Equal(new ProducerVideoOrientation { Camera = true, Flip = false, Rotation = 270 },
            ProducerProtocol.ParseVideoOrientationNotification(n));
    }

    private static FBS.Notification.Notification Trace(FbsProducer.TraceEventType type, FbsProducer.TraceInfoUnion info,
        FBS.Common.TraceDirection direction = FBS.Common.TraceDirection.DIRECTION_IN)
        => Fbs.Notification(Event.PRODUCER_TRACE, FBS.Notification.BodyUnion.FromProducer_TraceNotification(new FbsProducer.TraceNotificationT
        {
            Type = type,
            Timestamp = 1_700_000_000_001,
            Direction = direction,
            Info = info,
        }));

    [Fact]
    public void TraceNotificationsCarryTypedInfo()
    {
        var keyFrame = ProducerProtocol.ParseTraceNotification(Trace(FbsProducer.TraceEventType.KEYFRAME,
            FbsProducer.TraceInfoUnion.FromKeyFrameTraceInfo(new FbsProducer.KeyFrameTraceInfoT { RtpPacket = StreamFixtures.Packet(), IsRtx = true })));
        Assert.Equal(new ProducerTraceEvent
        {
            Type = ProducerTraceEventType.KeyFrame,
            Timestamp = 1_700_000_000_001,
            Direction = TraceDirection.In,
            Info = new KeyFrameTraceInfo { RtpPacket = StreamFixtures.PacketModel(), IsRtx = true },
        }, keyFrame);

        var rtp = ProducerProtocol.ParseTraceNotification(Trace(FbsProducer.TraceEventType.RTP,
            FbsProducer.TraceInfoUnion.FromRtpTraceInfo(new FbsProducer.RtpTraceInfoT { RtpPacket = StreamFixtures.Packet() })));
        Assert.Equal(new RtpTraceInfo { RtpPacket = StreamFixtures.PacketModel(), IsRtx = false }, rtp.Info);

        var sr = ProducerProtocol.ParseTraceNotification(Trace(FbsProducer.TraceEventType.SR,
            FbsProducer.TraceInfoUnion.FromSrTraceInfo(new FbsProducer.SrTraceInfoT
            {
                Ssrc = 1, NtpSec = 2, NtpFrac = 3, RtpTs = 4, PacketCount = 5, OctetCount = 6,
            })));
        Assert.Equal(ProducerTraceEventType.Sr, sr.Type);
        Assert.Equal(new SrTraceInfo { Ssrc = 1, NtpSec = 2, NtpFrac = 3, RtpTs = 4, PacketCount = 5, OctetCount = 6 }, sr.Info);

        var fir = ProducerProtocol.ParseTraceNotification(Trace(FbsProducer.TraceEventType.FIR,
            FbsProducer.TraceInfoUnion.FromFirTraceInfo(new FbsProducer.FirTraceInfoT { Ssrc = 42 }), FBS.Common.TraceDirection.DIRECTION_OUT));
        Assert.Equal(TraceDirection.Out, fir.Direction);
        Assert.Equal(new FirTraceInfo { Ssrc = 42 }, fir.Info);

        var pli = ProducerProtocol.ParseTraceNotification(Trace(FbsProducer.TraceEventType.PLI,
            FbsProducer.TraceInfoUnion.FromPliTraceInfo(new FbsProducer.PliTraceInfoT { Ssrc = 43 })));
        Assert.Equal(new PliTraceInfo { Ssrc = 43 }, pli.Info);

        var nack = ProducerProtocol.ParseTraceNotification(Trace(FbsProducer.TraceEventType.NACK, new FbsProducer.TraceInfoUnion()));
        Assert.Equal(ProducerTraceEventType.Nack, nack.Type);
        Assert.Null(nack.Info);
    }
}
