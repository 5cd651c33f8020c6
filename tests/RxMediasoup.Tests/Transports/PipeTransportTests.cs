using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Transports;

/// <summary>
/// Pipe transports against the real worker. The cases of Node's test-PipeTransport.js all pipe producers and
/// consumers and are ported with them; these cover the transport itself.
/// </summary>
public sealed class PipeTransportTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router1 = null!;
    private RxMediasoup.Router _router2 = null!;

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router1 = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
        _router2 = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    public async Task TwoPipeTransportsConnectToEachOther()
    {
        var pipe1 = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableRtx = true, EnableSctp = true });
        var pipe2 = await _router2.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableRtx = true, EnableSctp = true });
        Assert.True(pipe1.Rtx);
        Assert.Null(pipe1.SrtpParameters);
        Assert.Equal(SctpState.New, pipe1.SctpState.Current());
        Assert.False(pipe1.SctpParameters!.IsDataChannel);
        var local1 = pipe1.Tuple.Current();
        var local2 = pipe2.Tuple.Current();
        Assert.Equal("127.0.0.1", local1.LocalAddress);
        Assert.Null(local1.RemoteIp);

        await pipe1.ConnectAsync(local2.LocalAddress, local2.LocalPort);
        await pipe2.ConnectAsync(local1.LocalAddress, local1.LocalPort);
        Assert.Equal(local2.LocalPort, pipe1.Tuple.Current().RemotePort);
        Assert.Equal(local1.LocalPort, pipe2.Tuple.Current().RemotePort);
        // Must fail if connected.
        await Assert.ThrowsAnyAsync<MediasoupException>(() => pipe1.ConnectAsync(local2.LocalAddress, local2.LocalPort));

        var dump = Assert.IsType<PipeTransportDump>(await pipe1.DumpAsync());
        Assert.Equal(pipe1.Id, dump.Id);
        Assert.True(dump.Rtx);
        Assert.Equal(pipe1.Tuple.Current(), dump.Tuple);
        var stats = Assert.IsType<PipeTransportStats>(await pipe1.GetStatsAsync());
        Assert.Equal("pipe-transport", stats.Type);
        Assert.Equal(pipe1.Tuple.Current(), stats.Tuple);

        await _router1.CloseAsync();
        Assert.True(pipe1.IsClosed);
        Assert.Equal(SctpState.Closed, pipe1.SctpState.Current());
        Assert.False(pipe2.IsClosed);
        await pipe2.CloseAsync();
        await AssertNoHandlersAsync(_worker);
    }

    [Fact]
    public async Task PipeTransportsWithSrtpExchangeKeys()
    {
        var pipe1 = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        var pipe2 = await _router2.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        Assert.NotNull(pipe1.SrtpParameters);
        Assert.NotNull(pipe2.SrtpParameters);
        // Without the remote SRTP parameters the worker refuses.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipe1.ConnectAsync("127.0.0.1", pipe2.Tuple.Current().LocalPort));
        await pipe1.ConnectAsync("127.0.0.1", pipe2.Tuple.Current().LocalPort, pipe2.SrtpParameters);
        Assert.Equal(pipe2.SrtpParameters, pipe1.SrtpParameters);
    }

    [Fact]
    public async Task CreateWithWrongArgumentsRejectsWithArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = null! }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = Loopback with { Protocol = TransportProtocol.Tcp },
        }));
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }
}
