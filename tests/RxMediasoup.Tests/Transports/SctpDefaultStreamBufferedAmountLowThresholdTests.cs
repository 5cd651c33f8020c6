namespace RxMediasoup.Tests.Transports;

/// <summary>
/// mediasoup 3.27's <c>sctpDefaultStreamBufferedAmountLowThreshold</c> transport option: default 1024 on every transport
/// that can have SCTP (and in pipeToRouter), validated before anything is sent. That the worker applies it is checked by
/// the dump of a data consumer (test-DataConsumer.js "dataConsumer.dump() succeeds"), which needs a 3.27 worker.
/// </summary>
public sealed class SctpDefaultStreamBufferedAmountLowThresholdTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions());
    }

    public Task DisposeAsync() => _worker.CloseAsync();

    [Fact]
    public void DefaultIs1024()
    {
        Assert.Equal(1024, new WebRtcTransportOptions { ListenInfos = [Loopback] }.SctpDefaultStreamBufferedAmountLowThreshold);
        Assert.Equal(1024, new PlainTransportOptions { ListenInfo = Loopback }.SctpDefaultStreamBufferedAmountLowThreshold);
        Assert.Equal(1024, new PipeTransportOptions { ListenInfo = Loopback }.SctpDefaultStreamBufferedAmountLowThreshold);
        Assert.Equal(1024, new PipeToRouterOptions { Router = _router, DataProducerId = "x" }.SctpDefaultStreamBufferedAmountLowThreshold);
        // pipeToRouter hands it to both pipe transports.
        Assert.Equal(77, new PipeToRouterOptions { Router = _router, DataProducerId = "x", SctpDefaultStreamBufferedAmountLowThreshold = 77 }
            .ToPipeTransportOptions().SctpDefaultStreamBufferedAmountLowThreshold);
    }

    [Fact]
    public async Task NegativeIsRejectedByEveryTransportKind()
    {
        var webRtc = Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _router.CreateWebRtcTransportAsync(
            new WebRtcTransportOptions { ListenInfos = [Loopback], EnableSctp = true, SctpDefaultStreamBufferedAmountLowThreshold = -1 }));
        var plain = Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _router.CreatePlainTransportAsync(
            new PlainTransportOptions { ListenInfo = Loopback, EnableSctp = true, SctpDefaultStreamBufferedAmountLowThreshold = -1 }));
        var pipe = Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _router.CreatePipeTransportAsync(
            new PipeTransportOptions { ListenInfo = Loopback, EnableSctp = true, SctpDefaultStreamBufferedAmountLowThreshold = -1 }));
        foreach (var e in await Task.WhenAll(webRtc, plain, pipe))
            Assert.Equal("SctpDefaultStreamBufferedAmountLowThreshold", e.ParamName);
        // Nothing was created.
        Assert.Empty((await _router.DumpAsync()).TransportIds);
        // 0 is fine.
        await _router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSctp = true, SctpDefaultStreamBufferedAmountLowThreshold = 0 });
    }
}
