using System.Net.Sockets;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Transports;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-PlainTransport.js, against the real worker.</summary>
public sealed class PlainTransportTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-PlainTransport.js", "router.createPlainTransport() succeeds")]
    public async Task CreateSucceeds()
    {
        var transport1 = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Udp() });
        Assert.Equal([transport1.Id], (await _router.DumpAsync()).TransportIds);

        var changes = new List<IEntityChangeSet<Transport, string>>();
        using var subscription = _router.Transports.Connect().Subscribe(changes.Add);
        // Create a separate transport here.
        var transport2 = await _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Udp(announcedAddress: "9.9.9.1"),
            EnableSctp = true,
            AppData = new Dictionary<string, object?> { ["foo"] = "bar" },
        });
        Assert.Equal(2, changes.Count);
        Assert.Same(transport2, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(transport2.Id, out _));
        Assert.False(transport2.IsClosed);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = "bar" }, transport2.AppData);
        var tuple = transport2.Tuple.Current();
        Assert.Equal("9.9.9.1", tuple.LocalIp);
        Assert.Equal("9.9.9.1", tuple.LocalAddress);
        Assert.True(tuple.LocalPort > 0);
        Assert.Equal(TransportProtocol.Udp, tuple.Protocol);
        Assert.Null(transport2.RtcpTuple.Current());
        var sctp = transport2.SctpParameters;
        Assert.NotNull(sctp);
        Assert.Equal(5000, sctp.Port);
        Assert.Equal(262144, sctp.MaxSendMessageSize);
        Assert.Equal(262144, sctp.MaxReceiveMessageSize);
        Assert.Equal(2000000, sctp.SendBufferSize);
        Assert.Equal(2000000, sctp.PerStreamSendQueueLimit);
        Assert.Equal(5242880, sctp.MaxReceiverWindowBufferSize);
        Assert.False(sctp.IsDataChannel);
        Assert.Equal(SctpState.New, transport2.SctpState.Current());
        Assert.Null(transport2.SctpNegotiatedCapabilities.Current());
        Assert.Null(transport2.SrtpParameters);

        var dump1 = Assert.IsType<PlainTransportDump>(await transport2.DumpAsync());
        Assert.Equal(transport2.Id, dump1.Id);
        Assert.Empty(dump1.ProducerIds);
        Assert.Empty(dump1.ConsumerIds);
        Assert.Equal(transport2.Tuple.Current(), dump1.Tuple);
        Assert.Equal(transport2.RtcpTuple.Current(), dump1.RtcpTuple);
        Assert.Equal(transport2.SctpParameters, dump1.SctpParameters);
        Assert.Equal(SctpState.New, dump1.SctpState);
        Assert.NotNull(dump1.RecvRtpHeaderExtensions);
        Assert.NotNull(dump1.RtpListener);

        await transport2.CloseAsync();
        Assert.True(transport2.IsClosed);

        // Node's `listenIp: '127.0.0.1'`.
        var anotherTransport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback });
        Assert.NotNull(anotherTransport);

        int rtpPort = PickPort(ProtocolType.Udp);
        int rtcpPort = PickPort(ProtocolType.Udp);
        var transport3 = await _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback with { Port = rtpPort },
            RtcpListenInfo = Loopback with { Port = rtcpPort },
        });
        Assert.False(transport3.IsClosed);
        Assert.Empty(transport3.AppData);
        Assert.False(transport3.RtcpMux);
        var t3 = transport3.Tuple.Current();
        Assert.Equal("127.0.0.1", t3.LocalIp);
        Assert.Equal("127.0.0.1", t3.LocalAddress);
        Assert.Equal(rtpPort, t3.LocalPort);
        Assert.Equal(TransportProtocol.Udp, t3.Protocol);
        var r3 = transport3.RtcpTuple.Current();
        Assert.NotNull(r3);
        Assert.Equal("127.0.0.1", r3.LocalIp);
        Assert.Equal("127.0.0.1", r3.LocalAddress);
        Assert.Equal(rtcpPort, r3.LocalPort);
        Assert.Equal(TransportProtocol.Udp, r3.Protocol);
        Assert.Null(transport3.SctpParameters);
        Assert.Null(transport3.SctpState.Current());
        Assert.Null(transport3.SctpNegotiatedCapabilities.Current());

        var dump2 = Assert.IsType<PlainTransportDump>(await transport3.DumpAsync());
        Assert.Equal(transport3.Id, dump2.Id);
        Assert.Equal(transport3.Tuple.Current(), dump2.Tuple);
        Assert.Equal(transport3.RtcpTuple.Current(), dump2.RtcpTuple);
        Assert.Null(dump2.SctpState);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "router.createPlainTransport() with wrong arguments rejects with TypeError")]
    public async Task CreateWithWrongArgumentsRejectsWithArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = null! }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback with { PortRange = new PortRange(4000, 3000) },
        }));
        // `listenIp: '123'`: the worker rejects the IP (TypeError).
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback with { Ip = "123" },
        }));
        // `listenIp: ['127.0.0.1']` and a non-object appData cannot be written in C#.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback with { Protocol = TransportProtocol.Tcp },
        }));
        Assert.Empty((await _router.DumpAsync()).TransportIds);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "router.createPlainTransport() with enableSrtp succeeds")]
    public async Task CreateWithEnableSrtpSucceeds()
    {
        // Default cryptoSuite: AES_CM_128_HMAC_SHA1_80.
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        Assert.NotNull(transport.SrtpParameters);
        Assert.Equal(SrtpCryptoSuite.AesCm128HmacSha1_80, transport.SrtpParameters.CryptoSuite);
        Assert.Equal(40, transport.SrtpParameters.KeyBase64.Length);

        // Missing srtpParameters.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.2", 9999));
        // Invalid srtpParameters (`1`, a missing cryptoSuite or keyBase64, cryptoSuite 123) cannot be written in C#;
        // the representable ones: an undefined crypto suite ('FOO') and an empty key.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.2", 9999,
            srtpParameters: new SrtpParameters { CryptoSuite = (SrtpCryptoSuite)99, KeyBase64 = "ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.2", 9999,
            srtpParameters: new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AesCm128HmacSha1_80, KeyBase64 = "" }));

        // Valid srtpParameters. And let's update the crypto suite.
        await transport.ConnectAsync("127.0.0.2", 9999, srtpParameters: new SrtpParameters
        {
            CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm,
            KeyBase64 = "YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHphdHo=",
        });
        Assert.Equal(SrtpCryptoSuite.AeadAes256Gcm, transport.SrtpParameters.CryptoSuite);
        Assert.Equal(60, transport.SrtpParameters.KeyBase64.Length);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "plainTransport.connect() with srtpParameters and comedia enabled succeeds")]
    public async Task ConnectWithSrtpAndComediaSucceeds()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback, EnableSrtp = true, Comedia = true,
        });
        Assert.Equal(SrtpCryptoSuite.AesCm128HmacSha1_80, transport.SrtpParameters!.CryptoSuite);
        Assert.Equal(40, transport.SrtpParameters.KeyBase64.Length);
        // The tuple only carries local information until comedia latches a remote.
        Assert.Equal("127.0.0.1", transport.Tuple.Current().LocalAddress);
        Assert.Equal(TransportProtocol.Udp, transport.Tuple.Current().Protocol);
        Assert.Null(transport.Tuple.Current().RemoteIp);

        // No need for ip and port since comedia is enabled.
        await transport.ConnectAsync(srtpParameters: new SrtpParameters
        {
            CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm,
            KeyBase64 = "YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHphdHo=",
        });
        Assert.Equal(SrtpCryptoSuite.AeadAes256Gcm, transport.SrtpParameters.CryptoSuite);
        Assert.Equal(60, transport.SrtpParameters.KeyBase64.Length);
        Assert.Null(transport.Tuple.Current().RemoteIp);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "router.createPlainTransport() with non bindable IP rejects with Error")]
    public async Task CreateWithNonBindableIpRejects()
    {
        await Assert.ThrowsAnyAsync<MediasoupException>(() => _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = Loopback with { Ip = "8.8.8.8" },
        }));
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "two transports binding to the same IP:port with udpReusePort flag succeed")]
    public async Task TwoTransportsOnTheSamePortWithUdpReusePortSucceed()
    {
        const string multicastIp = "224.0.0.1";
        int port = PickPort(ProtocolType.Udp, multicastIp);
        // Ipv6Only is ignored since the IP is IPv4.
        var info = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = multicastIp, Port = port, Flags = new() { UdpReusePort = true, Ipv6Only = true } };
        Assert.NotNull(await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = info }));
        Assert.NotNull(await _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = info with { Flags = new() { UdpReusePort = true } },
        }));
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "two transports binding to the same IP:port without udpReusePort flag fail")]
    public async Task TwoTransportsOnTheSamePortWithoutUdpReusePortFail()
    {
        const string multicastIp = "224.0.0.1";
        int port = PickPort(ProtocolType.Udp, multicastIp);
        var options = new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = multicastIp, Port = port, Flags = new() { UdpReusePort = false } },
        };
        Assert.NotNull(await _router.CreatePlainTransportAsync(options));
        await Assert.ThrowsAnyAsync<MediasoupException>(() => _router.CreatePlainTransportAsync(options));
        Assert.Equal(1, _router.Transports.Count);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "plainTransport.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback });
        var stats = Assert.IsType<PlainTransportStats>(await transport.GetStatsAsync());
        Assert.Equal("plain-rtp-transport", stats.Type);
        Assert.Equal(transport.Id, stats.TransportId);
        Assert.True(stats.Timestamp > 0);
        Assert.Equal(0, stats.BytesReceived);
        Assert.Equal(0, stats.RecvBitrate);
        Assert.Equal(0, stats.BytesSent);
        Assert.Equal(0, stats.SendBitrate);
        Assert.Equal(0, stats.RtpBytesReceived);
        Assert.Equal(0, stats.RtpRecvBitrate);
        Assert.Equal(0, stats.RtpBytesSent);
        Assert.Equal(0, stats.RtpSendBitrate);
        Assert.Equal(0, stats.RtxBytesReceived);
        Assert.Equal(0, stats.RtxRecvBitrate);
        Assert.Equal(0, stats.RtxBytesSent);
        Assert.Equal(0, stats.RtxSendBitrate);
        Assert.Equal(0, stats.ProbationBytesSent);
        Assert.Equal(0, stats.ProbationSendBitrate);
        Assert.Equal("127.0.0.1", stats.Tuple.LocalIp);
        Assert.Equal("127.0.0.1", stats.Tuple.LocalAddress);
        Assert.True(stats.Tuple.LocalPort > 0);
        Assert.Equal(TransportProtocol.Udp, stats.Tuple.Protocol);
        Assert.Null(stats.RtcpTuple);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "plainTransport.connect() succeeds")]
    public async Task ConnectSucceeds()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, RtcpMux = false });
        var tuples = new List<TransportTuple>();
        using var _ = transport.Tuple.Subscribe(tuples.Add);
        await transport.ConnectAsync("1.2.3.4", 1234, 1235);
        // Must fail if connected.
        await Assert.ThrowsAnyAsync<MediasoupException>(() => transport.ConnectAsync("1.2.3.4", 1234, 1235));
        var tuple = transport.Tuple.Current();
        Assert.Equal("1.2.3.4", tuple.RemoteIp);
        Assert.Equal(1234, tuple.RemotePort);
        Assert.Equal(TransportProtocol.Udp, tuple.Protocol);
        var rtcpTuple = transport.RtcpTuple.Current();
        Assert.Equal("1.2.3.4", rtcpTuple?.RemoteIp);
        Assert.Equal(1235, rtcpTuple?.RemotePort);
        Assert.Equal(TransportProtocol.Udp, rtcpTuple?.Protocol);
        // The tuple stream: the local tuple, then the connected one.
        Assert.Equal(2, tuples.Count);
        Assert.Null(tuples[0].RemoteIp);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "plainTransport.connect() with wrong arguments rejects with TypeError")]
    public async Task ConnectWithWrongArgumentsRejectsWithArgumentException()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, RtcpMux = false });
        // No SRTP enabled so passing srtpParameters must fail.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.2", 9998, 9999, new SrtpParameters
        {
            CryptoSuite = SrtpCryptoSuite.AesCm128HmacSha1_80, KeyBase64 = "ZnQ3eWJraDg0d3ZoYzM5cXN1Y2pnaHU5NWxrZTVv",
        }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("::::1234"));
        // rtcpMux is false so rtcpPort must be given.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.1", 1234));
        // Missing port (`__port: 'chicken'`).
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.1", rtcpPort: 1235));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync("127.0.0.1", 70000, 1235));
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "PlainTransport methods reject if closed")]
    public async Task MethodsRejectIfClosed()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback });
        var reasons = new List<CloseReason>();
        using var _ = transport.Closed.Subscribe(reasons.Add);
        await transport.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(transport.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => transport.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => transport.GetStatsAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => transport.ConnectAsync());
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "router.createPlainTransport() with fixed port succeeds")]
    public async Task CreateWithFixedPortSucceeds()
    {
        int port = PickPort(ProtocolType.Udp);
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback with { Port = port } });
        Assert.Equal(port, transport.Tuple.Current().LocalPort);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "PlainTransport emits \"routerclose\" if Router is closed")]
    public async Task ClosesWithRouterClosedIfRouterIsClosed()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback });
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _router.CloseAsync();
        Assert.Equal(CloseReason.RouterClosed, await closed);
        Assert.True(transport.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => transport.DumpAsync());
        await AssertNoHandlersAsync(_worker);
    }

    [Fact]
    [NodeCase("test-PlainTransport.js", "PlainTransport emits \"routerclose\" if Worker is closed")]
    public async Task ClosesWithWorkerClosedIfWorkerIsClosed()
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback });
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _worker.CloseAsync();
        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(transport.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => transport.DumpAsync());
    }
}
