using Google.FlatBuffers;

namespace RxMediasoup.Tests.Transports;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-DirectTransport.js, against the real worker.</summary>
public sealed class DirectTransportTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-DirectTransport.js", "router.createDirectTransport() succeeds")]
    public async Task CreateSucceeds()
    {
        var changes = new List<IEntityChangeSet<Transport, string>>();
        using var subscription = _router.Transports.Connect().Subscribe(changes.Add);
        var transport = await _router.CreateDirectTransportAsync(new DirectTransportOptions
        {
            MaxSendMessageSize = 1024,
            MaxReceiveMessageSize = 1024,
            AppData = new Dictionary<string, object?> { ["foo"] = "bar" },
        });
        Assert.Equal([transport.Id], (await _router.DumpAsync()).TransportIds);
        Assert.Equal(2, changes.Count);
        Assert.Same(transport, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(transport.Id, out _));
        Assert.IsType<DirectTransport>(_router.Transports.Lookup(transport.Id));
        Assert.False(transport.IsClosed);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = "bar" }, transport.AppData);

        var dump = await transport.DumpAsync();
        Assert.Equal(transport.Id, dump.Id);
        Assert.Empty(dump.ProducerIds);
        Assert.Empty(dump.ConsumerIds);
        Assert.Empty(dump.DataProducerIds);
        Assert.Empty(dump.DataConsumerIds);
        Assert.NotNull(dump.RecvRtpHeaderExtensions);
        Assert.NotNull(dump.RtpListener);
        Assert.Equal(1024, dump.MaxSendMessageSize);
        Assert.Equal(1024, dump.MaxReceiveMessageSize);

        await transport.CloseAsync();
        Assert.True(transport.IsClosed);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-DirectTransport.js", "directTransport.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var stats = await transport.GetStatsAsync();
        Assert.Equal("direct-transport", stats.Type);
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
    }

    [Fact]
    [NodeCase("test-DirectTransport.js", "directTransport.connect() succeeds")]
    public async Task ConnectSucceeds()
    {
        var transport = await _router.CreateDirectTransportAsync();
        await transport.ConnectAsync();
    }

    [Fact]
    public void BitrateLimitsAndSctpAreNotOnADirectTransport()
    {
        // mediasoup's DirectTransport rejects the bitrate setters at runtime; here they belong to NetworkTransport.
        Assert.False(typeof(NetworkTransport).IsAssignableFrom(typeof(DirectTransport)));
        Assert.Null(typeof(DirectTransport).GetMethod(nameof(NetworkTransport.SetMaxIncomingBitrateAsync)));
        Assert.Null(typeof(DirectTransport).GetProperty(nameof(NetworkTransport.SctpState)));
        Assert.True(typeof(NetworkTransport).IsAssignableFrom(typeof(WebRtcTransport)));
        Assert.True(typeof(NetworkTransport).IsAssignableFrom(typeof(PlainTransport)));
        Assert.True(typeof(NetworkTransport).IsAssignableFrom(typeof(PipeTransport)));
    }

    [Fact]
    public async Task SendRtcpIsAFireAndForgetNotificationAndRtcpNotificationsAreDelivered()
    {
        var transport = await _router.CreateDirectTransportAsync();
        Assert.Throws<ArgumentException>(() => transport.SendRtcp(ReadOnlyMemory<byte>.Empty));
        // An RTCP receiver report with no report blocks: V=2, PT=201, length=1, SSRC.
        byte[] rr = [0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44];
        transport.SendRtcp(rr);
        // The worker answers nothing; the channel is still healthy.
        Assert.Equal(transport.Id, (await transport.DumpAsync()).Id);

        // RTCP from the worker, simulated through the notification sink: the payload is copied out of the receive buffer.
        var packets = new List<ReadOnlyMemory<byte>>();
        bool completed = false;
        using var _ = transport.Rtcp.Subscribe(packets.Add, () => completed = true);
        var b = new FlatBufferBuilder(64);
        var data = FBS.DirectTransport.RtcpNotification.CreateDataVectorBlock(b, rr);
        WebRtcTransportTests.Notify(transport, b, FBS.Notification.Event.DIRECTTRANSPORT_RTCP, FBS.Notification.Body.DirectTransport_RtcpNotification,
            FBS.DirectTransport.RtcpNotification.CreateRtcpNotification(b, data).Value);
        Assert.Equal(rr, Assert.Single(packets).ToArray());

        await transport.CloseAsync();
        Assert.True(completed);
        Assert.Throws<NotFoundException>(() => transport.SendRtcp(rr));
    }

    [Fact]
    [NodeCase("test-DirectTransport.js", "DirectTransport methods reject if closed")]
    public async Task MethodsRejectIfClosed()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var reasons = new List<CloseReason>();
        using var _ = transport.Closed.Subscribe(reasons.Add);
        await transport.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(transport.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => transport.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => transport.GetStatsAsync());
    }

    [Fact]
    [NodeCase("test-DirectTransport.js", "DirectTransport emits \"routerclose\" if Router is closed")]
    public async Task ClosesWithRouterClosedIfRouterIsClosed()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var changes = new List<IEntityChangeSet<Transport, string>>();
        bool collectionCompleted = false;
        using var _ = _router.Transports.Connect().Subscribe(changes.Add, () => collectionCompleted = true);
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _router.CloseAsync();
        Assert.Equal(CloseReason.RouterClosed, await closed);
        // The router's live collection: the snapshot, the removal, then completion.
        Assert.Equal(2, changes.Count);
        Assert.Equal(EntityChangeReason.Remove, Assert.Single(changes[1]).Reason);
        Assert.True(collectionCompleted);
        Assert.True(transport.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => transport.GetStatsAsync());
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-DirectTransport.js", "DirectTransport emits \"routerclose\" if Worker is closed")]
    public async Task ClosesWithWorkerClosedIfWorkerIsClosed()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var closed = transport.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        await _worker.CloseAsync();
        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(transport.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => transport.GetStatsAsync());
    }
}
