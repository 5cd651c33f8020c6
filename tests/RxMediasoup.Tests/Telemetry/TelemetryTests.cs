using System.Diagnostics;
using RxMediasoup.Channel.Native;
using RxMediasoup.Tests.Infrastructure;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Telemetry;

/// <summary>
/// The "RxMediasoup" meter and activity source, read with a MeterListener / ActivityListener against real workers.
/// In the serial collection: the instruments are process-wide, so no other test's entities or requests blur them.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TelemetryTests
{
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

    [Fact]
    public async Task EntityCountsGoUpWithCreatesAndDownWithClosesIncludingCascades()
    {
        using var recorder = new TelemetryRecorder();
        var worker = await RxMediasoup.Worker.CreateAsync();
        try
        {
            var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
            var send = await router.CreateWebRtcTransportAsync(WebRtcOptions);
            var recv = await router.CreateWebRtcTransportAsync(WebRtcOptions);
            var direct = await router.CreateDirectTransportAsync();
            var plain = await router.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Transports.TransportTestHelpers.Udp() });
            var producer = await send.ProduceAsync(ConsumerAudioProducerOptions);
            var consumer = await recv.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = ConsumerDeviceCapabilities });
            var dataProducer = await direct.ProduceDataAsync(new DataProducerOptions { Label = "x" });
            var dataConsumer = await direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });

            Assert.Equal(1, recorder.Sum("rxmediasoup.workers"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.routers"));
            Assert.Equal(4, recorder.Sum("rxmediasoup.transports"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.transports", "rxmediasoup.transport.type", "DirectTransport"));
            Assert.Equal(2, recorder.Sum("rxmediasoup.transports", "rxmediasoup.transport.type", "WebRtcTransport"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.transports", "rxmediasoup.transport.type", "PlainTransport"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.producers"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.consumers"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.data_producers"));
            Assert.Equal(1, recorder.Sum("rxmediasoup.data_consumers"));

            // A producer's close closes its consumer on another transport (a dependent), counted once each.
            await producer.CloseAsync();
            Assert.True(consumer.IsClosed);
            Assert.Equal(0, recorder.Sum("rxmediasoup.producers"));
            Assert.Equal(0, recorder.Sum("rxmediasoup.consumers"));
            Assert.Equal(2, recorder.Of("rxmediasoup.consumers").Count);

            // The router's close cascades to its transports and their data producers/consumers.
            await router.CloseAsync();
            Assert.True(dataConsumer.IsClosed);
            Assert.Equal(0, recorder.Sum("rxmediasoup.routers"));
            Assert.Equal(0, recorder.Sum("rxmediasoup.transports"));
            Assert.Equal(0, recorder.Sum("rxmediasoup.data_producers"));
            Assert.Equal(0, recorder.Sum("rxmediasoup.data_consumers"));
            Assert.Equal(8, recorder.Of("rxmediasoup.transports").Count);
            Assert.Equal(1, recorder.Sum("rxmediasoup.workers"));
            Assert.Empty(recorder.Of("rxmediasoup.worker.deaths"));
        }
        finally
        {
            await worker.CloseAsync();
        }
        Assert.Equal(0, recorder.Sum("rxmediasoup.workers"));
    }

    [Fact]
    public async Task ADeadWorkerClosesEverythingItHadCountsADeathAndItsRespawn()
    {
        using var recorder = new TelemetryRecorder();
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(new WorkerManagerOptions
        {
            NumWorkers = 1,
            Respawn = new WorkerRespawnPolicy { Enabled = true, InitialDelay = TimeSpan.FromMilliseconds(50) },
        });
        var victim = manager.Workers.Items.Single();
        var router = await victim.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        await router.CreateWebRtcTransportAsync(WebRtcOptions);
        Assert.Equal(1, recorder.Sum("rxmediasoup.transports"));

        var respawn = manager.Respawns.FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));
        TestWorkerMode.Kill(victim);
        Assert.NotNull((await respawn).Replacement);

        Assert.Equal(1, recorder.Sum("rxmediasoup.worker.deaths"));
        Assert.Equal(1, recorder.Sum("rxmediasoup.worker.respawns", "outcome", "ok"));
        Assert.Equal(0, recorder.Sum("rxmediasoup.routers"));
        Assert.Equal(0, recorder.Sum("rxmediasoup.transports"));
        Assert.Equal(2, recorder.Of("rxmediasoup.workers").Count(m => m.Value > 0)); // the replacement came up
        Assert.Equal(1, recorder.Sum("rxmediasoup.workers"));
    }

    [Fact]
    public async Task EveryRequestIsOneHistogramObservationTaggedWithItsMethodAndOutcome()
    {
        using var recorder = new TelemetryRecorder();
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        var transport = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        const string Duration = "rxmediasoup.channel.request.duration";

        Assert.Single(recorder.Of(Duration, "method", "WORKER_CREATE_ROUTER"));
        Assert.Single(recorder.Of(Duration, "method", "ROUTER_CREATE_WEBRTCTRANSPORT"));
        for (int i = 0; i < 3; i++) await router.DumpAsync();
        var dumps = recorder.Of(Duration, "method", "ROUTER_DUMP");
        Assert.Equal(3, dumps.Count);
        Assert.All(dumps, m => Assert.Equal("ok", m.Tags["outcome"]));
        Assert.All(dumps, m => Assert.InRange(m.Value, 1e-7, 10));

        await transport.ConnectAsync(RemoteDtlsParameters);
        await Assert.ThrowsAnyAsync<MediasoupException>(() => transport.ConnectAsync(RemoteDtlsParameters)); // already connected
        var connects = recorder.Of(Duration, "method", "WEBRTCTRANSPORT_CONNECT");
        Assert.Equal(["ok", "error"], connects.Select(m => m.Tags["outcome"]));
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task ARequestNotAnsweredInTimeIsATimeoutAndOneCutByTheWorkersDeathIsClosed()
    {
        const int SIGSTOP = 19;
        const string Duration = "rxmediasoup.channel.request.duration";
        using var recorder = new TelemetryRecorder();
        await using var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        Processes.Signal(worker.Pid, SIGSTOP); // the worker stops answering
        await Assert.ThrowsAsync<TimeoutException>(() => worker.DumpAsync());
        var pending = worker.GetResourceUsageAsync();
        TestWorkerMode.Kill(worker);
        await Assert.ThrowsAsync<WorkerClosedException>(() => pending);

        var dump = Assert.Single(recorder.Of(Duration, "method", "WORKER_DUMP"));
        Assert.Equal("timeout", dump.Tags["outcome"]);
        Assert.InRange(dump.Value, 0.29, 10);
        Assert.Equal("closed", Assert.Single(recorder.Of(Duration, "method", "WORKER_GET_RESOURCE_USAGE")).Tags["outcome"]);
        await worker.Died.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5)); // the channel may close before the exit is seen
        Assert.Equal(1, recorder.Sum("rxmediasoup.worker.deaths"));
    }

    [Fact]
    public async Task CommandsCreationsAndClosesAreSpansWithTheEntityIdsUnderTheCallersSpan()
    {
        using var recorder = new TelemetryRecorder(traces: true);
        using var caller = new ActivitySource("RxMediasoup.Tests.Signalling");
        using var callerListener = new ActivityListener
        {
            ShouldListenTo = s => s == caller,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(callerListener);
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });

        WebRtcTransport transport;
        Producer producer;
        using (var signalling = caller.StartActivity("produce request"))
        {
            Assert.NotNull(signalling);
            transport = await router.CreateWebRtcTransportAsync(WebRtcOptions);
            producer = await transport.ProduceAsync(ConsumerAudioProducerOptions);
            await producer.PauseAsync();
            Assert.Same(signalling, Activity.Current); // a command does not leave its span current for the caller
            await producer.CloseAsync();
        }
        var failed = transport.ConnectAsync(RemoteDtlsParameters);
        await failed;
        await Assert.ThrowsAnyAsync<MediasoupException>(() => transport.ConnectAsync(RemoteDtlsParameters));

        var spans = recorder.Spans.ToList();
        Activity Span(string name, string id) => Assert.Single(spans, s => s.DisplayName == name && (string?)s.GetTagItem("rxmediasoup.entity.id") == id);

        var createRouter = Span("Router.Create", router.Id);
        Assert.Equal(worker.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), createRouter.GetTagItem("rxmediasoup.parent.id"));
        Assert.Equal("Worker", createRouter.GetTagItem("rxmediasoup.parent.type"));
        Assert.Null(createRouter.Parent);

        var createTransport = Span("WebRtcTransport.Create", transport.Id);
        Assert.Equal(router.Id, createTransport.GetTagItem("rxmediasoup.parent.id"));
        Assert.Equal(ActivityKind.Client, createTransport.Kind);
        var produce = Span("Producer.Create", producer.Id);
        Assert.Equal(transport.Id, produce.GetTagItem("rxmediasoup.parent.id"));
        Assert.Equal("Producer", produce.GetTagItem("rxmediasoup.entity.type"));
        Assert.Equal(worker.Pid, produce.GetTagItem("rxmediasoup.worker.pid"));
        var pause = Span("Producer.Pause", producer.Id);
        var close = Span("Producer.Close", producer.Id);
        foreach (var span in new[] { createTransport, produce, pause, close })
        {
            Assert.Equal("produce request", span.Parent?.DisplayName);
            Assert.Equal(ActivityStatusCode.Unset, span.Status);
        }

        var connects = spans.Where(s => s.DisplayName == "WebRtcTransport.Connect" && (string?)s.GetTagItem("rxmediasoup.entity.id") == transport.Id).ToList();
        Assert.Equal(2, connects.Count);
        Assert.Equal(ActivityStatusCode.Unset, connects[0].Status);
        Assert.Equal(ActivityStatusCode.Error, connects[1].Status);
        Assert.NotNull(connects[1].GetTagItem("error.type"));
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task TheCpuTimeAndMemoryOfEachLiveWorkerAreObservedUntilItCloses()
    {
        using var recorder = new TelemetryRecorder();
        var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        for (int i = 0; i < 200; i++) await router.CreateWebRtcTransportAsync(WebRtcOptions);
        recorder.RecordObservableInstruments();
        var cpu = recorder.Of("rxmediasoup.worker.cpu.time", "rxmediasoup.worker.pid", worker.Pid);
        Assert.Equal(["user", "system"], cpu.Select(m => m.Tags["cpu.mode"]));
        // The same as the worker's own getrusage (to the tick, 10 ms, and what the request itself costs).
        var usage = await worker.GetResourceUsageAsync();
        Assert.InRange(cpu[0].Value, usage.UserCpuTime.TotalSeconds - 0.03, usage.UserCpuTime.TotalSeconds + 0.03);
        Assert.InRange(cpu[1].Value, usage.SystemCpuTime.TotalSeconds - 0.03, usage.SystemCpuTime.TotalSeconds + 0.03);
        Assert.True(cpu.Sum(m => m.Value) > 0 || (usage.UserCpuTime + usage.SystemCpuTime) < TimeSpan.FromMilliseconds(20));
        var memory = Assert.Single(recorder.Of("rxmediasoup.worker.memory.usage", "rxmediasoup.worker.pid", worker.Pid));
        Assert.InRange(memory.Value, 1 << 20, 1L << 32);

        await worker.CloseAsync();
        recorder.Measurements.Clear();
        recorder.RecordObservableInstruments();
        Assert.Empty(recorder.Of("rxmediasoup.worker.cpu.time", "rxmediasoup.worker.pid", worker.Pid));
        Assert.Empty(recorder.Of("rxmediasoup.worker.memory.usage", "rxmediasoup.worker.pid", worker.Pid));
    }

    [Fact]
    public async Task WithoutListenersNothingIsMeasuredOrTraced()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        Assert.False(RxMediasoup.Diagnostics.Telemetry.Source.HasListeners());
        Assert.False(RxMediasoup.Diagnostics.Telemetry.RequestDuration.Enabled);
        Assert.False(RxMediasoup.Diagnostics.Telemetry.Routers.Enabled);
        await router.DumpAsync();
        Assert.Null(Activity.Current);

        // Listening starts with what is created from then on.
        using var recorder = new TelemetryRecorder();
        Assert.True(RxMediasoup.Diagnostics.Telemetry.RequestDuration.Enabled);
        await router.DumpAsync();
        Assert.Single(recorder.Of("rxmediasoup.channel.request.duration", "method", "ROUTER_DUMP"));
        Assert.Empty(recorder.Of("rxmediasoup.routers"));
    }
}
