using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Protocol;
using Event = FBS.Notification.Event;
using FbsDataConsumer = FBS.DataConsumer;

namespace RxMediasoup.Tests.Data;

/// <summary>
/// <see cref="DataConsumer.BufferedMessages"/> in virtual time (messages fed to the production data consumer's sink), and
/// <see cref="Transport.UsingDataProducer"/> / <see cref="Transport.UsingDataConsumer"/> against the real worker.
/// </summary>
public sealed class DataLifetimeAndBufferTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private DirectTransport _transport = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
        _transport = await _router.CreateDirectTransportAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static FBS.Notification.Notification Message(string text)
        => Fbs.Notification(Event.DATACONSUMER_MESSAGE, FBS.Notification.BodyUnion.FromDataConsumer_MessageNotification(
            new FbsDataConsumer.MessageNotificationT { Ppid = 51, Data = [.. System.Text.Encoding.UTF8.GetBytes(text)] }));

    [Fact]
    public async Task BufferedMessagesDropTheOldestWhenFullAndCompleteAfterTheQueue()
    {
        var dataProducer = await _transport.ProduceDataAsync();
        var dataConsumer = await _transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var scheduler = new TestScheduler();
        var observer = scheduler.CreateObserver<string>();
        using var subscription = dataConsumer.BufferedMessages(2, scheduler).Select(m => m.Text).Subscribe(observer);

        // Three messages arrive before the scheduler runs: the queue holds two, the oldest is dropped.
        foreach (var text in new[] { "m1", "m2", "m3" }) dataConsumer.NotificationSink.OnNotification(Event.DATACONSUMER_MESSAGE, Message(text));
        Assert.Equal(1, dataConsumer.DroppedMessages);
        Assert.Empty(observer.Messages);
        scheduler.AdvanceBy(1);
        dataConsumer.NotificationSink.OnNotification(Event.DATACONSUMER_MESSAGE, Message("m4"));
        await dataConsumer.CloseAsync();
        scheduler.AdvanceBy(1);

        observer.Messages.AssertEqual(
            ReactiveTest.OnNext(1, "m2"),
            ReactiveTest.OnNext(1, "m3"),
            ReactiveTest.OnNext(2, "m4"),
            ReactiveTest.OnCompleted<string>(2));
        Assert.Equal(1, dataConsumer.DroppedMessages);
        Assert.Throws<ArgumentOutOfRangeException>(() => dataConsumer.BufferedMessages(0));
    }

    [Fact]
    public async Task UsingDataProducerAndConsumerTieLifetimesToSubscriptions()
    {
        DataProducer? dataProducer = null;
        DataConsumer? dataConsumer = null;
        var messages = new List<string>();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var session = _transport.UsingDataProducer(new DataProducerOptions { Label = "chat" })
            .Do(p => dataProducer = p)
            .SelectMany(p => _transport.UsingDataConsumer(new DataConsumerOptions { DataProducerId = p.Id }))
            .Do(c => { dataConsumer = c; ready.TrySetResult(); })
            .SelectMany(c => c.Messages)
            .Subscribe(m => { messages.Add(m.Text); received.TrySetResult(); });

        await ready.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("chat", dataConsumer!.Label);
        dataProducer!.Send("hello");
        await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["hello"], messages);

        session.Dispose();
        var until = DateTime.UtcNow.AddSeconds(5);
        while ((!dataProducer.IsClosed || !dataConsumer.IsClosed) && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.True(dataProducer.IsClosed);
        Assert.True(dataConsumer.IsClosed);
        // Disposal closes both; which close the worker sees first decides the data consumer's reason.
        Assert.Contains(await dataConsumer.Closed.FirstAsync(), new[] { CloseReason.Explicit, CloseReason.DataProducerClosed });
        Assert.Equal(CloseReason.Explicit, await dataProducer.Closed.FirstAsync());
        Assert.Empty(_transport.DataProducers.Items);
        Assert.Empty(_transport.DataConsumers.Items);
        Assert.Equal(1, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task UsingDataConsumerFailsForAnUnknownDataProducerAndCompletesWhenItCloses()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(
            () => _transport.UsingDataConsumer(new DataConsumerOptions { DataProducerId = "nope" }).FirstAsyncOrTimeout(TimeSpan.FromSeconds(5)));
        Assert.Contains("nope", error.Message);

        var dataProducer = await _transport.ProduceDataAsync();
        var values = new List<DataConsumer>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _transport.UsingDataConsumer(new DataConsumerOptions { DataProducerId = dataProducer.Id })
            .Subscribe(values.Add, () => completed.TrySetResult());
        var until = DateTime.UtcNow.AddSeconds(5);
        while (values.Count == 0 && DateTime.UtcNow < until) await Task.Delay(20);
        await dataProducer.CloseAsync();
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(CloseReason.DataProducerClosed, await Assert.Single(values).Closed.FirstAsync());
    }
}
