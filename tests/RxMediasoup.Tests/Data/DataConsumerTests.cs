using System.Reactive.Linq;

namespace RxMediasoup.Tests.Data;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-DataConsumer.js, against the real worker.</summary>
public sealed class DataConsumerTests : IAsyncLifetime
{
    private static readonly DataProducerOptions SctpDataProducerOptions = new()
    {
        SctpStreamParameters = new SctpStreamParameters { StreamId = 12345, Ordered = false, MaxPacketLifeTime = 5000 },
        Label = "foo",
        Protocol = "bar",
    };

    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private WebRtcTransport _transport1 = null!;
    private WebRtcTransport _transport2 = null!;
    private DirectTransport _directTransport = null!;
    private DataProducer _sctpDataProducer = null!;
    private DataProducer _directDataProducer = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
        _transport1 = await _router.CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        _transport2 = await _router.CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        _directTransport = await _router.CreateDirectTransportAsync();
        _sctpDataProducer = await _transport1.ProduceDataAsync(SctpDataProducerOptions);
        _directDataProducer = await _directTransport.ProduceDataAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-DataConsumer.js", "transport.consumeData() succeeds")]
    public async Task ConsumeDataSucceeds()
    {
        var changes = new List<IEntityChangeSet<DataConsumer, string>>();
        using var subscription = _transport2.DataConsumers.Connect().Subscribe(changes.Add);
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id,
            MaxPacketLifeTime = 4000,
            // Valid values are 0...65535 (others are the caller's error, see SubchannelsOutsideTheRangeAreRejected);
            // duplicated ones are discarded.
            Subchannels = [0, 1, 1, 1, 2, 65535, 100],
            AppData = new Dictionary<string, object?> { ["baz"] = "LOL" },
        });

        Assert.Equal(2, changes.Count);
        Assert.Same(dataConsumer, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(dataConsumer.Id, out _));
        Assert.Equal(_sctpDataProducer.Id, dataConsumer.DataProducerId);
        Assert.False(dataConsumer.IsClosed);
        Assert.Equal(DataConsumerType.Sctp, dataConsumer.Type);
        Assert.NotNull(dataConsumer.SctpStreamParameters);
        Assert.False(dataConsumer.SctpStreamParameters!.Ordered);
        Assert.Equal(4000, dataConsumer.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(dataConsumer.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dataConsumer.Label);
        Assert.Equal("bar", dataConsumer.Protocol);
        Assert.False(dataConsumer.Paused.Value);
        Assert.Equal([0, 1, 2, 100, 65535], dataConsumer.Subchannels.Order());
        Assert.Equal(new Dictionary<string, object?> { ["baz"] = "LOL" }, dataConsumer.AppData);

        var dump = await _router.DumpAsync();
        Assert.Equal([dataConsumer.Id], dump.MapDataProducerIdDataConsumerIds[_sctpDataProducer.Id]);
        Assert.Equal(_sctpDataProducer.Id, dump.MapDataConsumerIdDataProducerId[dataConsumer.Id]);
        var transportDump = await _transport2.DumpAsync();
        Assert.Equal(_transport2.Id, transportDump.Id);
        Assert.Empty(transportDump.DataProducerIds);
        Assert.Equal([dataConsumer.Id], transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "transport.consumeData() with unknown dataProducerId fails")]
    public async Task ConsumeDataWithUnknownDataProducerThrows()
    {
        await Assert.ThrowsAsync<NotFoundException>(
            () => _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = "12345678" }));
        Assert.Empty(_transport2.DataConsumers.Items);
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(
            () => _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = "" }));
        Assert.Contains("DataProducerId", e.ParamName);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.dump() succeeds")]
    public async Task DumpSucceeds()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id,
            Ordered = true,
            Subchannels = [0, 1, 1, 1, 2, 65535, 100],
            AppData = new Dictionary<string, object?> { ["baz"] = "LOL" },
        });
        var dump = await dataConsumer.DumpAsync();
        Assert.Equal(dataConsumer.Id, dump.Id);
        Assert.Equal(dataConsumer.DataProducerId, dump.DataProducerId);
        Assert.Equal(DataConsumerType.Sctp, dump.Type);
        Assert.NotNull(dump.SctpStreamParameters);
        Assert.Equal(dataConsumer.SctpStreamParameters!.StreamId, dump.SctpStreamParameters!.StreamId);
        Assert.True(dump.SctpStreamParameters.Ordered);
        Assert.Null(dump.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(dump.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dump.Label);
        Assert.Equal("bar", dump.Protocol);
        Assert.False(dump.Paused);
        Assert.False(dump.DataProducerPaused);
        Assert.Equal([0, 1, 2, 100, 65535], dump.Subchannels.Order());
        Assert.Equal(0, dump.BufferedAmount);
        // The transport's default per-stream buffered-amount-low threshold (mediasoup 3.27).
        Assert.Equal(1024, dump.BufferedAmountLowThreshold);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var stats = await dataConsumer.GetStatsAsync();
        Assert.Equal(dataConsumer.Label, stats.Label);
        Assert.Equal(dataConsumer.Protocol, stats.Protocol);
        Assert.Equal(0, stats.MessagesSent);
        Assert.Equal(0, stats.BytesSent);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.setSubchannels() succeeds")]
    public async Task SetSubchannelsSucceeds()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        await dataConsumer.SetSubchannelsAsync([999, 999, 998]);
        Assert.Equal([998, 999], dataConsumer.Subchannels.Order());
    }

    [Fact]
    public async Task SubchannelsOutsideTheRangeAreRejected()
    {
        // Node truncates 65536 to a uint16 (0); here a subchannel outside 0-65535 is the caller's error, everywhere.
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _transport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id,
            Subchannels = [1, 65536],
        }));
        Assert.Equal("options.Subchannels", e.ParamName);
        Assert.Empty(_transport2.DataConsumers.Items);
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id, Subchannels = [3] });
        Assert.Equal("subchannels", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.SetSubchannelsAsync([1, -1]))).ParamName);
        Assert.Equal("subchannel", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.AddSubchannelAsync(65536))).ParamName);
        Assert.Equal("subchannel", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.RemoveSubchannelAsync(-1))).ParamName);
        Assert.Equal([3], dataConsumer.Subchannels);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.addSubchannel() and .removeSubchannel() succeed")]
    public async Task AddAndRemoveSubchannelSucceed()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        await dataConsumer.SetSubchannelsAsync([]);
        Assert.Empty(dataConsumer.Subchannels);
        await dataConsumer.AddSubchannelAsync(5);
        Assert.Equal([5], dataConsumer.Subchannels.Order());
        await dataConsumer.AddSubchannelAsync(10);
        Assert.Equal([5, 10], dataConsumer.Subchannels.Order());
        await dataConsumer.AddSubchannelAsync(5);
        Assert.Equal([5, 10], dataConsumer.Subchannels.Order());
        await dataConsumer.RemoveSubchannelAsync(666);
        Assert.Equal([5, 10], dataConsumer.Subchannels.Order());
        await dataConsumer.RemoveSubchannelAsync(5);
        Assert.Equal([10], dataConsumer.Subchannels.Order());
        await dataConsumer.SetSubchannelsAsync([]);
        Assert.Empty(dataConsumer.Subchannels);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.AddSubchannelAsync(65536));
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "transport.consumeData() from a direct DataProducer succeeds")]
    public async Task ConsumeDataFromDirectDataProducerSucceeds()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _directDataProducer.Id });
        Assert.Same(dataConsumer, Assert.Single(_transport2.DataConsumers.Items));
        Assert.True(Guid.TryParse(dataConsumer.Id, out _));
        Assert.Equal(_directDataProducer.Id, dataConsumer.DataProducerId);
        Assert.False(dataConsumer.IsClosed);
        Assert.Equal(DataConsumerType.Sctp, dataConsumer.Type);
        Assert.NotNull(dataConsumer.SctpStreamParameters);
        Assert.True(dataConsumer.SctpStreamParameters!.Ordered);
        Assert.Null(dataConsumer.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(dataConsumer.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("", dataConsumer.Label);
        Assert.Equal("", dataConsumer.Protocol);
        Assert.False(dataConsumer.Paused.Value);
        Assert.Empty(dataConsumer.Subchannels);
        Assert.Empty(dataConsumer.AppData);

        var dump = await _router.DumpAsync();
        Assert.Equal([dataConsumer.Id], dump.MapDataProducerIdDataConsumerIds[_directDataProducer.Id]);
        Assert.Equal(_directDataProducer.Id, dump.MapDataConsumerIdDataProducerId[dataConsumer.Id]);
        var transportDump = await _transport2.DumpAsync();
        Assert.Empty(transportDump.DataProducerIds);
        Assert.Equal([dataConsumer.Id], transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.dump() consuming from a direct DataProducer succeeds")]
    public async Task DumpFromDirectDataProducerSucceeds()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _directDataProducer.Id,
            Ordered = false,
            MaxRetransmits = 2,
            Subchannels = [0, 1],
        });
        var dump = await dataConsumer.DumpAsync();
        Assert.Equal(dataConsumer.Id, dump.Id);
        Assert.Equal(dataConsumer.DataProducerId, dump.DataProducerId);
        Assert.Equal(DataConsumerType.Sctp, dump.Type);
        Assert.Equal(dataConsumer.SctpStreamParameters!.StreamId, dump.SctpStreamParameters!.StreamId);
        Assert.False(dump.SctpStreamParameters.Ordered);
        Assert.Null(dump.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Equal(2, dump.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("", dump.Label);
        Assert.Equal("", dump.Protocol);
        Assert.False(dump.Paused);
        Assert.False(dump.DataProducerPaused);
        Assert.Equal([0, 1], dump.Subchannels.Order());
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "transport.consumeData() on a DirectTransport succeeds")]
    public async Task ConsumeDataOnDirectTransportSucceeds()
    {
        var dataConsumer = await _directTransport.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id,
            Paused = true,
            AppData = new Dictionary<string, object?> { ["hehe"] = "HEHE" },
        });
        Assert.Same(dataConsumer, Assert.Single(_directTransport.DataConsumers.Items));
        Assert.True(Guid.TryParse(dataConsumer.Id, out _));
        Assert.Equal(_sctpDataProducer.Id, dataConsumer.DataProducerId);
        Assert.False(dataConsumer.IsClosed);
        Assert.Equal(DataConsumerType.Direct, dataConsumer.Type);
        Assert.Null(dataConsumer.SctpStreamParameters);
        Assert.Equal("foo", dataConsumer.Label);
        Assert.Equal("bar", dataConsumer.Protocol);
        Assert.True(dataConsumer.Paused.Value);
        Assert.Equal(new Dictionary<string, object?> { ["hehe"] = "HEHE" }, dataConsumer.AppData);

        var transportDump = await _directTransport.DumpAsync();
        Assert.Equal(_directTransport.Id, transportDump.Id);
        Assert.Equal([_directDataProducer.Id], transportDump.DataProducerIds);
        Assert.Equal([dataConsumer.Id], transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.dump() on a DirectTransport succeeds")]
    public async Task DumpOnDirectTransportSucceeds()
    {
        var dataConsumer = await _directTransport.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id,
            Paused = true,
        });
        var dump = await dataConsumer.DumpAsync();
        Assert.Equal(dataConsumer.Id, dump.Id);
        Assert.Equal(dataConsumer.DataProducerId, dump.DataProducerId);
        Assert.Equal(DataConsumerType.Direct, dump.Type);
        Assert.Null(dump.SctpStreamParameters);
        Assert.Equal("foo", dump.Label);
        Assert.Equal("bar", dump.Protocol);
        Assert.True(dump.Paused);
        Assert.Empty(dump.Subchannels);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.getStats() on a DirectTransport succeeds")]
    public async Task GetStatsOnDirectTransportSucceeds()
    {
        var dataConsumer = await _directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var stats = await dataConsumer.GetStatsAsync();
        Assert.Equal(dataConsumer.Label, stats.Label);
        Assert.Equal(dataConsumer.Protocol, stats.Protocol);
        Assert.Equal(0, stats.MessagesSent);
        Assert.Equal(0, stats.BytesSent);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.send() on a DirectTransport rejects with TypeError")]
    public async Task SendOnDirectTransportThrows()
    {
        var dataConsumer = await _directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        await Assert.ThrowsAsync<ArgumentException>(() => dataConsumer.SendAsync("foo"));
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.pause() and resume() succeed")]
    public async Task PauseAndResumeSucceed()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var values = new List<bool>();
        using var subscription = dataConsumer.Paused.Subscribe(values.Add);

        await dataConsumer.PauseAsync();
        Assert.True(dataConsumer.Paused.Value);
        Assert.True((await dataConsumer.DumpAsync()).Paused);
        await dataConsumer.ResumeAsync();
        Assert.False(dataConsumer.Paused.Value);
        Assert.False((await dataConsumer.DumpAsync()).Paused);

        await Task.WhenAll(
            dataConsumer.PauseAsync(), dataConsumer.ResumeAsync(), dataConsumer.PauseAsync(),
            dataConsumer.PauseAsync(), dataConsumer.PauseAsync(), dataConsumer.ResumeAsync());
        // The replayed initial value, then 3 pauses and 3 resumes.
        Assert.Equal([false, true, false, true, false, true, false], values);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataProducer.pause() and resume() emit events")]
    public async Task DataProducerPauseAndResumeEmitEvents()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var events = new List<string>();
        // `events` subscribes first: observers are called in subscription order, so when `resumed` completes the
        // recorder has already seen the second change.
        using var subscription = dataConsumer.DataProducerPaused.Skip(1).Subscribe(p => events.Add(p ? "pause" : "resume"));
        var resumed = dataConsumer.DataProducerPaused.Skip(2).FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        await Task.WhenAll(_sctpDataProducer.PauseAsync(), _sctpDataProducer.ResumeAsync());
        // The data consumer learns it from the worker's notifications.
        Assert.False(await resumed);
        Assert.Equal(["pause", "resume"], events);
        Assert.False(dataConsumer.Paused.Value);
        Assert.False(dataConsumer.DataProducerPaused.Value);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "dataConsumer.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var reasons = new List<CloseReason>();
        using var subscription = dataConsumer.Closed.Subscribe(reasons.Add);
        var close = dataConsumer.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(dataConsumer.IsClosed);
        Assert.Empty(_transport2.DataConsumers.Items);
        await close;
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.DumpAsync());

        var dump = await _router.DumpAsync();
        Assert.Empty(dump.MapDataProducerIdDataConsumerIds[_sctpDataProducer.Id]);
        Assert.Empty(dump.MapDataConsumerIdDataProducerId);
        var transportDump = await _transport2.DumpAsync();
        Assert.Empty(transportDump.DataProducerIds);
        Assert.Empty(transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "Consumer methods reject if closed")]
    public async Task MethodsThrowIfClosed()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        await dataConsumer.CloseAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.GetStatsAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.PauseAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.SetSubchannelsAsync([1]));
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "DataConsumer emits \"dataproducerclose\" if DataProducer is closed")]
    public async Task ClosesWhenDataProducerCloses()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var closed = dataConsumer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        bool messagesCompleted = false;
        using var subscription = dataConsumer.Messages.Subscribe(_ => { }, () => messagesCompleted = true);
        await _sctpDataProducer.CloseAsync();
        Assert.Equal(CloseReason.DataProducerClosed, await closed);
        Assert.True(messagesCompleted);
        Assert.True(dataConsumer.IsClosed);
        Assert.Empty(_transport2.DataConsumers.Items);
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.DumpAsync());
    }

    [Fact]
    [NodeCase("test-DataConsumer.js", "DataConsumer emits \"transportclose\" if Transport is closed")]
    public async Task ClosesWhenTransportCloses()
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        var closed = dataConsumer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        await _transport2.CloseAsync();
        Assert.Equal(CloseReason.TransportClosed, await closed);
        Assert.True(dataConsumer.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.DumpAsync());
        var dump = await _router.DumpAsync();
        Assert.Empty(dump.MapDataProducerIdDataConsumerIds[_sctpDataProducer.Id]);
        Assert.Empty(dump.MapDataConsumerIdDataProducerId);
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(-1)]
    public async Task SetSubchannelsWithAnOutOfRangeSubchannelThrowsAndSendsNothing(int bad)
    {
        var dataConsumer = await _transport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id, Subchannels = [7],
        });
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => dataConsumer.SetSubchannelsAsync([999, bad]));
        Assert.Equal("subchannels", e.ParamName);
        // Nothing reached the worker: it still has the subchannels it was created with.
        Assert.Equal([7], (await dataConsumer.DumpAsync()).Subchannels);
        Assert.Equal([7], dataConsumer.Subchannels);
    }

    [Theory]
    [InlineData(65536)]
    [InlineData(-1)]
    public async Task ConsumeDataWithAnOutOfRangeSubchannelThrowsAndSendsNothing(int bad)
    {
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _transport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = _sctpDataProducer.Id, Subchannels = [1, bad],
        }));
        Assert.Equal("options.Subchannels", e.ParamName);
        Assert.Empty(_transport2.DataConsumers.Items);
        Assert.Empty((await _transport2.DumpAsync()).DataConsumerIds);
        // The SCTP stream id it would have taken is still free: the next data consumer gets the first one.
        var next = await _transport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _sctpDataProducer.Id });
        Assert.Equal(0, next.SctpStreamParameters!.StreamId);
    }
}
