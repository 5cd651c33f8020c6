using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxMediasoup.Channel.Native;
using RxMediasoup.Tests.Routers;

namespace RxMediasoup.Tests.WorkerManagers;

/// <summary>WorkerManager against real workers: placement, respawn with back-off (real and virtual time), close.</summary>
public class WorkerManagerTests
{
    private static WorkerManagerOptions Options(int workers = 2, TimeSpan? initialDelay = null, bool respawn = true) => new()
    {
        NumWorkers = workers,
        Respawn = new WorkerRespawnPolicy
        {
            Enabled = respawn,
            InitialDelay = initialDelay ?? TimeSpan.FromMilliseconds(100),
            MaxDelay = TimeSpan.FromSeconds(10),
        },
    };

    [Fact]
    public async Task StartsTheWorkersAndPlacesRoutersOnTheLeastLoadedOne()
    {
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 2));
        Assert.Equal(2, manager.Workers.Count);
        var routers = new List<RxMediasoup.Router>();
        for (int i = 0; i < 4; i++) routers.Add(await manager.CreateRouterAsync(new RouterOptions { MediaCodecs = RouterTests.MediaCodecs }));
        Assert.All(manager.Workers.Items, w => Assert.Equal(2, w.Routers.Count));
        foreach (var worker in manager.Workers.Items)
            Assert.Equal(2, (await worker.DumpAsync()).RouterIds.Count);
    }

    [Fact]
    public async Task ConcurrentPlacementsSpreadEvenly()
    {
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 2));
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => manager.CreateRouterAsync()));
        Assert.All(manager.Workers.Items, w => Assert.Equal(5, w.Routers.Count));
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)] // in-process, a worker's resource usage is the whole process's
    public async Task CpuTimeMetricAvoidsTheBusyWorker()
    {
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 2) with { LoadMetric = WorkerLoadMetric.CpuTime });
        var workers = manager.Workers.Items.OrderBy(w => w.Pid).ToArray();
        await manager.GetLeastLoadedWorkerAsync(); // first sample of each worker's CPU time
        await Task.WhenAll(Enumerable.Range(0, 20000).Select(_ => workers[0].DumpAsync()));
        Assert.Same(workers[1], await manager.GetLeastLoadedWorkerAsync());
    }

    [Fact]
    public async Task ADeadWorkerIsReplacedWithExponentialBackOff()
    {
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 2));
        var respawns = manager.Respawns.Replay();
        using var connection = respawns.Connect();

        var victim = manager.Workers.Items.First();
        TestWorkerMode.Kill(victim);
        var first = await respawns.FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));
        Assert.Equal(victim.Pid, first.Death.Pid);
        if (!TestWorkerMode.InProcess) Assert.Equal(LibC.SIGKILL, first.Death.Signal);
        Assert.Equal(TimeSpan.FromMilliseconds(100), first.Delay);
        Assert.NotNull(first.Replacement);
        Assert.NotEqual(victim.Pid, first.Replacement!.Pid);
        Assert.True(Processes.IsAlive(first.Replacement.Pid));
        Assert.Equal(2, manager.Workers.Count);
        Assert.DoesNotContain(victim, manager.Workers.Items);

        // A second death within the failure window backs off twice as long.
        TestWorkerMode.Kill(first.Replacement);
        var second = await respawns.Skip(1).FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromMilliseconds(200), second.Delay);
        Assert.NotNull(second.Replacement);
        Assert.Equal(2, manager.Workers.Count);
    }

    [Fact]
    public async Task RespawnWaitsForTheBackOffDelayInVirtualTime()
    {
        var scheduler = new TestScheduler();
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(
            Options(workers: 1, initialDelay: TimeSpan.FromSeconds(5)) with { Scheduler = scheduler });
        var respawns = manager.Respawns.Replay();
        using var connection = respawns.Connect();
        var victim = manager.Workers.Items.Single();
        var died = victim.Died.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        TestWorkerMode.Kill(victim);
        await died;
        Assert.Equal(0, manager.Workers.Count);
        await Assert.ThrowsAsync<WorkerClosedException>(() => manager.CreateRouterAsync());

        scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks - 1);
        Assert.Equal(0, manager.Workers.Count); // the respawn has not even started
        scheduler.AdvanceBy(1);
        var respawn = await respawns.FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(5), respawn.Delay);
        Assert.Same(respawn.Replacement, manager.Workers.Items.Single());
    }

    [Fact]
    public async Task WithoutRespawnADeadWorkerIsReportedAndNotReplaced()
    {
        await using var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 2, respawn: false));
        var respawn = manager.Respawns.FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));
        var victim = manager.Workers.Items.First();
        TestWorkerMode.Kill(victim);
        var reported = await respawn;
        Assert.Null(reported.Replacement);
        Assert.Equal(1, manager.Workers.Count);
        var router = await manager.CreateRouterAsync();
        Assert.False(router.IsClosed);
    }

    [Fact]
    public async Task DisposingClosesEveryWorkerAndTheirRouters()
    {
        var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 2));
        var workers = manager.Workers.Items.ToArray();
        var router = await manager.CreateRouterAsync();
        var completed = manager.Workers.Connect().LastAsync().FirstAsyncOrTimeout(TimeSpan.FromSeconds(10));
        await manager.DisposeAsync();
        await completed;
        Assert.True(manager.IsClosed);
        Assert.Equal(0, manager.Workers.Count);
        Assert.All(workers, w => Assert.True(w.IsSubprocessClosed));
        // A process is reaped before IsSubprocessClosed; an in-process worker's thread reports its run's end just
        // before the thread itself exits: give it a moment.
        foreach (var w in workers)
            Assert.True(await Processes.WaitUntilGoneAsync(w.Pid, TimeSpan.FromSeconds(5)), $"worker {w.Pid} still running");
        Assert.True(router.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => manager.CreateRouterAsync());
        await manager.DisposeAsync(); // idempotent
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task InvalidOptionsAreRejectedBeforeAnyWorkerStarts()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RxMediasoup.WorkerManager.CreateAsync(new WorkerManagerOptions { NumWorkers = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RxMediasoup.WorkerManager.CreateAsync(new WorkerManagerOptions
        {
            Respawn = new WorkerRespawnPolicy { InitialDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromSeconds(1) },
        }));
        await Assert.ThrowsAsync<WorkerBinaryNotFoundException>(() => RxMediasoup.WorkerManager.CreateAsync(new WorkerManagerOptions
        {
            NumWorkers = 1, WorkerSettings = new WorkerSettings { WorkerBin = "/nonexistent/mediasoup-worker" },
        }));
    }

    [Fact]
    public async Task ClosedEmitsOnceAfterTheWorkersClosedAndTheStreamsCompleted()
    {
        var manager = await RxMediasoup.WorkerManager.CreateAsync(Options(workers: 1));
        var worker = Assert.Single(manager.Workers.Items);
        var events = new List<string>();
        using var s1 = manager.Respawns.Subscribe(_ => { }, () => events.Add("respawns completed"));
        using var s2 = manager.Closed.Subscribe(r => events.Add($"closed:{r}"), () => events.Add("closed completed"));
        Assert.False(manager.IsClosed);

        await manager.CloseAsync();
        await manager.CloseAsync();
        await manager.DisposeAsync();

        Assert.True(manager.IsClosed);
        Assert.True(worker.IsClosed);
        Assert.Equal(["respawns completed", "closed:Explicit", "closed completed"], events);
        // Replayed to a late subscriber.
        Assert.Equal(CloseReason.Explicit, await manager.Closed.FirstAsync().ToTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
