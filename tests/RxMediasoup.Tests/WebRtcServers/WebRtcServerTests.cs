using System.Net.Sockets;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.WebRtcServers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-WebRtcServer.js, against the real worker.</summary>
public sealed class WebRtcServerTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;

    public async Task InitializeAsync() => _worker = await RxMediasoup.Worker.CreateAsync();

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static ListenInfo Info(TransportProtocol protocol, int? port = null, string? announcedAddress = null, PortRange? portRange = null)
        => new() { Protocol = protocol, Ip = "127.0.0.1", Port = port, AnnouncedAddress = announcedAddress, PortRange = portRange };

    private async Task AssertCreatedAsync(RxMediasoup.WebRtcServer server, List<IEntityChangeSet<RxMediasoup.WebRtcServer, string>> changes)
    {
        Assert.Equal(2, changes.Count);
        Assert.Same(server, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(server.Id, out _));
        Assert.False(server.IsClosed);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = 123 }, server.AppData);
        var workerDump = await _worker.DumpAsync();
        Assert.Equal(TestWorkerMode.DumpPid(_worker), workerDump.Pid);
        Assert.Equal([server.Id], workerDump.WebRtcServerIds);
        Assert.Empty(workerDump.RouterIds);
        Assert.Equal([server.Id], workerDump.ChannelMessageHandlers.ChannelRequestHandlers);
        Assert.Empty(workerDump.ChannelMessageHandlers.ChannelNotificationHandlers);
    }

    private async Task AssertClosedWithWorkerAsync(RxMediasoup.WebRtcServer server)
    {
        Assert.Equal(1, _worker.WebRtcServers.Count);
        await _worker.CloseAsync();
        Assert.True(server.IsClosed);
        Assert.Equal(0, _worker.WebRtcServers.Count);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "worker.createWebRtcServer() succeeds")]
    public async Task CreateSucceeds()
    {
        var changes = new List<IEntityChangeSet<RxMediasoup.WebRtcServer, string>>();
        using var _ = _worker.WebRtcServers.Connect().Subscribe(changes.Add);
        int port1 = PickPort(ProtocolType.Udp);
        int port2 = PickPort(ProtocolType.Tcp);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp, port1), Info(TransportProtocol.Tcp, port2, "foo.bar.org")],
            AppData = new Dictionary<string, object?> { ["foo"] = 123 },
        });
        await AssertCreatedAsync(server, changes);
        var dump = await server.DumpAsync();
        Assert.Equal(server.Id, dump.Id);
        Assert.Equal([new WebRtcServerIpPort("127.0.0.1", port1)], dump.UdpSockets);
        Assert.Equal([new WebRtcServerIpPort("127.0.0.1", port2)], dump.TcpServers);
        Assert.Empty(dump.WebRtcTransportIds);
        Assert.Empty(dump.LocalIceUsernameFragments);
        await AssertClosedWithWorkerAsync(server);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "worker.createWebRtcServer() with portRange succeeds")]
    public async Task CreateWithPortRangeSucceeds()
    {
        var changes = new List<IEntityChangeSet<RxMediasoup.WebRtcServer, string>>();
        using var _ = _worker.WebRtcServers.Connect().Subscribe(changes.Add);
        int port1 = PickPort(ProtocolType.Udp);
        int port2 = PickPort(ProtocolType.Tcp);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos =
            [
                Info(TransportProtocol.Udp, portRange: new PortRange(port1, port1)),
                Info(TransportProtocol.Tcp, announcedAddress: "1.2.3.4", portRange: new PortRange(port2, port2)),
            ],
            AppData = new Dictionary<string, object?> { ["foo"] = 123 },
        });
        await AssertCreatedAsync(server, changes);
        var dump = await server.DumpAsync();
        Assert.Equal([new WebRtcServerIpPort("127.0.0.1", port1)], dump.UdpSockets);
        Assert.Equal([new WebRtcServerIpPort("127.0.0.1", port2)], dump.TcpServers);
        Assert.Empty(dump.WebRtcTransportIds);
        Assert.Empty(dump.LocalIceUsernameFragments);
        await AssertClosedWithWorkerAsync(server);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "worker.createWebRtcServer() without specifying port/portRange succeeds")]
    public async Task CreateWithoutPortSucceeds()
    {
        var changes = new List<IEntityChangeSet<RxMediasoup.WebRtcServer, string>>();
        using var _ = _worker.WebRtcServers.Connect().Subscribe(changes.Add);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp), Info(TransportProtocol.Tcp, announcedAddress: "1.2.3.4")],
            AppData = new Dictionary<string, object?> { ["foo"] = 123 },
        });
        await AssertCreatedAsync(server, changes);
        var dump = await server.DumpAsync();
        Assert.Equal("127.0.0.1", Assert.Single(dump.UdpSockets).Ip);
        Assert.True(dump.UdpSockets[0].Port > 0);
        Assert.Equal("127.0.0.1", Assert.Single(dump.TcpServers).Ip);
        Assert.True(dump.TcpServers[0].Port > 0);
        await AssertClosedWithWorkerAsync(server);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "worker.createWebRtcServer() with wrong arguments rejects with TypeError")]
    public async Task CreateWithWrongArgumentsRejectsWithArgumentException()
    {
        // `{}` and `listenInfos: 'NOT-AN-ARRAY'`: no list.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = null! }));
        // `listenInfos: ['NOT-AN-OBJECT']`: the closest C# value is a null entry.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [null!] }));
        // Empty listenInfos so should fail.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [] }));
        Assert.Empty((await _worker.DumpAsync()).WebRtcServerIds);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "worker.createWebRtcServer() with unavailable listenInfos rejects with Error")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Sockets)]
    public async Task CreateWithUnavailableListenInfosRejects()
    {
        await using var worker2 = await RxMediasoup.Worker.CreateAsync();
        int port1 = PickPort(ProtocolType.Udp);
        int port2 = PickPort(ProtocolType.Udp);
        // Using an unavailable listen IP.
        await Assert.ThrowsAnyAsync<Exception>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp, port1), new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "1.2.3.4", Port = port2 }],
        }));
        // Using the same UDP port in two listenInfos.
        await Assert.ThrowsAnyAsync<Exception>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp, port1), Info(TransportProtocol.Udp, port1, "1.2.3.4")],
        }));
        await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [Info(TransportProtocol.Udp, port1)] });
        // Using the same UDP port in a second Worker.
        await Assert.ThrowsAnyAsync<Exception>(() => worker2.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp, port1)],
        }));
        Assert.Equal(1, _worker.WebRtcServers.Count);
        Assert.Equal(0, worker2.WebRtcServers.Count);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "worker.createWebRtcServer() rejects with WorkerClosedError if Worker is closed")]
    public async Task CreateRejectsWithWorkerClosedIfWorkerIsClosed()
    {
        await _worker.CloseAsync();
        int port = PickPort(ProtocolType.Udp);
        await Assert.ThrowsAsync<WorkerClosedException>(() => _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp, port)],
        }));
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "webRtcServer.close() succeeds")]
    public async Task CloseSucceeds()
    {
        int port = PickPort(ProtocolType.Udp);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [Info(TransportProtocol.Udp, port)] });
        var reasons = new List<CloseReason>();
        using var _ = server.Closed.Subscribe(reasons.Add);
        await server.CloseAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => server.DumpAsync());
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(server.IsClosed);
        Assert.Empty((await _worker.DumpAsync()).WebRtcServerIds);
        Assert.Equal(0, _worker.WebRtcServers.Count);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "WebRtcServer emits \"workerclose\" if Worker is closed")]
    public async Task ClosesWithWorkerClosedIfWorkerIsClosed()
    {
        int port = PickPort(ProtocolType.Tcp);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [Info(TransportProtocol.Tcp, port)] });
        var closed = server.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _worker.CloseAsync();
        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(server.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => server.DumpAsync());
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "router.createWebRtcTransport() with webRtcServer succeeds and transport is closed")]
    public async Task TransportWithServerSucceedsAndTransportIsClosed()
    {
        int port1 = PickPort(ProtocolType.Udp);
        int port2 = PickPort(ProtocolType.Tcp);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos =
            [
                Info(TransportProtocol.Udp, port1),
                Info(TransportProtocol.Tcp, port2, "media1.foo.org") with { ExposeInternalIp = true },
            ],
        });
        var handled = new List<IEntityChangeSet<WebRtcTransport, string>>();
        using var s1 = server.WebRtcTransports.Connect().Subscribe(handled.Add);
        var router = await _worker.CreateRouterAsync();
        var newTransports = new List<IEntityChangeSet<Transport, string>>();
        using var s2 = router.Transports.Connect().Subscribe(newTransports.Add);

        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            WebRtcServer = server,
            // Let's disable UDP so resulting ICE candidates should only contain TCP.
            EnableUdp = false,
            AppData = new Dictionary<string, object?> { ["foo"] = "bar" },
        });
        Assert.Equal([transport.Id], (await router.DumpAsync()).TransportIds);
        // "webrtctransporthandled" and "newtransport".
        Assert.Same(transport, Assert.Single(handled[1]).Current);
        Assert.Same(transport, Assert.Single(newTransports[1]).Current);
        Assert.Same(server, transport.WebRtcServer);
        Assert.False(transport.IsClosed);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = "bar" }, transport.AppData);

        var c = transport.IceCandidates;
        Assert.Equal(2, c.Count);
        Assert.Equal("media1.foo.org", c[0].Address);
        Assert.Equal("media1.foo.org", c[0].Ip);
        Assert.Equal(port2, c[0].Port);
        Assert.Equal(TransportProtocol.Tcp, c[0].Protocol);
        Assert.Equal(IceCandidateType.Host, c[0].Type);
        Assert.Equal(IceCandidateTcpType.Passive, c[0].TcpType);
        Assert.Equal("127.0.0.1", c[1].Address);
        Assert.Equal("127.0.0.1", c[1].Ip);
        Assert.Equal(port2, c[1].Port);
        Assert.Equal(TransportProtocol.Tcp, c[1].Protocol);
        Assert.Equal(IceCandidateType.Host, c[1].Type);
        Assert.Equal(IceCandidateTcpType.Passive, c[1].TcpType);
        Assert.True(c[0].Priority > c[1].Priority);
        Assert.Equal(IceState.New, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.Equal(1, server.WebRtcTransports.Count);
        Assert.Equal(1, router.Transports.Count);

        var dump = await server.DumpAsync();
        Assert.Equal(server.Id, dump.Id);
        Assert.Equal([new WebRtcServerIpPort("127.0.0.1", port1)], dump.UdpSockets);
        Assert.Equal([new WebRtcServerIpPort("127.0.0.1", port2)], dump.TcpServers);
        Assert.Equal([transport.Id], dump.WebRtcTransportIds);
        Assert.Equal(transport.Id, Assert.Single(dump.LocalIceUsernameFragments).WebRtcTransportId);

        await transport.CloseAsync();
        Assert.True(transport.IsClosed);
        // "webrtctransportunhandled".
        Assert.Equal(EntityChangeReason.Remove, Assert.Single(handled[2]).Reason);
        Assert.Same(transport, handled[2][0].Current);
        Assert.Equal(0, server.WebRtcTransports.Count);
        Assert.Equal(0, router.Transports.Count);

        dump = await server.DumpAsync();
        Assert.Empty(dump.WebRtcTransportIds);
        Assert.Empty(dump.LocalIceUsernameFragments);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-WebRtcServer.js", "router.createWebRtcTransport() with webRtcServer succeeds and webRtcServer is closed")]
    public async Task TransportWithServerSucceedsAndServerIsClosed()
    {
        int port1 = PickPort(ProtocolType.Udp);
        int port2 = PickPort(ProtocolType.Tcp);
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [Info(TransportProtocol.Udp, port1), Info(TransportProtocol.Tcp, port2)],
        });
        var handled = new List<IEntityChangeSet<WebRtcTransport, string>>();
        using var s1 = server.WebRtcTransports.Connect().Subscribe(handled.Add);
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            WebRtcServer = server,
            AppData = new Dictionary<string, object?> { ["foo"] = "bar" },
        });
        Assert.Same(transport, Assert.Single(handled[1]).Current);
        Assert.Equal([transport.Id], (await router.DumpAsync()).TransportIds);
        Assert.False(transport.IsClosed);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = "bar" }, transport.AppData);

        var c = transport.IceCandidates;
        Assert.Equal(2, c.Count);
        Assert.Equal("127.0.0.1", c[0].Ip);
        Assert.Equal(port1, c[0].Port);
        Assert.Equal(TransportProtocol.Udp, c[0].Protocol);
        Assert.Equal(IceCandidateType.Host, c[0].Type);
        Assert.Null(c[0].TcpType);
        Assert.Equal("127.0.0.1", c[1].Ip);
        Assert.Equal(port2, c[1].Port);
        Assert.Equal(TransportProtocol.Tcp, c[1].Protocol);
        Assert.Equal(IceCandidateType.Host, c[1].Type);
        Assert.Equal(IceCandidateTcpType.Passive, c[1].TcpType);
        Assert.Equal(IceState.New, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.Equal(1, server.WebRtcTransports.Count);
        Assert.Equal(1, router.Transports.Count);

        var dump = await server.DumpAsync();
        Assert.Equal([transport.Id], dump.WebRtcTransportIds);
        Assert.Equal(transport.Id, Assert.Single(dump.LocalIceUsernameFragments).WebRtcTransportId);

        // Restarting ICE adds a new entry in the server's localIceUsernameFragments.
        await transport.RestartIceAsync();
        dump = await server.DumpAsync();
        Assert.Equal([transport.Id], dump.WebRtcTransportIds);
        Assert.Equal(2, dump.LocalIceUsernameFragments.Count);
        Assert.All(dump.LocalIceUsernameFragments, f => Assert.Equal(transport.Id, f.WebRtcTransportId));

        var serverReasons = new List<CloseReason>();
        var transportReasons = new List<CloseReason>();
        using var s3 = server.Closed.Subscribe(serverReasons.Add);
        using var s4 = transport.Closed.Subscribe(transportReasons.Add);
        await server.CloseAsync();
        Assert.True(server.IsClosed);
        Assert.Equal([CloseReason.Explicit], serverReasons);
        Assert.Equal([CloseReason.ListenServerClosed], transportReasons);
        // "webrtctransportunhandled".
        Assert.Equal(EntityChangeReason.Remove, Assert.Single(handled[2]).Reason);
        Assert.True(transport.IsClosed);
        Assert.Equal(IceState.Closed, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.Equal(DtlsState.New, transport.DtlsState.Value); // DtlsState just completes when the transport closes
        Assert.Null(transport.SctpState.Current());
        Assert.Equal(0, server.WebRtcTransports.Count);
        Assert.Equal(0, router.Transports.Count);

        var workerDump = await _worker.DumpAsync();
        Assert.Equal(TestWorkerMode.DumpPid(_worker), workerDump.Pid);
        Assert.Empty(workerDump.WebRtcServerIds);
        Assert.Equal([router.Id], workerDump.RouterIds);
        Assert.Equal([router.Id], workerDump.ChannelMessageHandlers.ChannelRequestHandlers);
        Assert.Empty(workerDump.ChannelMessageHandlers.ChannelNotificationHandlers);
        Assert.Empty((await router.DumpAsync()).TransportIds);
        await AssertNoHandlersAsync(_worker);
    }

    [Fact]
    public async Task ServersAndTheirTransportsCloseWithWorkerDiedWhenTheWorkerDies()
    {
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions { ListenInfos = [Info(TransportProtocol.Udp)] });
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server });
        var serverClosed = server.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        var transportClosed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await serverClosed);
        Assert.Equal(CloseReason.WorkerDied, await transportClosed);
        Assert.Equal(0, server.WebRtcTransports.Count);
        Assert.Equal(0, _worker.WebRtcServers.Count);
        await Assert.ThrowsAsync<WorkerClosedException>(() => server.DumpAsync());
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task CancellingACreateAfterItWasSentLeavesNoServerInTheWorker()
    {
        Processes.Signal(_worker.Pid, 19 /* SIGSTOP */);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _worker.CreateWebRtcServerAsync(
                new WebRtcServerOptions { ListenInfos = [Info(TransportProtocol.Udp)] }, cts.Token));
        }
        finally
        {
            Processes.Signal(_worker.Pid, 18 /* SIGCONT */);
        }
        var deadline = DateTime.UtcNow.AddSeconds(5);
        WorkerDump dump;
        do dump = await _worker.DumpAsync();
        while (dump.WebRtcServerIds.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(dump.WebRtcServerIds);
        Assert.Equal(0, _worker.WebRtcServers.Count);
    }

    [Fact]
    public async Task UsingWebRtcServerClosesTheServerAndItsTransportsOnDispose()
    {
        var created = new TaskCompletionSource<RxMediasoup.WebRtcServer>();
        var session = _worker.UsingWebRtcServer(new WebRtcServerOptions { ListenInfos = [Info(TransportProtocol.Udp)] })
            .Subscribe(s => created.TrySetResult(s));
        var server = await created.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server });
        var transportClosed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        session.Dispose();
        Assert.Equal(CloseReason.ListenServerClosed, await transportClosed);
        Assert.True(server.IsClosed);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await _worker.DumpAsync()).WebRtcServerIds.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Empty((await _worker.DumpAsync()).WebRtcServerIds);
    }

    [Fact]
    public async Task ATransportOnAClosedWebRtcServerFailsWithTheClosedError()
    {
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        });
        var router = await _worker.CreateRouterAsync();
        await server.CloseAsync();

        // The same error as any command on a closed entity, not the worker's "wrong webRtcServerId".
        var e = await Assert.ThrowsAsync<NotFoundException>(() =>
            router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server }));
        Assert.Contains("WebRtcServer closed", e.Message);
        Assert.Empty(router.Transports.Items);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }
}
