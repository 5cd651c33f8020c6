using System.Net.Sockets;
using System.Reactive.Linq;
using Google.FlatBuffers;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Transports;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-WebRtcTransport.js, against the real worker.</summary>
public sealed class WebRtcTransportTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    private static readonly DtlsParameters RemoteDtlsParameters = new()
    {
        Role = DtlsRole.Client,
        Fingerprints =
        [
            new DtlsFingerprint
            {
                Algorithm = FingerprintAlgorithm.Sha256,
                Value = "82:5A:68:3D:36:C3:0A:DE:AF:E7:32:43:D2:88:83:57:AC:2D:65:E5:80:C4:B6:FB:AF:1A:A0:21:9F:6D:0C:AD",
            },
        ],
    };

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private Task<WebRtcTransport> CreateAsync(string? announcedAddress = null)
        => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Udp(announcedAddress: announcedAddress)] });

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "router.createWebRtcTransport() succeeds")]
    public async Task CreateSucceeds()
    {
        var changes = new List<IEntityChangeSet<Transport, string>>();
        using var subscription = _router.Transports.Connect().Subscribe(changes.Add);
        var range = new PortRange(2000, 3000);
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos =
            [
                // ExposeInternalIp generates an extra ICE candidate with Ip.
                new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", AnnouncedAddress = "9.9.9.1", ExposeInternalIp = true, PortRange = range },
                new() { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1", AnnouncedAddress = "9.9.9.1", PortRange = range },
                new() { Protocol = TransportProtocol.Udp, Ip = "0.0.0.0", AnnouncedAddress = "foo1.bar.org", PortRange = range },
                new() { Protocol = TransportProtocol.Tcp, Ip = "0.0.0.0", AnnouncedAddress = "foo2.bar.org", PortRange = range },
                new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", AnnouncedAddress = null, PortRange = range },
                new() { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1", AnnouncedAddress = null, PortRange = range },
            ],
            EnableTcp = true,
            PreferUdp = true,
            EnableSctp = true,
            MaxSendMessageSize = 1000001,
            MaxReceiveMessageSize = 1000002,
            SctpSendBufferSize = 2000001,
            SctpPerStreamSendQueueLimit = 2000002,
            SctpMaxReceiverWindowBufferSize = 2000003,
            AppData = new Dictionary<string, object?> { ["foo"] = "bar" },
        });

        Assert.Equal([transport.Id], (await _router.DumpAsync()).TransportIds);
        // The router's "newtransport": the snapshot (empty), then the transport.
        Assert.Equal(2, changes.Count);
        Assert.Same(transport, Assert.Single(changes[1]).Current);

        Assert.True(Guid.TryParse(transport.Id, out _));
        Assert.False(transport.IsClosed);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = "bar" }, transport.AppData);
        Assert.Equal(IceRole.Controlled, transport.IceRole);
        Assert.True(transport.IceParameters.IceLite);
        Assert.False(string.IsNullOrEmpty(transport.IceParameters.UsernameFragment));
        Assert.False(string.IsNullOrEmpty(transport.IceParameters.Password));
        var sctp = transport.SctpParameters;
        Assert.NotNull(sctp);
        Assert.Equal(5000, sctp.Port);
        Assert.Equal(1000001, sctp.MaxSendMessageSize);
        Assert.Equal(1000002, sctp.MaxReceiveMessageSize);
        Assert.Equal(2000001, sctp.SendBufferSize);
        Assert.Equal(2000002, sctp.PerStreamSendQueueLimit);
        Assert.Equal(2000003, sctp.MaxReceiverWindowBufferSize);
        Assert.True(sctp.IsDataChannel);

        var c = transport.IceCandidates;
        Assert.Equal(7, c.Count);
        (string Ip, TransportProtocol Protocol)[] expected =
        [
            ("9.9.9.1", TransportProtocol.Udp), ("127.0.0.1", TransportProtocol.Udp), ("9.9.9.1", TransportProtocol.Tcp),
            ("foo1.bar.org", TransportProtocol.Udp), ("foo2.bar.org", TransportProtocol.Tcp),
            ("127.0.0.1", TransportProtocol.Udp), ("127.0.0.1", TransportProtocol.Tcp),
        ];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Ip, c[i].Ip);
            Assert.Equal(expected[i].Protocol, c[i].Protocol);
            Assert.Equal(IceCandidateType.Host, c[i].Type);
            Assert.Equal(expected[i].Protocol == TransportProtocol.Tcp ? IceCandidateTcpType.Passive : null, c[i].TcpType);
            if (i > 0) Assert.True(c[i - 1].Priority > c[i].Priority, $"candidate {i - 1} must have a higher priority than {i}");
        }

        Assert.Equal(IceState.New, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.NotEmpty(transport.DtlsParameters.Fingerprints);
        Assert.Equal(DtlsRole.Auto, transport.DtlsParameters.Role);
        Assert.Equal(DtlsState.New, transport.DtlsState.Current());
        Assert.Null(transport.DtlsRemoteCert.Current());
        Assert.Equal(SctpState.New, transport.SctpState.Current());
        Assert.Null(transport.SctpNegotiatedCapabilities.Current());

        var dump = Assert.IsType<WebRtcTransportDump>(await transport.DumpAsync());
        Assert.Equal(transport.Id, dump.Id);
        Assert.Empty(dump.ProducerIds);
        Assert.Empty(dump.ConsumerIds);
        Assert.Equal(transport.IceRole, dump.IceRole);
        Assert.Equal(transport.IceParameters, dump.IceParameters);
        Assert.Equal(transport.IceCandidates, dump.IceCandidates);
        Assert.Equal(transport.IceState.Current(), dump.IceState);
        Assert.Equal(transport.IceSelectedTuple.Current(), dump.IceSelectedTuple);
        Assert.Equal(transport.DtlsParameters, dump.DtlsParameters);
        Assert.Equal(transport.DtlsState.Current(), dump.DtlsState);
        Assert.Equal(transport.SctpParameters, dump.SctpParameters);
        Assert.Equal(transport.SctpState.Current(), dump.SctpState);
        Assert.Equal(new SctpNegotiatedCapabilities { NegotiatedMaxOutboundStreams = 0, NegotiatedMaxInboundStreams = 0 },
            dump.SctpNegotiatedCapabilities);
        Assert.NotNull(dump.RecvRtpHeaderExtensions);
        Assert.NotNull(dump.RtpListener);

        // Through the base class, the same derived dump.
        Assert.IsType<WebRtcTransportDump>(await ((Transport)transport).DumpAsync());

        await transport.CloseAsync();
        Assert.True(transport.IsClosed);
        Assert.Equal(EntityChangeReason.Remove, Assert.Single(changes[2]).Reason);
        Assert.Equal(0, _router.Transports.Count);
        await AssertNoHandlersAsync(_worker);
    }

    [Fact]
    public async Task CreateWithUdpAndTcpOnOneIpSucceeds()
    {
        // Not a port of "with deprecated listenIps succeeds" (RxMediasoup has no listenIps: see
        // tests/conformance-omissions.tsv), but the listenInfos Node turns listenIps: ['127.0.0.1'] with enableUdp +
        // enableTcp into (udp first, as preferUdp is false and preferTcp unset) give these candidates.
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos =
            [
                new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
                new() { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1" },
            ],
            EnableUdp = true,
            EnableTcp = true,
            PreferUdp = false,
            InitialAvailableOutgoingBitrate = 1000000,
        });
        var c = transport.IceCandidates;
        Assert.Equal(2, c.Count);
        Assert.Equal("127.0.0.1", c[0].Ip);
        Assert.Equal(TransportProtocol.Udp, c[0].Protocol);
        Assert.Equal(IceCandidateType.Host, c[0].Type);
        Assert.Null(c[0].TcpType);
        Assert.Equal("127.0.0.1", c[1].Ip);
        Assert.Equal(TransportProtocol.Tcp, c[1].Protocol);
        Assert.Equal(IceCandidateType.Host, c[1].Type);
        Assert.Equal(IceCandidateTcpType.Passive, c[1].TcpType);
        Assert.True(c[0].Priority > c[1].Priority);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "router.createWebRtcTransport() with fixed port succeeds")]
    public async Task CreateWithFixedPortSucceeds()
    {
        int port = PickPort(ProtocolType.Tcp);
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            // UdpReusePort is ignored since the protocol is TCP.
            ListenInfos = [new() { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1", Port = port, Flags = new() { UdpReusePort = true } }],
            EnableTcp = true,
        });
        Assert.Equal(port, transport.IceCandidates[0].Port);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "router.createWebRtcTransport() with portRange succeeds")]
    public async Task CreateWithPortRangeSucceeds()
    {
        // Node uses 11111-11112; two free consecutive ports avoid clashing with other suites running in parallel.
        var (min, max) = PickUdpPortPair();
        var portRange = new PortRange(min, max);
        var options = new WebRtcTransportOptions { ListenInfos = [new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = portRange }] };
        var t1 = await _router.CreateWebRtcTransportAsync(options);
        var c1 = t1.IceCandidates[0];
        Assert.Equal("127.0.0.1", c1.Ip);
        Assert.InRange(c1.Port, min, max);
        Assert.Equal(TransportProtocol.Udp, c1.Protocol);
        var t2 = await _router.CreateWebRtcTransportAsync(options);
        var c2 = t2.IceCandidates[0];
        Assert.Equal("127.0.0.1", c2.Ip);
        Assert.InRange(c2.Port, min, max);
        Assert.NotEqual(c1.Port, c2.Port);
        Assert.Equal(TransportProtocol.Udp, c2.Protocol);
        // No more available ports so it must fail.
        await Assert.ThrowsAnyAsync<MediasoupException>(() => _router.CreateWebRtcTransportAsync(options));
        Assert.Equal(2, _router.Transports.Count);
        Assert.Equal(2, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "router.createWebRtcTransport() with wrong arguments rejects with TypeError")]
    public async Task CreateWithWrongArgumentsRejectsWithArgumentException()
    {
        // `{}`: neither listenInfos nor webRtcServer.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions()));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = new PortRange(4000, 3000) }],
        }));
        // `listenIps: [123]`, `listenInfos: '127.0.0.1'`, `listenIps: '127.0.0.1'` and a non-object appData cannot be
        // written in C#; the representable analogues: an empty list, a null entry, a missing IP.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [] }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [null!] }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new() { Protocol = TransportProtocol.Udp, Ip = "" }],
        }));
        Assert.Empty((await _router.DumpAsync()).TransportIds);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "router.createWebRtcTransport() with non bindable IP rejects with Error")]
    public async Task CreateWithNonBindableIpRejects()
    {
        await Assert.ThrowsAnyAsync<MediasoupException>(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new() { Protocol = TransportProtocol.Udp, Ip = "8.8.8.8", PortRange = new PortRange(2000, 3000) }],
        }));
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
        Assert.Equal(0, _router.Transports.Count);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var transport = await CreateAsync("9.9.9.1");
        var stats = Assert.IsType<WebRtcTransportStats>(await transport.GetStatsAsync());
        Assert.Equal("webrtc-transport", stats.Type);
        Assert.Equal(transport.Id, stats.TransportId);
        Assert.True(stats.Timestamp > 0);
        Assert.Equal(IceRole.Controlled, stats.IceRole);
        Assert.Equal(IceState.New, stats.IceState);
        Assert.Equal(DtlsState.New, stats.DtlsState);
        Assert.Null(stats.SctpState);
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
        Assert.Null(stats.IceSelectedTuple);
        Assert.Null(stats.MaxIncomingBitrate);
        Assert.IsType<WebRtcTransportStats>(await ((Transport)transport).GetStatsAsync());
    }

    [Fact]
    public async Task PollStatsEmitsTypedStatsUntilTheTransportCloses()
    {
        var transport = await CreateAsync();
        var values = new List<TransportStats>();
        var completed = new TaskCompletionSource();
        using var _ = transport.PollStats(TimeSpan.FromMilliseconds(20)).Subscribe(values.Add, e => completed.TrySetException(e), () => completed.TrySetResult());
        var baseStats = await ((Transport)transport).PollStats(TimeSpan.FromMilliseconds(20)).Take(2).ToList().FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        Assert.All(baseStats, s => Assert.IsType<WebRtcTransportStats>(s));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (values.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.True(values.Count >= 2);
        Assert.All(values, s => Assert.Equal(transport.Id, s.TransportId));
        await transport.CloseAsync();
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task UsingWebRtcTransportTiesTheTransportToTheSubscription()
    {
        var created = new TaskCompletionSource<WebRtcTransport>();
        var states = new List<IceState>();
        // The transport is reported once its first (replayed) state arrived, so the assertion below cannot race it.
        var session = _router.UsingWebRtcTransport(new WebRtcTransportOptions { ListenInfos = [Udp()] })
            .SelectMany(t => t.IceState.Select(state => (Transport: t, State: state)))
            .Subscribe(x =>
            {
                states.Add(x.State);
                created.TrySetResult(x.Transport);
            });
        var transport = await created.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([transport.Id], (await _router.DumpAsync()).TransportIds);
        Assert.Equal([IceState.New], states);
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        session.Dispose();
        Assert.Equal(CloseReason.Explicit, await closed);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while ((await _router.DumpAsync()).TransportIds.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Empty((await _router.DumpAsync()).TransportIds);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);

        // A creation failure is the stream's error.
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.UsingWebRtcTransport(new WebRtcTransportOptions()).FirstAsyncOrTimeout(TimeSpan.FromSeconds(5)));
        Assert.Contains("listenInfos", error.Message);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.connect() succeeds")]
    public async Task ConnectSucceeds()
    {
        var transport = await CreateAsync("9.9.9.1");
        await transport.ConnectAsync(RemoteDtlsParameters);
        // Must fail if connected.
        await Assert.ThrowsAnyAsync<MediasoupException>(() => transport.ConnectAsync(RemoteDtlsParameters));
        Assert.Equal(DtlsRole.Server, transport.DtlsParameters.Role);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.connect() with wrong arguments rejects with TypeError")]
    public async Task ConnectWithWrongArgumentsRejectsWithArgumentException()
    {
        var transport = await CreateAsync("9.9.9.1");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync(null!));
        // algorithm 'sha-256000' and role 'chicken': undefined enum values in C#.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync(RemoteDtlsParameters with
        {
            Fingerprints = [RemoteDtlsParameters.Fingerprints[0] with { Algorithm = (FingerprintAlgorithm)256000 }],
        }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync(RemoteDtlsParameters with { Role = (DtlsRole)42 }));
        var noFingerprints = RemoteDtlsParameters with { Fingerprints = [] };
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync(noFingerprints));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => transport.ConnectAsync(noFingerprints));
        Assert.Equal(DtlsRole.Auto, transport.DtlsParameters.Role);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.setMaxIncomingBitrate() succeeds")]
    public async Task SetMaxIncomingBitrateSucceeds()
    {
        var transport = await CreateAsync("9.9.9.1");
        await transport.SetMaxIncomingBitrateAsync(1000000);
        await transport.SetMaxIncomingBitrateAsync(0); // Remove limit.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transport.SetMaxIncomingBitrateAsync(-1));
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.setMaxOutgoingBitrate() succeeds")]
    public async Task SetMaxOutgoingBitrateSucceeds()
    {
        var transport = await CreateAsync();
        await transport.SetMaxOutgoingBitrateAsync(2000000);
        await transport.SetMaxOutgoingBitrateAsync(0); // Remove limit.
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.setMinOutgoingBitrate() succeeds")]
    public async Task SetMinOutgoingBitrateSucceeds()
    {
        var transport = await CreateAsync();
        await transport.SetMinOutgoingBitrateAsync(100000);
        await transport.SetMinOutgoingBitrateAsync(0); // Remove limit.
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.setMaxOutgoingBitrate() fails if value is lower than current min limit")]
    public async Task SetMaxOutgoingBitrateFailsIfLowerThanMin()
    {
        var transport = await CreateAsync();
        await transport.SetMinOutgoingBitrateAsync(3000000);
        await Assert.ThrowsAnyAsync<Exception>(() => transport.SetMaxOutgoingBitrateAsync(2000000));
        await transport.SetMinOutgoingBitrateAsync(0); // Remove limit.
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.setMinOutgoingBitrate() fails if value is higher than current max limit")]
    public async Task SetMinOutgoingBitrateFailsIfHigherThanMax()
    {
        var transport = await CreateAsync();
        await transport.SetMaxOutgoingBitrateAsync(2000000);
        await Assert.ThrowsAnyAsync<Exception>(() => transport.SetMinOutgoingBitrateAsync(3000000));
        await transport.SetMaxOutgoingBitrateAsync(0); // Remove limit.
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "webRtcTransport.restartIce() succeeds")]
    public async Task RestartIceSucceeds()
    {
        var transport = await CreateAsync();
        var previous = transport.IceParameters;
        var iceParameters = await transport.RestartIceAsync();
        Assert.False(string.IsNullOrEmpty(iceParameters.UsernameFragment));
        Assert.False(string.IsNullOrEmpty(iceParameters.Password));
        Assert.True(iceParameters.IceLite);
        Assert.Same(iceParameters, transport.IceParameters);
        Assert.NotEqual(previous.UsernameFragment, transport.IceParameters.UsernameFragment);
        Assert.NotEqual(previous.Password, transport.IceParameters.Password);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "transport.enableTraceEvent() succeed")]
    public async Task EnableTraceEventSucceeds()
    {
        var transport = await CreateAsync();
        // Node ignores the unknown string 'foo'; C#'s enum cannot express it.
        await transport.EnableTraceEventAsync([TransportTraceEventType.Probation]);
        Assert.Equal([TransportTraceEventType.Probation], (await transport.DumpAsync()).TraceEventTypes);
        await transport.EnableTraceEventAsync();
        Assert.Empty((await transport.DumpAsync()).TraceEventTypes);
        await transport.EnableTraceEventAsync([TransportTraceEventType.Probation, TransportTraceEventType.Bwe]);
        Assert.Equal([TransportTraceEventType.Probation, TransportTraceEventType.Bwe], (await transport.DumpAsync()).TraceEventTypes);
        await transport.EnableTraceEventAsync([]);
        Assert.Empty((await transport.DumpAsync()).TraceEventTypes);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "transport.enableTraceEvent() with wrong arguments rejects with TypeError")]
    public async Task EnableTraceEventWithWrongArgumentsRejectsWithArgumentException()
    {
        var transport = await CreateAsync();
        // 123, 'probation' (not an array) cannot be written in C#; ['probation', 123.123] is an undefined enum value.
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            transport.EnableTraceEventAsync([TransportTraceEventType.Probation, (TransportTraceEventType)123]));
        Assert.Empty((await transport.DumpAsync()).TraceEventTypes);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "WebRtcTransport events succeed")]
    public async Task EventsSucceed()
    {
        var transport = await CreateAsync();
        var iceStates = new List<IceState>();
        var tuples = new List<TransportTuple?>();
        var dtlsStates = new List<DtlsState>();
        using var s1 = transport.IceState.Subscribe(iceStates.Add);
        using var s2 = transport.IceSelectedTuple.Subscribe(tuples.Add);
        using var s3 = transport.DtlsState.Subscribe(dtlsStates.Add);

        // Simulate notifications coming through the channel, as the Node test does.
        var b = new FlatBufferBuilder(256);
        Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_IceStateChangeNotification,
            FBS.WebRtcTransport.IceStateChangeNotification.CreateIceStateChangeNotification(b, FBS.WebRtcTransport.IceState.COMPLETED).Value);
        Assert.Equal([IceState.New, IceState.Completed], iceStates);
        Assert.Equal(IceState.Completed, transport.IceState.Current());

        var expectedTuple = new TransportTuple
        {
            LocalAddress = "1.1.1.1", LocalPort = 1111, RemoteIp = "2.2.2.2", RemotePort = 2222, Protocol = TransportProtocol.Udp,
        };
        Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_ICE_SELECTED_TUPLE_CHANGE,
            FBS.Notification.Body.WebRtcTransport_IceSelectedTupleChangeNotification,
            FBS.WebRtcTransport.IceSelectedTupleChangeNotification.Pack(b, new FBS.WebRtcTransport.IceSelectedTupleChangeNotificationT
            {
                Tuple = new FBS.Transport.TupleT { LocalAddress = "1.1.1.1", LocalPort = 1111, RemoteIp = "2.2.2.2", RemotePort = 2222, Protocol = FBS.Transport.Protocol.UDP },
            }).Value);
        Assert.Equal([null, expectedTuple], tuples);
        Assert.Equal("1.1.1.1", transport.IceSelectedTuple.Current()!.LocalIp);

        Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_DTLS_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_DtlsStateChangeNotification,
            FBS.WebRtcTransport.DtlsStateChangeNotification.CreateDtlsStateChangeNotification(b, FBS.WebRtcTransport.DtlsState.CONNECTING).Value);
        Assert.Equal([DtlsState.New, DtlsState.Connecting], dtlsStates);
        Assert.Equal(DtlsState.Connecting, transport.DtlsState.Current());

        // A repeated state is not a change.
        Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_DTLS_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_DtlsStateChangeNotification,
            FBS.WebRtcTransport.DtlsStateChangeNotification.CreateDtlsStateChangeNotification(b, FBS.WebRtcTransport.DtlsState.CONNECTING).Value);
        Assert.Equal([DtlsState.New, DtlsState.Connecting], dtlsStates);

        // Closing completes every stream after the final states; DtlsState just completes (Closed would mean the
        // remote peer's close alert).
        await transport.CloseAsync();
        Assert.Equal([IceState.New, IceState.Completed, IceState.Closed], iceStates);
        Assert.Equal([null, expectedTuple, null], tuples);
        Assert.Equal([DtlsState.New, DtlsState.Connecting], dtlsStates);
        Assert.Equal(0, transport.SubscriberCount);
    }

    [Fact]
    public async Task NotificationsBeforeTheTransportExistsAreDeliveredInOrderWhenAttached()
    {
        var transport = await CreateAsync();
        var sink = new RxMediasoup.Protocol.NotificationSink<RxMediasoup.Protocol.WebRtcTransportNotification>(
            RxMediasoup.Protocol.WebRtcTransportNotification.Parse, transport.Channel.Deliveries, "test");
        var b = new FlatBufferBuilder(256);
        Notify(sink, transport.Id, b, FBS.Notification.Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_IceStateChangeNotification,
            FBS.WebRtcTransport.IceStateChangeNotification.CreateIceStateChangeNotification(b, FBS.WebRtcTransport.IceState.CONNECTED).Value);
        Notify(sink, transport.Id, b, FBS.Notification.Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_IceStateChangeNotification,
            FBS.WebRtcTransport.IceStateChangeNotification.CreateIceStateChangeNotification(b, FBS.WebRtcTransport.IceState.COMPLETED).Value);
        var states = new List<IceState>();
        using var _ = transport.IceState.Subscribe(states.Add);
        sink.Attach(transport);
        Assert.Equal([IceState.New, IceState.Connected, IceState.Completed], states);
    }

    [Fact]
    public async Task AThrowingSubscriberIsIsolated()
    {
        var transport = await CreateAsync();
        var states = new List<IceState>();
        using var bad = transport.IceState.Skip(1).Subscribe(_ => throw new InvalidOperationException("boom"));
        using var good = transport.IceState.Subscribe(states.Add);
        var b = new FlatBufferBuilder(256);
        Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_IceStateChangeNotification,
            FBS.WebRtcTransport.IceStateChangeNotification.CreateIceStateChangeNotification(b, FBS.WebRtcTransport.IceState.CONNECTED).Value);
        Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE, FBS.Notification.Body.WebRtcTransport_IceStateChangeNotification,
            FBS.WebRtcTransport.IceStateChangeNotification.CreateIceStateChangeNotification(b, FBS.WebRtcTransport.IceState.COMPLETED).Value);
        Assert.Equal([IceState.New, IceState.Connected, IceState.Completed], states);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "WebRtcTransport methods reject if closed")]
    public async Task MethodsRejectIfClosed()
    {
        var transport = await CreateAsync();
        var reasons = new List<CloseReason>();
        using var _ = transport.Closed.Subscribe(reasons.Add);
        await transport.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(transport.IsClosed);
        Assert.Equal(IceState.Closed, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.Equal(DtlsState.New, transport.DtlsState.Value);
        Assert.Null(transport.SctpState.Current());
        await Assert.ThrowsAsync<NotFoundException>(() => transport.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => transport.GetStatsAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => transport.ConnectAsync(null!)); // closed is checked first
        await Assert.ThrowsAsync<NotFoundException>(() => transport.SetMaxIncomingBitrateAsync(200000));
        await Assert.ThrowsAsync<NotFoundException>(() => transport.SetMaxOutgoingBitrateAsync(200000));
        await Assert.ThrowsAsync<NotFoundException>(() => transport.SetMinOutgoingBitrateAsync(100000));
        await Assert.ThrowsAsync<NotFoundException>(() => transport.RestartIceAsync());
        await transport.CloseAsync(); // idempotent
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.Empty((await _router.DumpAsync()).TransportIds);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "WebRtcTransport emits \"routerclose\" if Router is closed")]
    public async Task ClosesWithRouterClosedIfRouterIsClosed()
    {
        var transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
            EnableSctp = true,
        });
        var sctpStates = new List<SctpState?>();
        bool sctpCompleted = false;
        using var s = transport.SctpState.Subscribe(sctpStates.Add, () => sctpCompleted = true);
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _router.CloseAsync();
        Assert.Equal(CloseReason.RouterClosed, await closed);
        Assert.True(transport.IsClosed);
        Assert.Equal(IceState.Closed, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.NotEqual(DtlsState.Closed, transport.DtlsState.Value); // the transport closing is not a DTLS close alert
        Assert.Equal(SctpState.Closed, transport.SctpState.Current());
        Assert.Equal([SctpState.New, SctpState.Closed], sctpStates);
        Assert.True(sctpCompleted);
        await Assert.ThrowsAsync<NotFoundException>(() => transport.DumpAsync());
        Assert.Equal(0, _router.Transports.Count);
        await AssertNoHandlersAsync(_worker);
    }

    [Fact]
    [NodeCase("test-WebRtcTransport.js", "WebRtcTransport emits \"routerclose\" if Worker is closed")]
    public async Task ClosesWithWorkerClosedIfWorkerIsClosed()
    {
        var transport = await CreateAsync();
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _worker.CloseAsync();
        // Node emits "routerclose"; RxMediasoup reports the root cause.
        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(transport.IsClosed);
        Assert.Equal(IceState.Closed, transport.IceState.Current());
        Assert.Null(transport.IceSelectedTuple.Current());
        Assert.NotEqual(DtlsState.Closed, transport.DtlsState.Value); // the transport closing is not a DTLS close alert
        Assert.Null(transport.SctpState.Current());
        await Assert.ThrowsAsync<WorkerClosedException>(() => transport.DumpAsync());
    }

    [Fact]
    public async Task TransportsCloseWithWorkerDiedWhenTheWorkerDies()
    {
        var transport = await CreateAsync();
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        var iceCompleted = transport.IceState.LastAsync().FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await closed);
        Assert.Equal(IceState.Closed, await iceCompleted);
        await Assert.ThrowsAsync<WorkerClosedException>(() => transport.DumpAsync());
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task CancellingACreateAfterItWasSentLeavesNoTransportInTheWorker()
    {
        Processes.Signal(_worker.Pid, 19 /* SIGSTOP */);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _router.CreateWebRtcTransportAsync(
                new WebRtcTransportOptions { ListenInfos = [Udp()] }, cts.Token));
        }
        finally
        {
            Processes.Signal(_worker.Pid, 18 /* SIGCONT */);
        }
        var deadline = DateTime.UtcNow.AddSeconds(5);
        RouterDump dump;
        do dump = await _router.DumpAsync();
        while (dump.TransportIds.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(dump.TransportIds);
        Assert.Equal(0, _router.Transports.Count);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    internal static void Notify(Transport transport, FlatBufferBuilder b, FBS.Notification.Event @event, FBS.Notification.Body bodyType, int body)
        => Notify(transport.NotificationSink!, transport.Id, b, @event, bodyType, body);

    internal static void Notify(RxMediasoup.Channel.INotificationSink sink, string handlerId, FlatBufferBuilder b,
        FBS.Notification.Event @event, FBS.Notification.Body bodyType, int body)
    {
        var notification = FBS.Notification.Notification.CreateNotification(b, b.CreateString(handlerId), @event, bodyType, body);
        b.Finish(notification.Value);
        var parsed = FBS.Notification.Notification.GetRootAsNotification(new ByteBuffer(b.SizedByteArray()));
        b.Clear();
        sink.OnNotification(@event, parsed);
    }
}
