using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Reflection;
using RxMediasoup.Channel.Native;
using RxMediasoup.Tests.Routers;

namespace RxMediasoup.Tests.Workers;

/// <summary>Worker, Router and WebRtcServer on the entity core: command policy, close order, diagnostics, API form.</summary>
public sealed class WorkerEntityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static WebRtcServerOptions ServerOptions() => new()
    {
        ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
    };

    [Fact]
    public async Task CommandsOnAClosedWorkerReturnFaultedTasksWithWorkerClosedException()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        await worker.CloseAsync();

        // Never a synchronous throw: each call returns a task already faulted with WorkerClosedException.
        var commands = new Func<Task>[]
        {
            () => worker.DumpAsync(),
            () => worker.GetResourceUsageAsync(),
            () => worker.UpdateSettingsAsync(new WorkerUpdateableSettings { LogLevel = WorkerLogLevel.Error }),
            () => worker.UpdateSettingsAsync(null!), // closed is checked first
            () => worker.CreateRouterAsync(),
            () => worker.CreateWebRtcServerAsync(ServerOptions()),
        };
        foreach (var command in commands)
        {
            var task = command();
            Assert.True(task.IsFaulted, "the task is faulted at once");
            await Assert.ThrowsAsync<WorkerClosedException>(() => task);
        }
    }

    [Fact]
    public async Task CommandsOfRoutersAndServersFailWithWorkerClosedExceptionAfterTheWorkerDied()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RouterTests.MediaCodecs });
        var closedRouter = await worker.CreateRouterAsync();
        var server = await worker.CreateWebRtcServerAsync(ServerOptions());
        await closedRouter.CloseAsync();
        var routerClosed = router.Closed.ToTask();
        var serverClosed = server.Closed.ToTask();

        TestWorkerMode.Kill(worker);

        Assert.Equal(CloseReason.WorkerDied, await worker.Closed.ToTask().WaitAsync(Timeout));
        Assert.True(worker.HasDied);
        Assert.Equal(CloseReason.WorkerDied, await routerClosed.WaitAsync(Timeout));
        Assert.Equal(CloseReason.WorkerDied, await serverClosed.WaitAsync(Timeout));
        var commands = new Func<Task>[]
        {
            () => worker.DumpAsync(),
            () => router.DumpAsync(),
            () => closedRouter.DumpAsync(), // closed by the user before: the worker's death is checked first
            () => server.DumpAsync(),
            () => router.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = "nope", Router = closedRouter }),
            () => router.CreateDirectTransportAsync(),
        };
        foreach (var command in commands)
        {
            var task = command();
            await Assert.ThrowsAsync<WorkerClosedException>(() => task);
        }
    }

    [Fact]
    public async Task CommandsOnAClosedRouterOrServerFailWithNotFound()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync();
        var server = await worker.CreateWebRtcServerAsync(ServerOptions());
        await router.CloseAsync();
        await server.CloseAsync();

        var dump = router.DumpAsync();
        Assert.True(dump.IsFaulted);
        Assert.Contains("Router closed", (await Assert.ThrowsAsync<NotFoundException>(() => dump)).Message);
        var serverDump = server.DumpAsync();
        Assert.True(serverDump.IsFaulted);
        Assert.Contains("WebRtcServer closed", (await Assert.ThrowsAsync<NotFoundException>(() => serverDump)).Message);
    }

    [Fact]
    public async Task ClosingTheWorkerClosesItsChildrenBeforeItsOwnClosed()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync();
        var server = await worker.CreateWebRtcServerAsync(ServerOptions());
        var order = new List<string>();
        bool diedCompleted = false;
        using var s1 = router.Closed.Subscribe(r => { lock (order) order.Add($"router:{r}"); });
        using var s2 = server.Closed.Subscribe(r => { lock (order) order.Add($"server:{r}"); });
        using var s3 = worker.Closed.Subscribe(r => { lock (order) order.Add($"worker:{r}"); });
        using var s4 = worker.Died.Subscribe(_ => order.Add("died"), () => diedCompleted = true);

        await worker.CloseAsync();

        Assert.Equal(["router:WorkerClosed", "server:WorkerClosed", "worker:Explicit"], order);
        Assert.True(diedCompleted, "Died completes without a value on an explicit close");
        Assert.Empty(worker.Routers.Items);
        Assert.Empty(worker.WebRtcServers.Items);
        Assert.True(worker.IsSubprocessClosed);
    }

    [Fact]
    public async Task DiagnosticsCountHandlersSubscribersAndQueuedDeliveries()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RouterTests.MediaCodecs });
        var transport = await router.CreateDirectTransportAsync();
        var baseline = worker.Diagnostics;
        Assert.Equal(1, baseline.RegisteredHandlers); // the transport
        Assert.Equal(0, baseline.PendingRequests);
        Assert.Equal(0, baseline.QueuedDeliveries);

        var subscriptions = new[]
        {
            worker.Closed.Subscribe(_ => { }),
            router.Closed.Subscribe(_ => { }),
            router.Transports.Connect().Subscribe(_ => { }),
            transport.Closed.Subscribe(_ => { }),
        };
        Assert.Equal(baseline.Subscribers + 4, worker.Diagnostics.Subscribers);
        foreach (var s in subscriptions) s.Dispose();
        Assert.Equal(baseline.Subscribers, worker.Diagnostics.Subscribers);

        await router.CloseAsync();
        Assert.Equal(new WorkerDiagnostics(0, 0, 0, 0), worker.Diagnostics);
    }

    [Fact]
    public void UsingRouterAndPollResourceUsageAreInstanceMethodsOfWorker()
    {
        var worker = typeof(RxMediasoup.Worker);
        Assert.NotNull(worker.GetMethod(nameof(RxMediasoup.Worker.UsingRouter), BindingFlags.Public | BindingFlags.Instance));
        Assert.NotNull(worker.GetMethod(nameof(RxMediasoup.Worker.PollResourceUsage), BindingFlags.Public | BindingFlags.Instance));
        Assert.Null(worker.Assembly.GetType("RxMediasoup.WorkerReactiveExtensions"));
        Assert.True(typeof(MediasoupEntity).IsAssignableFrom(worker));
        Assert.True(typeof(MediasoupEntity).IsAssignableFrom(typeof(RxMediasoup.Router)));
        Assert.True(typeof(MediasoupEntity).IsAssignableFrom(typeof(RxMediasoup.WebRtcServer)));
    }
}
