using System.Reactive.Linq;

namespace RxMediasoup.Tests.Data;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-DataProducer.js, against the real worker.</summary>
public sealed class DataProducerTests : IAsyncLifetime
{
    private static readonly DataProducerOptions Options1 = new()
    {
        SctpStreamParameters = new SctpStreamParameters { StreamId = 666 },
        Label = "foo",
        Protocol = "bar",
        AppData = new Dictionary<string, object?> { ["foo"] = 1, ["bar"] = "2" },
    };

    private static readonly DataProducerOptions Options2 = new()
    {
        SctpStreamParameters = new SctpStreamParameters { StreamId = 777, MaxRetransmits = 3 },
        Label = "foo",
        Protocol = "bar",
        Paused = true,
        AppData = new Dictionary<string, object?> { ["foo"] = 1, ["bar"] = "2" },
    };

    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private WebRtcTransport _transport1 = null!;
    private WebRtcTransport _transport2 = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
        _transport1 = await _router.CreateWebRtcTransportAsync(SctpOptions());
        _transport2 = await _router.CreateWebRtcTransportAsync(SctpOptions());
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    internal static WebRtcTransportOptions SctpOptions() => new()
    {
        ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        EnableSctp = true,
    };

    [Fact]
    [NodeCase("test-DataProducer.js", "webRtcTransport1.produceData() succeeds")]
    public async Task Transport1ProduceDataSucceeds()
    {
        var changes = new List<IEntityChangeSet<DataProducer, string>>();
        using var subscription = _transport1.DataProducers.Connect().Subscribe(changes.Add);
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);

        Assert.Equal(2, changes.Count);
        Assert.Same(dataProducer1, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(dataProducer1.Id, out _));
        Assert.False(dataProducer1.IsClosed);
        Assert.Equal(DataProducerType.Sctp, dataProducer1.Type);
        Assert.NotNull(dataProducer1.SctpStreamParameters);
        Assert.Equal(666, dataProducer1.SctpStreamParameters!.StreamId);
        Assert.True(dataProducer1.SctpStreamParameters.Ordered);
        Assert.Null(dataProducer1.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(dataProducer1.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dataProducer1.Label);
        Assert.Equal("bar", dataProducer1.Protocol);
        Assert.False(dataProducer1.Paused.Value);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = 1, ["bar"] = "2" }, dataProducer1.AppData);

        var dump = await _router.DumpAsync();
        Assert.Empty(dump.MapDataProducerIdDataConsumerIds[dataProducer1.Id]);
        Assert.Empty(dump.MapDataConsumerIdDataProducerId);
        var transportDump = await _transport1.DumpAsync();
        Assert.Equal(_transport1.Id, transportDump.Id);
        Assert.Equal([dataProducer1.Id], transportDump.DataProducerIds);
        Assert.Empty(transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "webRtcTransport2.produceData() succeeds")]
    public async Task Transport2ProduceDataSucceeds()
    {
        var dataProducer2 = await _transport2.ProduceDataAsync(Options2);

        Assert.Same(dataProducer2, Assert.Single(_transport2.DataProducers.Items));
        Assert.True(Guid.TryParse(dataProducer2.Id, out _));
        Assert.False(dataProducer2.IsClosed);
        Assert.Equal(DataProducerType.Sctp, dataProducer2.Type);
        Assert.Equal(777, dataProducer2.SctpStreamParameters!.StreamId);
        Assert.False(dataProducer2.SctpStreamParameters.Ordered);
        Assert.Null(dataProducer2.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Equal(3, dataProducer2.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dataProducer2.Label);
        Assert.Equal("bar", dataProducer2.Protocol);
        Assert.True(dataProducer2.Paused.Value);
        Assert.True(await dataProducer2.Paused.FirstAsync());
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = 1, ["bar"] = "2" }, dataProducer2.AppData);

        var dump = await _router.DumpAsync();
        Assert.Empty(dump.MapDataProducerIdDataConsumerIds[dataProducer2.Id]);
        Assert.Empty(dump.MapDataConsumerIdDataProducerId);
        var transportDump = await _transport2.DumpAsync();
        Assert.Equal([dataProducer2.Id], transportDump.DataProducerIds);
        Assert.Empty(transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "webRtcTransport1.produceData() with wrong arguments rejects with TypeError")]
    public async Task ProduceDataWithWrongArgumentsThrows()
    {
        // {}: no sctpStreamParameters on an SCTP transport.
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceDataAsync(new DataProducerOptions()));
        Assert.Contains("sctpStreamParameters", e.ParamName);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceDataAsync());
        // { sctpStreamParameters: { foo: 'foo' } } (no streamId): StreamId is a required member in C#, so the nearest
        // expressible input is an invalid streamId; the JSON form without streamId does not deserialize.
        Assert.ThrowsAny<System.Text.Json.JsonException>(
            () => System.Text.Json.JsonSerializer.Deserialize<SctpStreamParameters>("""{"foo":"foo"}"""));
        e = await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = -1 },
        }));
        Assert.Contains("streamId", e.ParamName);
        Assert.Empty(_transport1.DataProducers.Items);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "transport.produceData() with already used streamId rejects with Error")]
    public async Task ProduceDataWithUsedStreamIdThrows()
    {
        await _transport1.ProduceDataAsync(Options1);
        await Assert.ThrowsAsync<MediasoupException>(() => _transport1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 666 },
        }));
        Assert.Single(_transport1.DataProducers.Items);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "transport.produceData() with ordered and maxPacketLifeTime rejects with TypeError")]
    public async Task ProduceDataWithOrderedAndMaxPacketLifeTimeThrows()
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 999, Ordered = true, MaxPacketLifeTime = 4000 },
        }));
        Assert.Contains("ordered", e.ParamName);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "dataProducer.dump() succeeds")]
    public async Task DumpSucceeds()
    {
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);
        var dump1 = await dataProducer1.DumpAsync();
        Assert.Equal(dataProducer1.Id, dump1.Id);
        Assert.Equal(DataProducerType.Sctp, dump1.Type);
        Assert.Equal(666, dump1.SctpStreamParameters!.StreamId);
        Assert.True(dump1.SctpStreamParameters.Ordered);
        Assert.Null(dump1.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(dump1.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dump1.Label);
        Assert.Equal("bar", dump1.Protocol);
        Assert.False(dump1.Paused);

        var dataProducer2 = await _transport2.ProduceDataAsync(Options2);
        var dump2 = await dataProducer2.DumpAsync();
        Assert.Equal(dataProducer2.Id, dump2.Id);
        Assert.Equal(DataProducerType.Sctp, dump2.Type);
        Assert.Equal(777, dump2.SctpStreamParameters!.StreamId);
        Assert.False(dump2.SctpStreamParameters.Ordered);
        Assert.Null(dump2.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Equal(3, dump2.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dump2.Label);
        Assert.Equal("bar", dump2.Protocol);
        Assert.True(dump2.Paused);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "dataProducer.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);
        var stats1 = await dataProducer1.GetStatsAsync();
        Assert.Equal(dataProducer1.Label, stats1.Label);
        Assert.Equal(dataProducer1.Protocol, stats1.Protocol);
        Assert.Equal(0, stats1.MessagesReceived);
        Assert.Equal(0, stats1.BytesReceived);

        var dataProducer2 = await _transport2.ProduceDataAsync(Options2);
        var stats2 = await dataProducer2.GetStatsAsync();
        Assert.Equal(dataProducer2.Label, stats2.Label);
        Assert.Equal(dataProducer2.Protocol, stats2.Protocol);
        Assert.Equal(0, stats2.MessagesReceived);
        Assert.Equal(0, stats2.BytesReceived);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "dataProducer.pause() and resume() succeed")]
    public async Task PauseAndResumeSucceed()
    {
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);
        var values = new List<bool>();
        using var subscription = dataProducer1.Paused.Subscribe(values.Add);

        await dataProducer1.PauseAsync();
        Assert.True(dataProducer1.Paused.Value);
        Assert.True((await dataProducer1.DumpAsync()).Paused);
        await dataProducer1.ResumeAsync();
        Assert.False(dataProducer1.Paused.Value);
        Assert.False((await dataProducer1.DumpAsync()).Paused);

        // Even without awaiting each pause()/resume(), every change of state is emitted.
        var tasks = new[]
        {
            dataProducer1.PauseAsync(), dataProducer1.ResumeAsync(), dataProducer1.PauseAsync(),
            dataProducer1.PauseAsync(), dataProducer1.PauseAsync(), dataProducer1.ResumeAsync(),
        };
        await Task.WhenAll(tasks);
        // The replayed initial value, then 3 pauses and 3 resumes.
        Assert.Equal([false, true, false, true, false, true, false], values);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "producer.pause() and resume() emit events")]
    public async Task PauseAndResumeEmitEvents()
    {
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);
        var events = new List<string>();
        using var subscription = dataProducer1.Paused.Skip(1).Subscribe(p => events.Add(p ? "pause" : "resume"));
        await Task.WhenAll(dataProducer1.PauseAsync(), dataProducer1.ResumeAsync());
        Assert.Equal(["pause", "resume"], events);
        Assert.False(dataProducer1.Paused.Value);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "dataProducer.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);
        var reasons = new List<CloseReason>();
        bool completed = false;
        using var subscription = dataProducer1.Closed.Subscribe(reasons.Add, () => completed = true);
        var close = dataProducer1.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(completed);
        Assert.True(dataProducer1.IsClosed);
        Assert.Empty(_transport1.DataProducers.Items);
        await close;
        await Assert.ThrowsAsync<NotFoundException>(() => dataProducer1.DumpAsync());

        var dump = await _router.DumpAsync();
        Assert.Empty(dump.MapDataProducerIdDataConsumerIds);
        Assert.Empty(dump.MapDataConsumerIdDataProducerId);
        var transportDump = await _transport1.DumpAsync();
        Assert.Empty(transportDump.DataProducerIds);
        Assert.Empty(transportDump.DataConsumerIds);
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "DataProducer methods reject if closed")]
    public async Task MethodsThrowIfClosed()
    {
        var dataProducer1 = await _transport1.ProduceDataAsync(Options1);
        await dataProducer1.CloseAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => dataProducer1.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => dataProducer1.GetStatsAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => dataProducer1.PauseAsync());
        Assert.Throws<NotFoundException>(() => dataProducer1.Send("foo"));
    }

    [Fact]
    [NodeCase("test-DataProducer.js", "DataProducer emits \"transportclose\" if Transport is closed")]
    public async Task ClosesWhenTransportCloses()
    {
        var dataProducer2 = await _transport2.ProduceDataAsync(Options2);
        var closed = dataProducer2.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        bool pausedCompleted = false;
        using var subscription = dataProducer2.Paused.Subscribe(_ => { }, () => pausedCompleted = true);
        await _transport2.CloseAsync();
        Assert.Equal(CloseReason.TransportClosed, await closed);
        Assert.True(pausedCompleted);
        Assert.True(dataProducer2.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => dataProducer2.DumpAsync());
    }
}
