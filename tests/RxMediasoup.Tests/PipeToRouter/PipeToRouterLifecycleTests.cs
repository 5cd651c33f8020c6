using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.PipeToRouter;

/// <summary>
/// <see cref="RxMediasoup.Router.PipeToRouterAsync"/> beyond Node's cases: validation, the pipe transport pair's
/// lifetime (closed together, recreated after, closed when the other worker dies), the pipe consumer/producer link,
/// cancellation and leaks.
/// </summary>
public sealed class PipeToRouterLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private RxMediasoup.Worker _worker1 = null!;
    private RxMediasoup.Worker _worker2 = null!;
    private RxMediasoup.Router _router1 = null!;
    private RxMediasoup.Router _router2 = null!;
    private RxMediasoup.Producer _producer = null!;

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker1 = await RxMediasoup.Worker.CreateAsync();
        _worker2 = await RxMediasoup.Worker.CreateAsync();
        _router1 = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = PipeToRouterTests.MediaCodecs });
        _router2 = await _worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = PipeToRouterTests.MediaCodecs });
        var transport = await _router1.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback] });
        _producer = await transport.ProduceAsync(PipeToRouterTests.AudioProducerOptions);
    }

    public async Task DisposeAsync()
    {
        await _worker1.CloseAsync();
        await _worker2.CloseAsync();
    }

    private PipeTransport PipeTransportOf(RxMediasoup.Router router) => Assert.Single(router.Transports.Items.OfType<PipeTransport>());

    [Fact]
    public async Task InvalidOptionsAreRejectedBeforeAnythingIsCreated()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _router1.PipeToRouterAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = null! }));
        var self = await Assert.ThrowsAsync<ArgumentException>(() =>
            _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router1 }));
        Assert.Contains("cannot use this Router as destination", self.Message);
        var neither = await Assert.ThrowsAsync<ArgumentException>(() => _router1.PipeToRouterAsync(new PipeToRouterOptions { Router = _router2 }));
        Assert.Contains("missing producerId or dataProducerId", neither.Message);
        var both = await Assert.ThrowsAsync<ArgumentException>(() =>
            _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = "a", DataProducerId = "b", Router = _router2 }));
        Assert.Contains("just producerId or dataProducerId", both.Message);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 }, cancelled.Token));
        Assert.Empty(_router1.Transports.Items.OfType<PipeTransport>());
        Assert.Empty(_router2.Transports.Items);
    }

    [Fact]
    public async Task ThePairIsReusedInBothDirectionsAndRecreatedAfterItCloses()
    {
        var first = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 });
        var pipe1 = PipeTransportOf(_router1);
        var pipe2 = PipeTransportOf(_router2);
        Assert.Same(pipe1, first.PipeConsumer!.Transport);
        Assert.Same(pipe2, first.PipeProducer!.Transport);
        Assert.Equal(pipe2.Tuple.Current().LocalPort, pipe1.Tuple.Current().RemotePort);
        Assert.Equal(pipe1.Tuple.Current().LocalPort, pipe2.Tuple.Current().RemotePort);

        // The other direction uses the same pair.
        var transport2 = await _router2.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback] });
        var producer2 = await transport2.ProduceAsync(PipeToRouterTests.AudioProducerOptions);
        var back = await _router2.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = producer2.Id, Router = _router1 });
        Assert.Same(pipe2, back.PipeConsumer!.Transport);
        Assert.Same(pipe1, back.PipeProducer!.Transport);

        // Closing one half closes the other, and everything piped through them.
        var pipe2Closed = pipe2.Closed.Timeout(Timeout).ToTask();
        await pipe1.CloseAsync();
        Assert.Equal(CloseReason.Explicit, await pipe2Closed);
        Assert.True(first.PipeConsumer.IsClosed);
        Assert.True(first.PipeProducer.IsClosed);
        Assert.True(back.PipeConsumer.IsClosed);
        Assert.True(back.PipeProducer.IsClosed);
        Assert.False(_producer.IsClosed);
        Assert.False(producer2.IsClosed);

        // The next call creates a new pair.
        var again = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 });
        Assert.NotSame(pipe1, PipeTransportOf(_router1));
        Assert.NotSame(pipe2, PipeTransportOf(_router2));
        Assert.Same(PipeTransportOf(_router2), again.PipeProducer!.Transport);
        Assert.False(again.PipeProducer.IsClosed);
    }

    [Fact]
    public async Task ClosingThePipeProducerClosesThePipeConsumerAndViceVersa()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 });
        var consumerClosed = result.PipeConsumer!.Closed.Timeout(Timeout).ToTask();
        await result.PipeProducer!.CloseAsync();
        Assert.Equal(CloseReason.Explicit, await consumerClosed);
        Assert.False(_producer.IsClosed);

        // A second pipe of the same producer (the first pipe producer's id is free again), closed from the other side.
        var second = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 });
        Assert.Equal(_producer.Id, second.PipeProducer!.Id);
        var producerClosed = second.PipeProducer.Closed.Timeout(Timeout).ToTask();
        await second.PipeConsumer!.CloseAsync();
        Assert.Equal(CloseReason.Explicit, await producerClosed);
        Assert.Null(_router2.Transports.Items.OfType<PipeTransport>().Single().Producers.Lookup(_producer.Id));
    }

    [Fact]
    public async Task KeepIdFalseGivesANewIdOnAnotherWorkerToo()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2, KeepId = false });
        Assert.NotEqual(_producer.Id, result.PipeProducer!.Id);
        Assert.Equal(_producer.AppData, result.PipeProducer.AppData);
        Assert.True(_router2.CanConsume(result.PipeProducer.Id, _router2.RtpCapabilities));
    }

    [Fact]
    public async Task TheOtherWorkerDyingClosesThePairAndThePipeConsumer()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 });
        var pipe1 = PipeTransportOf(_router1);
        var pipe1Closed = pipe1.Closed.Timeout(Timeout).ToTask();
        var pipeConsumerClosed = result.PipeConsumer!.Closed.Timeout(Timeout).ToTask();
        TestWorkerMode.Kill(_worker2);
        Assert.Equal(CloseReason.WorkerDied, await result.PipeProducer!.Closed.Timeout(Timeout).ToTask());
        Assert.Equal(CloseReason.Explicit, await pipe1Closed);
        Assert.Contains(await pipeConsumerClosed, new[] { CloseReason.TransportClosed, CloseReason.Explicit });
        Assert.False(_producer.IsClosed);
        Assert.Empty(_router1.Transports.Items.OfType<PipeTransport>());
    }

    [Fact]
    public async Task NothingIsLeftRegisteredAfterEverythingCloses()
    {
        var transport = Assert.Single(_router1.Transports.Items);
        var dataProducer = await (await _router1.CreateDirectTransportAsync()).ProduceDataAsync(new DataProducerOptions { Label = "x" });
        await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _producer.Id, Router = _router2 });
        await _router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = dataProducer.Id, Router = _router2 });
        await _router1.CloseAsync();
        var pipe2 = _router2.Transports.Items.OfType<PipeTransport>().SingleOrDefault();
        if (pipe2 is not null) await pipe2.Closed.Timeout(Timeout).ToTask();
        Assert.Empty(_router2.Transports.Items);
        Assert.True(transport.IsClosed);
        await AssertNoHandlersAsync(_worker1);
        await AssertNoHandlersAsync(_worker2);
    }
}
