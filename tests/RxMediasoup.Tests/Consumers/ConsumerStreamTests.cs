using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Google.FlatBuffers;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Consumers;

/// <summary>
/// Stream semantics of the production Producer and Consumer in virtual time: worker notifications are fed to their
/// registered sinks (the code path of the channel's dispatch loop) at scheduled ticks; the entities are real (created
/// in the real worker), so replay, distinctness, completion with reason and isolation are those users get.
/// </summary>
public sealed class ConsumerStreamTests : ReactiveTest, IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private Producer _producer = null!;
    private Consumer _consumer = null!;
    private WebRtcTransport _recvTransport = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        var sendTransport = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        _recvTransport = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        _producer = await sendTransport.ProduceAsync(ConsumerVideoProducerOptions);
        _consumer = await _recvTransport.ConsumeAsync(new ConsumerOptions { ProducerId = _producer.Id, RtpCapabilities = ConsumerDeviceCapabilities });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static ConsumerScore Score(int score, int producerScore) => new() { Score = score, ProducerScore = producerScore, ProducerScores = [producerScore] };

    private void NotifyScore(int score, int producerScore)
    {
        var b = new FlatBufferBuilder(64);
        var producerScores = FBS.Consumer.ConsumerScore.CreateProducerScoresVector(b, [(byte)producerScore]);
        var s = FBS.Consumer.ConsumerScore.CreateConsumerScore(b, (byte)score, (byte)producerScore, producerScores);
        WebRtcTransportTests.Notify(_consumer.NotificationSink, _consumer.Id, b, FBS.Notification.Event.CONSUMER_SCORE,
            FBS.Notification.Body.Consumer_ScoreNotification, FBS.Consumer.ScoreNotification.CreateScoreNotification(b, s).Value);
    }

    private void NotifyLayers(int? spatial, int? temporal)
    {
        var b = new FlatBufferBuilder(64);
        var layers = spatial is { } sl ? FBS.Consumer.ConsumerLayers.CreateConsumerLayers(b, (byte)sl, temporal is { } t ? (byte)t : null) : default;
        var body = FBS.Consumer.LayersChangeNotification.CreateLayersChangeNotification(b, layers);
        WebRtcTransportTests.Notify(_consumer.NotificationSink, _consumer.Id, b, FBS.Notification.Event.CONSUMER_LAYERS_CHANGE,
            FBS.Notification.Body.Consumer_LayersChangeNotification, body.Value);
    }

    private void NotifyBodyless(FBS.Notification.Event @event)
    {
        var b = new FlatBufferBuilder(64);
        var notification = FBS.Notification.Notification.CreateNotification(b, b.CreateString(_consumer.Id), @event);
        b.Finish(notification.Value);
        _consumer.NotificationSink.OnNotification(@event,
            FBS.Notification.Notification.GetRootAsNotification(new ByteBuffer(b.SizedByteArray())));
    }

    [Fact]
    public void ScoreAndLayersReplayThenDistinctChangesThenCompleteWhenTheProducerCloses()
    {
        var scheduler = new TestScheduler();
        var initial = _consumer.Score.Current();
        var score = scheduler.CreateObserver<ConsumerScore>();
        var lateScore = scheduler.CreateObserver<ConsumerScore>();
        var layers = scheduler.CreateObserver<ConsumerLayers?>();
        var closed = scheduler.CreateObserver<CloseReason>();
        var afterClose = scheduler.CreateObserver<ConsumerScore>();
        scheduler.ScheduleAbsolute(100, () => _consumer.Score.Subscribe(score));
        scheduler.ScheduleAbsolute(100, () => _consumer.Layers.Subscribe(layers));
        scheduler.ScheduleAbsolute(100, () => _consumer.Closed.Subscribe(closed));
        scheduler.ScheduleAbsolute(200, () => NotifyScore(10, 7));
        scheduler.ScheduleAbsolute(210, () => NotifyScore(10, 7));
        scheduler.ScheduleAbsolute(220, () => NotifyLayers(2, 1));
        scheduler.ScheduleAbsolute(230, () => NotifyLayers(2, 1));
        scheduler.ScheduleAbsolute(300, () => _consumer.Score.Subscribe(lateScore));
        scheduler.ScheduleAbsolute(310, () => NotifyScore(9, 7));
        scheduler.ScheduleAbsolute(320, () => NotifyLayers(null, null));
        // The worker's CONSUMER_PRODUCER_CLOSE.
        scheduler.ScheduleAbsolute(400, () => NotifyBodyless(FBS.Notification.Event.CONSUMER_PRODUCER_CLOSE));
        scheduler.ScheduleAbsolute(410, () => NotifyScore(1, 1));
        scheduler.ScheduleAbsolute(500, () => _consumer.Score.Subscribe(afterClose));
        scheduler.Start();

        score.Messages.AssertEqual(OnNext(100, initial), OnNext(200, Score(10, 7)), OnNext(310, Score(9, 7)), OnCompleted<ConsumerScore>(400));
        lateScore.Messages.AssertEqual(OnNext(300, Score(10, 7)), OnNext(310, Score(9, 7)), OnCompleted<ConsumerScore>(400));
        layers.Messages.AssertEqual(OnNext<ConsumerLayers?>(100, (ConsumerLayers?)null),
            OnNext<ConsumerLayers?>(220, new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 1 }),
            OnNext<ConsumerLayers?>(320, (ConsumerLayers?)null), OnCompleted<ConsumerLayers?>(400));
        closed.Messages.AssertEqual(OnNext(400, CloseReason.ProducerClosed), OnCompleted<CloseReason>(400));
        afterClose.Messages.AssertEqual(OnNext(500, Score(9, 7)), OnCompleted<ConsumerScore>(500));
        Assert.True(_consumer.IsClosed);
        Assert.Equal(0, _consumer.SubscriberCount);
        Assert.Empty(_recvTransport.Consumers.Items);
    }

    [Fact]
    public void ProducerPausedFollowsTheWorkerAndAThrowingSubscriberIsIsolated()
    {
        var scheduler = new TestScheduler();
        var observer = scheduler.CreateObserver<bool>();
        var throwing = 0;
        scheduler.ScheduleAbsolute(100, () => _consumer.ProducerPaused.Subscribe(p => { if (p) { throwing++; throw new InvalidOperationException("boom"); } }));
        scheduler.ScheduleAbsolute(100, () => _consumer.ProducerPaused.Subscribe(observer));
        scheduler.ScheduleAbsolute(200, () => NotifyBodyless(FBS.Notification.Event.CONSUMER_PRODUCER_PAUSE));
        scheduler.ScheduleAbsolute(210, () => NotifyBodyless(FBS.Notification.Event.CONSUMER_PRODUCER_PAUSE));
        scheduler.ScheduleAbsolute(300, () => NotifyBodyless(FBS.Notification.Event.CONSUMER_PRODUCER_RESUME));
        scheduler.ScheduleAbsolute(310, () => NotifyBodyless(FBS.Notification.Event.CONSUMER_PRODUCER_PAUSE));
        scheduler.ScheduleAbsolute(400, () => _consumer.CloseCore(CloseReason.TransportClosed));
        scheduler.Start();

        observer.Messages.AssertEqual(OnNext(100, false), OnNext(200, true), OnNext(300, false), OnNext(310, true), OnCompleted<bool>(400));
        Assert.Equal(1, throwing); // removed after it threw
    }

    [Fact]
    public void RtpAndTraceAreHotEventStreams()
    {
        var scheduler = new TestScheduler();
        var rtp = scheduler.CreateObserver<int>();
        var late = scheduler.CreateObserver<int>();
        void NotifyRtp(byte marker)
        {
            var b = new FlatBufferBuilder(64);
            var data = FBS.Consumer.RtpNotification.CreateDataVectorBlock(b, [0x80, marker]);
            WebRtcTransportTests.Notify(_consumer.NotificationSink, _consumer.Id, b, FBS.Notification.Event.CONSUMER_RTP,
                FBS.Notification.Body.Consumer_RtpNotification, FBS.Consumer.RtpNotification.CreateRtpNotification(b, data).Value);
        }
        scheduler.ScheduleAbsolute(100, () => _consumer.Rtp.Select(p => (int)p.Span[1]).Subscribe(rtp));
        scheduler.ScheduleAbsolute(200, () => NotifyRtp(1));
        scheduler.ScheduleAbsolute(210, () => NotifyRtp(1));
        scheduler.ScheduleAbsolute(300, () => _consumer.Rtp.Select(p => (int)p.Span[1]).Subscribe(late));
        scheduler.ScheduleAbsolute(310, () => NotifyRtp(2));
        scheduler.ScheduleAbsolute(400, () => _consumer.CloseCore(CloseReason.TransportClosed));
        scheduler.ScheduleAbsolute(410, () => NotifyRtp(3));
        scheduler.Start();

        rtp.Messages.AssertEqual(OnNext(200, 1), OnNext(210, 1), OnNext(310, 2), OnCompleted<int>(400));
        late.Messages.AssertEqual(OnNext(310, 2), OnCompleted<int>(400));
    }

    [Fact]
    public void ProducerStreamsCompleteWithTheReasonWhenTheTransportCloses()
    {
        var scheduler = new TestScheduler();
        var paused = scheduler.CreateObserver<bool>();
        var orientation = scheduler.CreateObserver<ProducerVideoOrientation?>();
        var closed = scheduler.CreateObserver<CloseReason>();
        var consumerClosed = scheduler.CreateObserver<CloseReason>();
        scheduler.ScheduleAbsolute(100, () => _producer.Paused.Subscribe(paused));
        scheduler.ScheduleAbsolute(100, () => _producer.VideoOrientation.Subscribe(orientation));
        scheduler.ScheduleAbsolute(100, () => _producer.Closed.Subscribe(closed));
        scheduler.ScheduleAbsolute(100, () => _consumer.Closed.Subscribe(consumerClosed));
        scheduler.ScheduleAbsolute(200, () =>
        {
            var b = new FlatBufferBuilder(64);
            WebRtcTransportTests.Notify(_producer.NotificationSink, _producer.Id, b, FBS.Notification.Event.PRODUCER_VIDEO_ORIENTATION_CHANGE,
                FBS.Notification.Body.Producer_VideoOrientationChangeNotification,
                FBS.Producer.VideoOrientationChangeNotification.CreateVideoOrientationChangeNotification(b, true, true, 180).Value);
        });
        // The producer's transport closes (without telling the worker: the consumer closes through the producer).
        scheduler.ScheduleAbsolute(300, () => _producer.CloseCore(CloseReason.TransportClosed));
        scheduler.Start();

        paused.Messages.AssertEqual(OnNext(100, false), OnCompleted<bool>(300));
        orientation.Messages.AssertEqual(OnNext<ProducerVideoOrientation?>(100, (ProducerVideoOrientation?)null),
            OnNext<ProducerVideoOrientation?>(200, new ProducerVideoOrientation { Camera = true, Flip = true, Rotation = 180 }),
            OnCompleted<ProducerVideoOrientation?>(300));
        closed.Messages.AssertEqual(OnNext(300, CloseReason.TransportClosed), OnCompleted<CloseReason>(300));
        consumerClosed.Messages.AssertEqual(OnNext(300, CloseReason.ProducerClosed), OnCompleted<CloseReason>(300));
    }

    [Fact]
    public void BufferedRtpDropsTheOldestPacketsWhenFullAndCompletesAfterTheQueue()
    {
        var scheduler = new TestScheduler();
        var observer = scheduler.CreateObserver<int>();
        var direct = scheduler.CreateObserver<int>();
        void NotifyRtp(byte marker)
        {
            var b = new FlatBufferBuilder(64);
            var data = FBS.Consumer.RtpNotification.CreateDataVectorBlock(b, [0x80, marker]);
            WebRtcTransportTests.Notify(_consumer.NotificationSink, _consumer.Id, b, FBS.Notification.Event.CONSUMER_RTP,
                FBS.Notification.Body.Consumer_RtpNotification, FBS.Consumer.RtpNotification.CreateRtpNotification(b, data).Value);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => _consumer.BufferedRtp(0));
        scheduler.ScheduleAbsolute(100, () => _consumer.BufferedRtp(2, scheduler).Select(p => (int)p.Span[1]).Subscribe(observer));
        scheduler.ScheduleAbsolute(100, () => _consumer.Rtp.Select(p => (int)p.Span[1]).Subscribe(direct));
        // Four packets in one dispatch-loop turn: the queue keeps the newest two.
        scheduler.ScheduleAbsolute(200, () => { for (byte i = 1; i <= 4; i++) NotifyRtp(i); });
        scheduler.ScheduleAbsolute(300, () => NotifyRtp(5));
        scheduler.ScheduleAbsolute(300, () => _consumer.CloseCore(CloseReason.TransportClosed));
        scheduler.Start();

        direct.Messages.AssertEqual(OnNext(200, 1), OnNext(200, 2), OnNext(200, 3), OnNext(200, 4), OnNext(300, 5), OnCompleted<int>(300));
        // Delivered off the dispatch loop: one scheduler step later (TestScheduler schedules "now" at the next tick).
        observer.Messages.AssertEqual(OnNext(201, 3), OnNext(201, 4), OnNext(301, 5), OnCompleted<int>(301));
        Assert.Equal(2, _consumer.DroppedRtpPackets);
    }
}
