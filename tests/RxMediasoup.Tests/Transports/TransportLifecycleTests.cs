using System.Reactive.Linq;
using Google.FlatBuffers;
using Microsoft.Extensions.Logging;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Transports;

/// <summary>The entity core as transports use it: command policy, close order, DTLS close alert vs transport close.</summary>
public sealed class TransportLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly CapturingLoggerFactory _logs = new();
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { LoggerFactory = _logs });
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    /// <summary>Calls a command and checks it did not throw synchronously: the error is in the task.</summary>
    private static async Task<Exception> FaultOf(Func<Task> command)
    {
        Task task;
        try { task = command(); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"the command threw synchronously: {e.GetType().Name}: {e.Message}"); }
        var error = await Record.ExceptionAsync(() => task);
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public async Task CommandsOnAClosedTransportReturnFaultedTasks()
    {
        var webRtc = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var plain = await _router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = TransportTestHelpers.Udp() });
        var pipe = await _router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = TransportTestHelpers.Udp() });
        var direct = await _router.CreateDirectTransportAsync();
        Transport[] all = [webRtc, plain, pipe, direct];
        foreach (var t in all) await t.CloseAsync();

        var commands = new List<Func<Task>>
        {
            () => webRtc.ConnectAsync(null!),
            () => webRtc.RestartIceAsync(),
            () => webRtc.SetMaxIncomingBitrateAsync(-1),
            () => webRtc.SetMaxOutgoingBitrateAsync(1000),
            () => webRtc.SetMinOutgoingBitrateAsync(1000),
            () => plain.ConnectAsync(port: -1),
            () => pipe.ConnectAsync(null!, 0),
            () => direct.ConnectAsync(),
        };
        foreach (var t in all)
        {
            commands.Add(() => t.DumpAsync());
            commands.Add(() => t.GetStatsAsync());
            commands.Add(() => t.EnableTraceEventAsync([(TransportTraceEventType)99]));
            commands.Add(() => t.ProduceAsync(ConsumerAudioProducerOptions));
        }
        foreach (var command in commands)
            Assert.IsType<NotFoundException>(await FaultOf(command));
    }

    [Fact]
    public async Task AfterWorkerDeathProduceAndConsumeGiveWorkerClosedException()
    {
        var transport1 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var transport2 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var producer = await transport1.ProduceAsync(ConsumerAudioProducerOptions);
        var closed = transport2.Closed.FirstAsyncOrTimeout(Timeout);
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await closed);

        Assert.IsType<WorkerClosedException>(await FaultOf(() => transport1.ProduceAsync(ConsumerAudioProducerOptions)));
        Assert.IsType<WorkerClosedException>(await FaultOf(() => transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = ConsumerDeviceCapabilities,
        })));
        Assert.IsType<WorkerClosedException>(await FaultOf(() => transport1.SetMaxIncomingBitrateAsync(1000)));
        Assert.IsType<WorkerClosedException>(await FaultOf(() => transport2.DumpAsync()));
    }

    [Fact]
    public async Task ClosingATransportReportsItsProducersBeforeTheConsumersOnOtherTransports()
    {
        var transport1 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var transport2 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var audio = await transport1.ProduceAsync(ConsumerAudioProducerOptions);
        var video = await transport1.ProduceAsync(ConsumerVideoProducerOptions);
        var audioConsumer = await transport2.ConsumeAsync(new ConsumerOptions { ProducerId = audio.Id, RtpCapabilities = ConsumerDeviceCapabilities });
        var videoConsumer = await transport2.ConsumeAsync(new ConsumerOptions { ProducerId = video.Id, RtpCapabilities = ConsumerDeviceCapabilities });
        var events = new List<string>();
        void Record(IObservable<CloseReason> closed, string name) => closed.Subscribe(r => { lock (events) events.Add($"{name}:{r}"); });
        Record(audio.Closed, "audio");
        Record(video.Closed, "video");
        Record(audioConsumer.Closed, "audioConsumer");
        Record(videoConsumer.Closed, "videoConsumer");
        Record(transport1.Closed, "transport1");

        await transport1.CloseAsync();
        await videoConsumer.Closed.FirstAsyncOrTimeout(Timeout);
        await audioConsumer.Closed.FirstAsyncOrTimeout(Timeout);

        lock (events)
        {
            Assert.Equal(5, events.Count);
            // As in mediasoup: every producer's transportclose, the transport's close, then the consumers' producerclose.
            Assert.Equal(["audio:TransportClosed", "video:TransportClosed"], events.Take(2).Order());
            Assert.Equal("transport1:Explicit", events[2]);
            Assert.Equal(["audioConsumer:ProducerClosed", "videoConsumer:ProducerClosed"], events.Skip(3).Order());
        }
        Assert.False(transport2.IsClosed);
        // The worker's own consumer-closed notifications come later, for entities already closed: dropped, at most a
        // Debug line.
        await Task.Delay(300);
        Assert.Empty((await transport2.DumpAsync()).ConsumerIds);
        Assert.DoesNotContain(_logs.Entries, e => e.Level > LogLevel.Debug);
    }

    [Fact]
    public async Task DtlsClosedIsTheRemoteCloseAlertNotTheTransportClosing()
    {
        var transport = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var states = new List<DtlsState>();
        var completed = new TaskCompletionSource();
        using var _ = transport.DtlsState.Subscribe(states.Add, () => completed.TrySetResult());
        var b = new FlatBufferBuilder(256);
        WebRtcTransportTests.Notify(transport, b, FBS.Notification.Event.WEBRTCTRANSPORT_DTLS_STATE_CHANGE,
            FBS.Notification.Body.WebRtcTransport_DtlsStateChangeNotification,
            FBS.WebRtcTransport.DtlsStateChangeNotification.CreateDtlsStateChangeNotification(b, FBS.WebRtcTransport.DtlsState.CLOSED).Value);
        Assert.Equal(DtlsState.Closed, transport.DtlsState.Value);
        Assert.False(transport.IsClosed);

        await transport.CloseAsync();
        await completed.Task.WaitAsync(Timeout);
        Assert.Equal([DtlsState.New, DtlsState.Closed], states);

        var other = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        var otherStates = new List<DtlsState>();
        var otherCompleted = new TaskCompletionSource();
        using var __ = other.DtlsState.Subscribe(otherStates.Add, () => otherCompleted.TrySetResult());
        await other.CloseAsync();
        await otherCompleted.Task.WaitAsync(Timeout);
        Assert.Equal([DtlsState.New], otherStates);
    }

    [Fact]
    public void StateStreamsAreObservableStates()
    {
        Assert.Equal(typeof(IObservableState<IceState>), typeof(WebRtcTransport).GetProperty(nameof(WebRtcTransport.IceState))!.PropertyType);
        Assert.Equal(typeof(IObservableState<DtlsState>), typeof(WebRtcTransport).GetProperty(nameof(WebRtcTransport.DtlsState))!.PropertyType);
        Assert.Equal(typeof(IObservableState<TransportTuple>), typeof(PlainTransport).GetProperty(nameof(PlainTransport.Tuple))!.PropertyType);
        Assert.Equal(typeof(IObservableState<SctpState?>), typeof(NetworkTransport).GetProperty(nameof(NetworkTransport.SctpState))!.PropertyType);
    }

    [Fact]
    public async Task ATransportOnAClosedWebRtcServerGetsTheClosedError()
    {
        var server = await _worker.CreateWebRtcServerAsync(new WebRtcServerOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", Port = TransportTestHelpers.PickPort(System.Net.Sockets.ProtocolType.Udp) }],
        });
        await server.CloseAsync();
        var error = await FaultOf(() => _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server }));
        Assert.IsType<NotFoundException>(error);
        Assert.Contains("WebRtcServer closed", error.Message);
    }
}
