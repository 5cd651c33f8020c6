using System.Reactive.Linq;
using RxMediasoup.Protocol;
using RxMediasoup.Tests.Protocol;
using Event = FBS.Notification.Event;
using FbsDataConsumer = FBS.DataConsumer;

namespace RxMediasoup.Tests.Data;

/// <summary>
/// Stream semantics of the production <see cref="DataProducer"/> / <see cref="DataConsumer"/> classes: notifications fed
/// to the data consumer's real notification sink (as the channel's dispatch loop does), early notifications buffered
/// until the entity exists, throwing subscribers isolated, completion on close; and real-worker creation edge cases
/// (paused data producer, cancellation, validation before anything is sent).
/// </summary>
public sealed class DataStreamsTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private DirectTransport _transport = null!;
    private DataProducer _dataProducer = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
        _transport = await _router.CreateDirectTransportAsync();
        _dataProducer = await _transport.ProduceDataAsync(new DataProducerOptions { Label = "l", Protocol = "p" });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static FBS.Notification.Notification Message(uint ppid, byte[] data)
        => Fbs.Notification(Event.DATACONSUMER_MESSAGE, FBS.Notification.BodyUnion.FromDataConsumer_MessageNotification(
            new FbsDataConsumer.MessageNotificationT { Ppid = ppid, Data = [.. data] }));

    private static FBS.Notification.Notification BufferedAmountLow(uint amount)
        => Fbs.Notification(Event.DATACONSUMER_BUFFERED_AMOUNT_LOW, FBS.Notification.BodyUnion.FromDataConsumer_BufferedAmountLowNotification(
            new FbsDataConsumer.BufferedAmountLowNotificationT { BufferedAmount = amount }));

    private static FBS.Notification.Notification Bodiless(Event @event) => Fbs.Notification(@event, null);

    private static void Feed(RxMediasoup.Channel.INotificationSink sink, Event @event, FBS.Notification.Notification n)
        => sink.OnNotification(@event, n);

    [Fact]
    public async Task NotificationsReachTheirStreamsInOrderAndEverythingCompletesOnClose()
    {
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var sink = dataConsumer.NotificationSink;
        var log = new List<string>();
        var completed = new List<string>();
        using var s1 = dataConsumer.Messages.Subscribe(m => log.Add($"message {m.Ppid} {m.Text}"), () => completed.Add("messages"));
        using var s2 = dataConsumer.BufferedAmountLow.Subscribe(a => log.Add($"low {a}"), () => completed.Add("low"));
        using var s3 = dataConsumer.SctpSendBufferFull.Subscribe(_ => log.Add("full"), () => completed.Add("full"));
        using var s4 = dataConsumer.DataProducerPaused.Subscribe(p => log.Add($"producerPaused {p}"), () => completed.Add("producerPaused"));
        using var s5 = dataConsumer.Paused.Subscribe(p => log.Add($"paused {p}"), () => completed.Add("paused"));
        using var s6 = dataConsumer.Closed.Subscribe(r => log.Add($"closed {r}"), () => completed.Add("closed"));

        var payload = "hi"u8.ToArray();
        Feed(sink, Event.DATACONSUMER_MESSAGE, Message(51, payload));
        Feed(sink, Event.DATACONSUMER_BUFFERED_AMOUNT_LOW, BufferedAmountLow(7));
        Feed(sink, Event.DATACONSUMER_SCTP_SENDBUFFER_FULL, Bodiless(Event.DATACONSUMER_SCTP_SENDBUFFER_FULL));
        Feed(sink, Event.DATACONSUMER_DATAPRODUCER_PAUSE, Bodiless(Event.DATACONSUMER_DATAPRODUCER_PAUSE));
        // Distinct: a second pause notification is not a change.
        Feed(sink, Event.DATACONSUMER_DATAPRODUCER_PAUSE, Bodiless(Event.DATACONSUMER_DATAPRODUCER_PAUSE));
        Feed(sink, Event.DATACONSUMER_DATAPRODUCER_RESUME, Bodiless(Event.DATACONSUMER_DATAPRODUCER_RESUME));
        Feed(sink, Event.DATACONSUMER_DATAPRODUCER_CLOSE, Bodiless(Event.DATACONSUMER_DATAPRODUCER_CLOSE));
        // Nothing after the close.
        Feed(sink, Event.DATACONSUMER_MESSAGE, Message(51, payload));

        Assert.Equal(
        [
            "producerPaused False", "paused False",
            "message 51 hi", "low 7", "full", "producerPaused True", "producerPaused False", "closed DataProducerClosed",
        ], log);
        Assert.Equal(["paused", "producerPaused", "messages", "low", "full", "closed"], completed);
        Assert.True(dataConsumer.IsClosed);
        Assert.Equal(0, dataConsumer.SubscriberCount);
        Assert.Empty(_transport.DataConsumers.Items);
        // The data consumer left the channel: only the transport's handler is left.
        Assert.Equal(1, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task AMessageCostsItsPayloadCopyAndOneNotificationRecord()
    {
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        long count = 0;
        using var subscription = dataConsumer.Messages.Subscribe(_ => count++);
        var sink = dataConsumer.NotificationSink;
        var message = Message(53, new byte[16]);
        for (int i = 0; i < 1000; i++) sink.OnNotification(Event.DATACONSUMER_MESSAGE, message);
        const int n = 10_000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < n; i++) sink.OnNotification(Event.DATACONSUMER_MESSAGE, message);
        double perMessage = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)n;
        Assert.Equal(11_000, count);
        // A byte[16] is 40 bytes on 64-bit .NET, and the one notification record that carries it 32: the sink posts that
        // record to the delivery queue as is, the data consumer's stream carries it (a reference: no boxing) and hands
        // subscribers its DataMessage (a struct). Nothing else is allocated.
        Assert.True(perMessage <= 72, $"{perMessage} bytes allocated per message");
    }

    [Fact]
    public async Task ThrowingSubscriberIsIsolated()
    {
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var received = new List<string>();
        int throws = 0;
        using var bad = dataConsumer.Messages.Subscribe(_ => { throws++; throw new InvalidOperationException("subscriber bug"); });
        using var good = dataConsumer.Messages.Subscribe(m => received.Add(m.Text));
        // Subscribed last: when it has both, the subscribers before it have them too.
        var two = dataConsumer.Messages.Take(2).ToList().FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        _dataProducer.Send("a");
        _dataProducer.Send("b");
        await two;
        Assert.Equal(1, throws);
        Assert.Equal(["a", "b"], received);
    }

    [Fact]
    public async Task EarlyNotificationsAreDeliveredWhenTheDataConsumerAttaches()
    {
        // A sink as ConsumeDataAsync registers it before the request: the worker speaks before the object exists.
        var sink = new NotificationSink<DataConsumerNotification>(DataConsumerNotification.Parse, _worker.Channel.Deliveries, "DataConsumer");
        sink.OnNotification(Event.DATACONSUMER_DATAPRODUCER_PAUSE, Bodiless(Event.DATACONSUMER_DATAPRODUCER_PAUSE));
        sink.OnNotification(Event.DATACONSUMER_MESSAGE, Message(53, [1, 2]));
        var dump = new DataConsumerDump
        {
            Id = Guid.NewGuid().ToString(),
            DataProducerId = _dataProducer.Id,
            Type = DataConsumerType.Direct,
            Label = "l",
            Protocol = "p",
        };
        var dataConsumer = new DataConsumer(_transport, _dataProducer, dump.Id, dump, null, sink, null);
        var log = new List<string>();
        using var s1 = dataConsumer.Messages.Subscribe(m => log.Add($"message {m.Ppid} {m.Payload.Length}"));
        using var s2 = dataConsumer.DataProducerPaused.Subscribe(p => log.Add($"producerPaused {p}"));
        sink.Attach(dataConsumer);
        sink.OnNotification(Event.DATACONSUMER_DATAPRODUCER_RESUME, Bodiless(Event.DATACONSUMER_DATAPRODUCER_RESUME));
        Assert.Equal(["producerPaused False", "producerPaused True", "message 53 2", "producerPaused False"], log);
        dataConsumer.CloseCore(CloseReason.TransportClosed);
        Assert.Equal(0, dataConsumer.SubscriberCount);
    }

    [Fact]
    public async Task ConsumingAPausedDataProducerStartsDataProducerPaused()
    {
        await _dataProducer.PauseAsync();
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        Assert.True(dataConsumer.DataProducerPaused.Value);
        Assert.True(await dataConsumer.DataProducerPaused.FirstAsync());
        var resumed = dataConsumer.DataProducerPaused.FirstAsync(p => !p).FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        await _dataProducer.ResumeAsync();
        Assert.False(await resumed);
    }

    [Fact]
    public async Task CancelledCreatesLeaveNothingBehind()
    {
        // The worker may answer before the cancellation lands: then the create simply succeeded (and is closed here).
        // Either way nothing may be left behind in the worker, the transport or the channel.
        for (int i = 0; i < 20; i++)
        {
            using var cts = new CancellationTokenSource();
            var consuming = _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id }, cts.Token);
            var producing = _transport.ProduceDataAsync(new DataProducerOptions(), cts.Token);
            cts.Cancel();
            try { await (await consuming).CloseAsync(); }
            catch (OperationCanceledException) { }
            try { await (await producing).CloseAsync(); }
            catch (OperationCanceledException) { }
        }
        var until = DateTime.UtcNow.AddSeconds(5);
        TransportDump dump;
        while (((dump = await _transport.DumpAsync()).DataConsumerIds.Count > 0 || dump.DataProducerIds.Count > 1) && DateTime.UtcNow < until)
            await Task.Delay(20);
        Assert.Empty(dump.DataConsumerIds);
        Assert.Equal([_dataProducer.Id], dump.DataProducerIds);
        Assert.Empty(_transport.DataConsumers.Items);
        Assert.Equal([_dataProducer], _transport.DataProducers.Items);
        Assert.Equal(1, _worker.Diagnostics.RegisteredHandlers);

        // An already-cancelled token sends nothing.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id }, new CancellationToken(true)));
        Assert.Equal(1, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task InvalidOptionsAreRejectedBeforeAnythingIsSent()
    {
        var webRtc = await _router.CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        int handlers = _worker.Diagnostics.RegisteredHandlers;
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => webRtc.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _dataProducer.Id,
            MaxRetransmits = 70000,
        }));
        Assert.Contains("MaxRetransmits", e.ParamName);
        e = await Assert.ThrowsAnyAsync<ArgumentException>(() => webRtc.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1, MaxPacketLifeTime = 1, MaxRetransmits = 1 },
        }));
        Assert.Contains("sctpStreamParameters", e.ParamName);
        await Assert.ThrowsAsync<ArgumentNullException>(() => webRtc.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
            Label = null!,
        }));
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.SetBufferedAmountLowThresholdAsync(-1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.RemoveSubchannelAsync(-1));
        Assert.Throws<ArgumentNullException>(() => _dataProducer.Send((string)null!));
        Assert.Equal(handlers + 1, _worker.Diagnostics.RegisteredHandlers);
        Assert.Empty(webRtc.DataProducers.Items);
        Assert.Empty(webRtc.DataConsumers.Items);
    }

    [Fact]
    public async Task CloseIsIdempotentAndDisposeCloses()
    {
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var reasons = new List<CloseReason>();
        using var subscription = dataConsumer.Closed.Subscribe(reasons.Add);
        await Task.WhenAll(dataConsumer.CloseAsync(), dataConsumer.DisposeAsync().AsTask(), dataConsumer.CloseAsync());
        Assert.Equal([CloseReason.Explicit], reasons);
        // Late subscribers get the reason replayed.
        Assert.Equal(CloseReason.Explicit, await dataConsumer.Closed.FirstAsync());
        // Commands on a closed entity return faulted tasks (they never throw synchronously).
        var dumping = dataConsumer.DumpAsync();
        var pausing = dataConsumer.PauseAsync();
        Assert.True(dumping.IsFaulted);
        Assert.True(pausing.IsFaulted);
        await Assert.ThrowsAsync<NotFoundException>(() => dumping);
        await Assert.ThrowsAsync<NotFoundException>(() => pausing);
        await _dataProducer.DisposeAsync();
        await _dataProducer.DisposeAsync();
        Assert.True(_dataProducer.IsClosed);
        Assert.Empty(_transport.DataProducers.Items);
        // Unknown to the router now.
        await Assert.ThrowsAsync<NotFoundException>(
            () => _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id }));
        Assert.Equal(1, _worker.Diagnostics.RegisteredHandlers);
    }
}
