using System.Buffers.Binary;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Tests.Channel;
using RxMediasoup.Tests.Infrastructure;
using Event = FBS.Notification.Event;

namespace RxMediasoup.Tests.Telemetry;

/// <summary>
/// rxmediasoup.notifications.delivered / .dropped, read with a MeterListener: RTP and data messages through a real
/// worker's DirectTransport into full bounded buffers, a notification for a consumer closed here first, and the
/// channel's unknown / unhandled cases over a scripted peer. Serial: the instruments are process-wide.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class NotificationTelemetryTests
{
    private const string Delivered = "rxmediasoup.notifications.delivered";
    private const string Dropped = "rxmediasoup.notifications.dropped";
    private const int Sent = 50;

    private static readonly RtpCodecParameters Opus = new() { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 };

    private static readonly RouterOptions OpusRouter = new()
    {
        MediaCodecs = [new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2, PreferredPayloadType = 100 }],
    };

    /// <summary>The measurements of <paramref name="instrument"/> with both tags.</summary>
    private static List<TelemetryRecorder.Measurement> Of(TelemetryRecorder recorder, string instrument, string tag1, string value1, string tag2, string value2)
        => recorder.Of(instrument, tag1, value1).Where(m => m.Tags.TryGetValue(tag2, out var v) && Equals(v, value2)).ToList();

    private static byte[] RtpPacket(int sequence)
    {
        var packet = new byte[12 + 20];
        packet[0] = 0x80;
        packet[1] = 100;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(960 * sequence));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 1111);
        return packet;
    }

    /// <summary>
    /// Subscribes a bounded buffer whose drain waits (a TestScheduler not started), then a plain subscriber, sends
    /// <see cref="Sent"/> values and waits until the plain subscriber has them all: by then the buffer has seen them too
    /// (it subscribed first) and dropped all but its capacity. Returns how many the buffer delivers once drained.
    /// </summary>
    private static async Task<int> FillAsync<T>(IObservable<T> plain, Func<IScheduler, IObservable<T>> buffered, Action<int> send)
    {
        var scheduler = new TestScheduler();
        var drained = scheduler.CreateObserver<T>();
        using var bufferedSubscription = buffered(scheduler).Subscribe(drained);
        int received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var plainSubscription = plain.Subscribe(_ => { if (Interlocked.Increment(ref received) == Sent) all.TrySetResult(); });
        for (int i = 0; i < Sent; i++) send(i);
        await all.Task.WaitAsync(TimeSpan.FromSeconds(10));
        scheduler.Start();
        return drained.Messages.Count;
    }

    [Fact]
    public async Task RtpToADirectConsumerIsCountedDeliveredAndAFullBufferedRtpQueueCountsEachDrop()
    {
        using var recorder = new TelemetryRecorder();
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(OpusRouter);
        var transport = await router.CreateDirectTransportAsync();
        var producer = (DirectProducer)await transport.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = new RtpParameters { Codecs = [Opus], Encodings = [new() { Ssrc = 1111 }] },
        });
        var consumer = await transport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });

        const int Capacity = 4;
        int drained = await FillAsync(consumer.Rtp, s => consumer.BufferedRtp(Capacity, s), i => producer.Send(RtpPacket(i)));

        Assert.Equal(Capacity, drained);
        Assert.Equal(Sent - Capacity, consumer.DroppedRtpPackets);
        var drops = recorder.Of(Dropped, "reason", "buffer_full");
        Assert.Equal(Sent - Capacity, drops.Count);
        Assert.All(drops, m => Assert.Equal("Consumer", m.Tags["rxmediasoup.entity.type"]));
        // One CONSUMER_RTP notification per packet (the worker's direct path loses none), counted once however many subscribe.
        Assert.Equal(Sent, Of(recorder, Delivered, "rxmediasoup.entity.type", "Consumer", "event", "CONSUMER_RTP").Sum(m => m.Value));
        Assert.Empty(recorder.Of(Dropped, "reason", "unhandled_event"));
    }

    [Fact]
    public async Task DataMessagesAreCountedDeliveredAndAFullBufferedMessagesQueueCountsEachDrop()
    {
        using var recorder = new TelemetryRecorder();
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync();
        var transport = await router.CreateDirectTransportAsync();
        var dataProducer = await transport.ProduceDataAsync();
        var dataConsumer = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });

        const int Capacity = 3;
        int drained = await FillAsync(dataConsumer.Messages, s => dataConsumer.BufferedMessages(Capacity, s), i => dataProducer.Send($"message {i}"));

        Assert.Equal(Capacity, drained);
        Assert.Equal(Sent - Capacity, dataConsumer.DroppedMessages);
        Assert.Equal(Sent - Capacity, Of(recorder, Dropped, "reason", "buffer_full", "rxmediasoup.entity.type", "DataConsumer").Sum(m => m.Value));
        Assert.Equal(Sent, Of(recorder, Delivered, "rxmediasoup.entity.type", "DataConsumer", "event", "DATACONSUMER_MESSAGE").Sum(m => m.Value));
        Assert.Empty(recorder.Of(Dropped, "reason", "buffer_full").Where(m => !Equals(m.Tags["rxmediasoup.entity.type"], "DataConsumer")));
    }

    [Fact]
    public async Task TheWorkersNotificationForAConsumerClosedHereFirstIsADropOfAClosedEntity()
    {
        using var recorder = new TelemetryRecorder();
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(OpusRouter);
        var transport = await router.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = new RtpParameters { Codecs = [Opus], Encodings = [new() { Ssrc = 1111 }] },
        });
        var consumer = await transport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });

        // The producer's close closes its consumer here at once (its handler goes); the worker, closing the producer,
        // then tells the consumer CONSUMER_PRODUCER_CLOSE — before it answers the close request.
        await producer.CloseAsync();
        Assert.True(consumer.IsClosed);

        var drop = Assert.Single(recorder.Of(Dropped, "reason", "closed_entity"));
        Assert.Equal("CONSUMER_PRODUCER_CLOSE", drop.Tags["event"]);
        Assert.Empty(recorder.Of(Dropped, "reason", "unknown_handler"));
        Assert.Empty(Of(recorder, Delivered, "rxmediasoup.entity.type", "Consumer", "event", "CONSUMER_PRODUCER_CLOSE"));
    }

    [Fact]
    public async Task TheChannelCountsNotificationsForUnknownAndClosedIdsAndEventsAnEntityDoesNotHandle()
    {
        using var recorder = new TelemetryRecorder();
        using var worker = new ScriptedWorker();
        var queue = new DeliveryQueue();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A sink like every entity's: it parses CONSUMER_SCORE only.
        var sink = new NotificationSink<string>((e, in _) => e == Event.CONSUMER_SCORE ? "score" : null, queue, "Consumer");
        sink.Attach(new Target(done));
        worker.Channel.RegisterHandler("live", sink);
        worker.Channel.RegisterHandler("gone", sink);
        worker.Channel.UnregisterHandler("gone");
        worker.Channel.Start();

        await worker.SendAsync([
            .. ScriptedWorker.Notification("gone", Event.CONSUMER_RTP),
            .. ScriptedWorker.Notification("never", Event.PRODUCER_SCORE),
            .. ScriptedWorker.Notification("never", Event.PRODUCER_SCORE),
            .. ScriptedWorker.Notification("live", Event.CONSUMER_LAYERS_CHANGE),
            .. ScriptedWorker.Notification("live", Event.CONSUMER_SCORE),
        ]);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("CONSUMER_RTP", Assert.Single(recorder.Of(Dropped, "reason", "closed_entity")).Tags["event"]);
        Assert.Equal(2, Of(recorder, Dropped, "reason", "unknown_handler", "event", "PRODUCER_SCORE").Sum(m => m.Value));
        Assert.Equal("CONSUMER_LAYERS_CHANGE", Assert.Single(recorder.Of(Dropped, "reason", "unhandled_event")).Tags["event"]);
        var delivered = Assert.Single(recorder.Of(Delivered));
        Assert.Equal("CONSUMER_SCORE", delivered.Tags["event"]);
        Assert.Equal("Consumer", delivered.Tags["rxmediasoup.entity.type"]);
        Assert.Equal(4, recorder.Of(Dropped).Count);
    }

    [Fact]
    public void TheCountersAreEnabledOnlyWhileAListenerIsThere()
    {
        // The hot paths (one notification per RTP packet) test Enabled first and do nothing else while nobody listens.
        Assert.False(RxMediasoup.Diagnostics.Telemetry.NotificationsDelivered.Enabled);
        Assert.False(RxMediasoup.Diagnostics.Telemetry.NotificationsDropped.Enabled);
        using (new TelemetryRecorder())
        {
            Assert.True(RxMediasoup.Diagnostics.Telemetry.NotificationsDelivered.Enabled);
            Assert.True(RxMediasoup.Diagnostics.Telemetry.NotificationsDropped.Enabled);
        }
        Assert.False(RxMediasoup.Diagnostics.Telemetry.NotificationsDelivered.Enabled);
        Assert.False(RxMediasoup.Diagnostics.Telemetry.NotificationsDropped.Enabled);
    }

    private sealed class Target(TaskCompletionSource done) : INotificationTarget<string>
    {
        public void OnNotification(string notification) => done.TrySetResult();
    }
}
