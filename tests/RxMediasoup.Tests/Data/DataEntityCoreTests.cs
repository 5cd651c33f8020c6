using System.Reactive.Linq;

namespace RxMediasoup.Tests.Data;

/// <summary>
/// <see cref="DataProducer"/> and <see cref="DataConsumer"/> on the entity core: the command policy (a faulted task,
/// never a synchronous throw; <see cref="WorkerClosedException"/> after the worker's death, checked before any lookup),
/// the close order of the data producer cascade, and states applied in worker order.
/// </summary>
public sealed class DataEntityCoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private RxMediasoup.Worker _worker = null!;
    private DirectTransport _transport1 = null!;
    private DirectTransport _transport2 = null!;
    private DataProducer _dataProducer = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        var router = await _worker.CreateRouterAsync();
        _transport1 = await router.CreateDirectTransportAsync();
        _transport2 = await router.CreateDirectTransportAsync();
        _dataProducer = await _transport1.ProduceDataAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    /// <summary>Calls <paramref name="command"/> (which must not throw) and checks the task it returns faults with <typeparamref name="TException"/>.</summary>
    private static async Task AssertFaultsWith<TException>(Func<Task> command) where TException : Exception
    {
        Task task;
        try
        {
            task = command();
        }
        catch (Exception e)
        {
            Assert.Fail($"the command threw synchronously: {e}");
            return;
        }
        await Assert.ThrowsAsync<TException>(() => task);
    }

    private static async Task AssertCommandsFaultWith<TException>(DataProducer dataProducer) where TException : Exception
    {
        await AssertFaultsWith<TException>(() => dataProducer.DumpAsync());
        await AssertFaultsWith<TException>(() => dataProducer.GetStatsAsync());
        await AssertFaultsWith<TException>(() => dataProducer.PauseAsync());
        await AssertFaultsWith<TException>(() => dataProducer.ResumeAsync());
        // Send is a plain method: it throws.
        Assert.Throws<TException>(() => dataProducer.Send("x"));
    }

    private static async Task AssertCommandsFaultWith<TException>(DataConsumer dataConsumer) where TException : Exception
    {
        await AssertFaultsWith<TException>(() => dataConsumer.DumpAsync());
        await AssertFaultsWith<TException>(() => dataConsumer.GetStatsAsync());
        await AssertFaultsWith<TException>(() => dataConsumer.PauseAsync());
        await AssertFaultsWith<TException>(() => dataConsumer.ResumeAsync());
        await AssertFaultsWith<TException>(() => dataConsumer.GetBufferedAmountAsync());
        await AssertFaultsWith<TException>(() => dataConsumer.SendAsync("x"));
        await AssertFaultsWith<TException>(() => dataConsumer.SendAsync(new byte[] { 1 }));
        await AssertFaultsWith<TException>(() => dataConsumer.AddSubchannelAsync(1));
        await AssertFaultsWith<TException>(() => dataConsumer.RemoveSubchannelAsync(1));
        await AssertFaultsWith<TException>(() => dataConsumer.SetSubchannelsAsync([1]));
        // The closed check comes first: invalid arguments on a closed data consumer give the closed error too.
        await AssertFaultsWith<TException>(() => dataConsumer.SetBufferedAmountLowThresholdAsync(-1));
        await AssertFaultsWith<TException>(() => dataConsumer.SendAsync((string)null!));
        await AssertFaultsWith<TException>(() => dataConsumer.AddSubchannelAsync(70000));
    }

    [Fact]
    public async Task CommandsOnAClosedDataProducerOrDataConsumerReturnFaultedTasks()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        await dataConsumer.CloseAsync();
        await AssertCommandsFaultWith<NotFoundException>(dataConsumer);
        await _dataProducer.CloseAsync();
        await AssertCommandsFaultWith<NotFoundException>(_dataProducer);
        var e = await Assert.ThrowsAsync<NotFoundException>(() => _dataProducer.DumpAsync());
        Assert.Contains("DataProducer closed", e.Message);
    }

    [Fact]
    public async Task InvalidArgumentsOfAnOpenDataConsumerAreFaultedTasks()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        await AssertFaultsWith<ArgumentOutOfRangeException>(() => dataConsumer.SetBufferedAmountLowThresholdAsync(-1));
        await AssertFaultsWith<ArgumentNullException>(() => dataConsumer.SendAsync((string)null!));
        await AssertFaultsWith<ArgumentNullException>(() => dataConsumer.SetSubchannelsAsync(null!));
        await AssertFaultsWith<ArgumentOutOfRangeException>(() => dataConsumer.AddSubchannelAsync(-1));
    }

    [Fact]
    public async Task AfterWorkerDeathEverythingIsWorkerClosedException()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var producerClosed = _dataProducer.Closed.FirstAsyncOrTimeout(Timeout);
        var consumerClosed = dataConsumer.Closed.FirstAsyncOrTimeout(Timeout);
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await producerClosed);
        Assert.Equal(CloseReason.WorkerDied, await consumerClosed);
        // The data producer is gone from the router, but the worker's death is checked before the lookup.
        await AssertFaultsWith<WorkerClosedException>(
            () => _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id }));
        await AssertFaultsWith<WorkerClosedException>(
            () => _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = "unknown" }));
        await AssertFaultsWith<WorkerClosedException>(() => _transport1.ProduceDataAsync());
        await AssertCommandsFaultWith<WorkerClosedException>(_dataProducer);
        await AssertCommandsFaultWith<WorkerClosedException>(dataConsumer);
    }

    [Fact]
    public async Task DataConsumersCloseWithDataProducerClosedAfterTheDataProducersClosed()
    {
        var sameTransport = await _transport1.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var otherTransport = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var log = new List<string>();
        using var s1 = _dataProducer.Closed.Subscribe(r => { lock (log) log.Add($"producer {r}"); });
        using var s2 = sameTransport.Closed.Subscribe(r => { lock (log) log.Add($"consumer {r}"); });
        using var s3 = otherTransport.Closed.Subscribe(r => { lock (log) log.Add($"consumer {r}"); });
        var allClosed = Task.WhenAll(sameTransport.Closed.FirstAsyncOrTimeout(Timeout), otherTransport.Closed.FirstAsyncOrTimeout(Timeout));
        await _dataProducer.CloseAsync();
        await allClosed;
        Assert.Equal(["producer Explicit", "consumer DataProducerClosed", "consumer DataProducerClosed"], log);
        Assert.Empty(_transport1.DataConsumers.Items);
        Assert.Empty(_transport2.DataConsumers.Items);
        // The worker's own DATACONSUMER_DATAPRODUCER_CLOSE notifications, arriving later, change nothing.
        await Task.Delay(50);
        Assert.Equal(3, log.Count);
    }

    [Fact]
    public async Task ATransportCloseClosesItsDataConsumersThenItsDataProducersThenTheirOtherDataConsumers()
    {
        var sameTransport = await _transport1.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var otherTransport = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var log = new List<string>();
        using var s1 = _dataProducer.Closed.Subscribe(r => { lock (log) log.Add($"producer {r}"); });
        using var s2 = sameTransport.Closed.Subscribe(r => { lock (log) log.Add($"same {r}"); });
        using var s3 = otherTransport.Closed.Subscribe(r => { lock (log) log.Add($"other {r}"); });
        var closed = otherTransport.Closed.FirstAsyncOrTimeout(Timeout);
        await _transport1.CloseAsync();
        await closed;
        Assert.Equal(["same TransportClosed", "producer TransportClosed", "other DataProducerClosed"], log);
        Assert.False(_transport2.IsClosed);
    }

    [Fact]
    public async Task ABurstOfPauseAndResumeYieldsEveryStateInOrderAndEndsInTheLastOne()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });
        var producerStates = new List<bool>();
        var consumerStates = new List<bool>();
        using var s1 = _dataProducer.Paused.Subscribe(p => { lock (producerStates) producerStates.Add(p); });
        using var s2 = dataConsumer.Paused.Subscribe(p => { lock (consumerStates) consumerStates.Add(p); });
        var last = _dataProducer.PauseAsync();
        await Task.WhenAll(last, _dataProducer.ResumeAsync(), _dataProducer.PauseAsync(),
            dataConsumer.PauseAsync(), dataConsumer.ResumeAsync(), dataConsumer.PauseAsync());
        // Each state was applied as its answer was read, before the awaiter resumed.
        Assert.True(_dataProducer.Paused.Value);
        Assert.True(dataConsumer.Paused.Value);
        Assert.Equal([false, true, false, true], producerStates);
        Assert.Equal([false, true, false, true], consumerStates);
        Assert.True(await dataConsumer.DataProducerPaused.FirstAsync(p => p).FirstAsyncOrTimeout(Timeout));
    }

    [Fact]
    public async Task SubchannelsAndThresholdAreAppliedBeforeTheAwaiterResumes()
    {
        var webRtc = await (await _worker.CreateRouterAsync()).CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        var dataProducer = await webRtc.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1, Ordered = true },
        });
        var dataConsumer = await webRtc.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var adding = dataConsumer.AddSubchannelAsync(4);
        var setting = dataConsumer.SetSubchannelsAsync([7, 7, 8]);
        await Task.WhenAll(adding, setting);
        Assert.Equal([7, 8], dataConsumer.Subchannels.Order());
        await dataConsumer.SetBufferedAmountLowThresholdAsync(1234);
        Assert.Equal(1234, dataConsumer.BufferedAmountLowThreshold);
        Assert.Equal(1234, (await dataConsumer.DumpAsync()).BufferedAmountLowThreshold);
    }
}
