using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxMediasoup.Channel.Native;

namespace RxMediasoup.Tests.Workers;

/// <summary>
/// <see cref="WorkerMode.InProcess"/>: libmediasoup-worker.so on a native thread of the test host (built by
/// <c>scripts/build-worker.sh --lib</c>). These run in every test run, whatever its default mode.
/// </summary>
[Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
public class InProcessWorkerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static Task<Worker> CreateAsync() => Worker.CreateAsync(new WorkerSettings { Mode = WorkerMode.InProcess });

    private static bool IsThreadOfThisProcess(int tid) => Directory.Exists($"/proc/self/task/{tid}");

    [Fact]
    public async Task AnInProcessWorkerRunsOnAThreadOfThisProcessAndClosesCleanly()
    {
        var worker = await CreateAsync();
        Assert.IsType<RxMediasoup.Channel.InProcessWorker>(worker.Backend);
        Assert.True(IsThreadOfThisProcess(worker.Pid), $"{worker.Pid} is not a thread of the test host");
        Assert.NotEqual(Environment.ProcessId, worker.Pid);
        Assert.Equal(Environment.ProcessId, (await worker.DumpAsync()).Pid);

        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
        var routerClosed = router.Closed.ToTask();
        await worker.CloseAsync();

        Assert.Equal(CloseReason.WorkerClosed, await routerClosed.WaitAsync(Timeout));
        Assert.True(worker.IsSubprocessClosed);
        Assert.False(worker.HasDied);
        Assert.Equal(new RxMediasoup.Channel.ProcessExit(0, null), await worker.Backend.Exited.WaitAsync(Timeout));
        Assert.True(SpinWait.SpinUntil(() => !IsThreadOfThisProcess(worker.Pid), Timeout), "the worker thread is still running");
    }

    [Fact]
    public async Task TwoInProcessWorkersRunConcurrently()
    {
        var workers = await Task.WhenAll(CreateAsync(), CreateAsync());
        try
        {
            Assert.NotEqual(workers[0].Pid, workers[1].Pid);
            // Interleaved load on both: each worker's state is its own (thread-local in the library).
            var work = workers.Select(async (worker, i) =>
            {
                var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
                var transports = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => router.CreateWebRtcTransportAsync(
                    new WebRtcTransportOptions { ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }] })));
                var dumps = await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => worker.DumpAsync()));
                Assert.All(dumps, d => Assert.Equal([router.Id], d.RouterIds));
                Assert.Equal(10, (await router.DumpAsync()).TransportIds.Count);
                return transports.Length;
            });
            var created = await Task.WhenAll(work).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(new[] { 10, 10 }, created);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.CloseAsync()));
        }
        Assert.All(workers, w => Assert.True(w.IsSubprocessClosed));
        Assert.All(workers, w => Assert.True(SpinWait.SpinUntil(() => !IsThreadOfThisProcess(w.Pid), Timeout)));
    }

    [Fact]
    public async Task EndingTheRunIsADeathThatCascadesAndFaultsEveryPendingRequest()
    {
        var worker = await CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
        var transport = await router.CreateDirectTransportAsync();
        var died = worker.Died.ToTask();
        var routerClosed = router.Closed.ToTask();
        var transportClosed = transport.Closed.ToTask();

        TestWorkerMode.Kill(worker);
        // Sent after the worker was told to end: they can never be answered, and must fault when the run ends.
        var pending = Enumerable.Range(0, 100).Select(_ => (Task)worker.DumpAsync()).ToArray();

        var death = await died.WaitAsync(Timeout);
        Assert.Equal(worker.Pid, death.Pid);
        Assert.Equal(0, death.ExitCode); // the hook makes the worker close itself: its run returns 0
        Assert.Null(death.Signal);
        Assert.Equal(CloseReason.WorkerDied, await routerClosed.WaitAsync(Timeout));
        Assert.Equal(CloseReason.WorkerDied, await transportClosed.WaitAsync(Timeout));
        Assert.Equal(CloseReason.WorkerDied, await worker.Closed.ToTask().WaitAsync(Timeout));
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(Timeout));
        Assert.All(pending, r => Assert.IsType<WorkerClosedException>(r.Exception?.InnerException));
        await Assert.ThrowsAsync<WorkerClosedException>(() => router.DumpAsync());
        Assert.True(worker.HasDied);
        Assert.True(worker.IsSubprocessClosed);
        Assert.False(worker.Backend.Kill()); // nothing left to end
    }

    [Fact]
    public async Task FramesSplitAcrossTheWritersBatchesReachTheWorkerWhole()
    {
        await using var worker = await CreateAsync();
        // 20,000 requests fill many 256 KiB batches (frames straddle them); a 7 MiB one is sent in batch-sized pieces.
        var dumps = Enumerable.Range(0, 20_000).Select(_ => worker.DumpAsync()).ToArray();
        var big = WorkerTests.RawUpdateLogLevel(worker, new string('y', 7 * 1024 * 1024));
        await Assert.ThrowsAsync<ArgumentException>(() => big.WaitAsync(Timeout)); // the worker's TypeError: it read it whole
        var all = await Task.WhenAll(dumps).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(all, d => Assert.Equal(Environment.ProcessId, d.Pid));
        Assert.Equal(0, worker.Diagnostics.PendingRequests);
    }

    [Fact]
    public async Task SubscribersRunOffTheWorkerThread()
    {
        await using var worker = await CreateAsync();
        var router = await worker.CreateRouterAsync();
        var transport = await router.CreateDirectTransportAsync();
        var producer = await transport.ProduceDataAsync();
        var consumer = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = producer.Id });
        var threads = new List<int>();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = consumer.Messages.Subscribe(message =>
        {
            lock (threads) threads.Add(LibC.gettid());
            if (Encoding.UTF8.GetString(message.Payload) == "50") received.TrySetResult();
            // A slow subscriber: on the worker's thread this would hold the SFU for 50 × 20 ms.
            Thread.Sleep(20);
        });
        for (int i = 1; i <= 50; i++) producer.Send(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The worker keeps answering while the subscriber is busy.
        var dump = worker.DumpAsync();
        await dump.WaitAsync(TimeSpan.FromMilliseconds(900)); // well under the subscriber's 1 s of sleeping
        await received.Task.WaitAsync(Timeout);
        lock (threads)
        {
            Assert.Equal(50, threads.Count);
            Assert.DoesNotContain(worker.Pid, threads);
        }
    }

    [Fact]
    public async Task AMissingLibraryIsNotFoundWithHowToBuildIt()
    {
        string dir = Directory.CreateTempSubdirectory("rxms-nolib-").FullName;
        try
        {
            string binary = Path.Combine(dir, "mediasoup-worker");
            File.WriteAllText(binary, "");
            // The lookup beside the binary, whatever MEDIASOUP_WORKER_LIB says in this run.
            var e = Assert.Throws<WorkerBinaryNotFoundException>(() => WorkerLibrary.Locate(binary, fromEnv: null));
            Assert.Contains(Path.Combine(dir, "libmediasoup-worker.so"), e.Message);
            if (Environment.GetEnvironmentVariable(WorkerLibrary.EnvironmentVariable) is null)
                await Assert.ThrowsAsync<WorkerBinaryNotFoundException>(() =>
                    Worker.CreateAsync(new WorkerSettings { Mode = WorkerMode.InProcess, WorkerBin = binary }));
            Assert.Contains("build-worker.sh --lib", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
