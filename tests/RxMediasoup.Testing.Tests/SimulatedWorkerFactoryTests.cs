using System.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Testing.Tests;

/// <summary>A WorkerManager of simulated workers: distinct fake pids, placement, deaths and respawns in virtual time.</summary>
public sealed class SimulatedWorkerFactoryTests
{
    private static readonly long Second = TimeSpan.FromSeconds(1).Ticks;

    [Fact]
    public async Task AManagerOfSimulatedWorkersPlacesRoutersOnTheLeastLoadedOne()
    {
        var scheduler = new TestScheduler();
        var factory = new SimulatedWorkerFactory(scheduler, seed: 7);
        var manager = await factory.CreateManagerAsync(new WorkerManagerOptions { NumWorkers = 3 });

        var pids = manager.Workers.Items.Select(w => w.Pid).ToArray();
        Assert.Equal(3, pids.Distinct().Count());
        Assert.All(pids, pid => Assert.True(pid >= 5_000_000, $"{pid} could name a real process")); // above Linux's pid_max
        Assert.Equal(3, factory.Simulations.Count);
        Assert.All(manager.Workers.Items, w => Assert.Same(w, factory.Of(w).Worker));

        var routers = new List<Task<Router>>();
        for (int i = 0; i < 6; i++)
        {
            routers.Add(manager.CreateRouterAsync());
            scheduler.AdvanceBy(1); // answers the request; placement of the next one sees this router
        }
        Assert.All(routers, r => Assert.True(r.IsCompletedSuccessfully));
        Assert.All(manager.Workers.Items, w => Assert.Equal(2, w.Routers.Count));
        Assert.Same(factory.Simulations[0], factory.Of(await routers[0]));

        var close = manager.CloseAsync();
        scheduler.AdvanceBy(1);
        Assert.True(close.IsCompletedSuccessfully);
        Assert.All(factory.Simulations, s => Assert.True(s.Worker.IsClosed));
        foreach (var r in routers) Assert.True((await r).IsClosed);
    }

    [Fact]
    public async Task ADeadSimulatedWorkerIsReplacedAfterTheBackOffInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var factory = new SimulatedWorkerFactory(scheduler, seed: 1);
        var manager = await factory.CreateManagerAsync(new WorkerManagerOptions { NumWorkers = 2 });
        var respawns = new List<(long At, WorkerRespawn Respawn)>();
        manager.Respawns.Subscribe(r => respawns.Add((scheduler.Clock, r)));
        var created = new List<Simulation>();
        factory.Created.Subscribe(created.Add);
        Assert.Equal(2, created.Count); // replayed

        var first = factory.Simulations[0];
        var routerTask = first.Worker.CreateRouterAsync();
        scheduler.AdvanceBy(1);
        Assert.True(routerTask.IsCompletedSuccessfully);
        var router = await routerTask;
        first.At(TimeSpan.FromSeconds(10), () => first.Die(exitCode: 1));
        scheduler.AdvanceTo(10 * Second + Second - 1);

        Assert.True(router.IsClosed);
        Assert.Single(manager.Workers.Items); // gone from the manager at once
        Assert.Empty(respawns); // the back-off (1 s by default) has not passed yet
        scheduler.AdvanceBy(1);
        var (at, respawn) = Assert.Single(respawns);
        Assert.Equal(11 * Second, at);
        Assert.Equal(new WorkerDeath(first.Worker.Pid, 1, null), respawn.Death);
        Assert.Same(factory.Simulations[2].Worker, respawn.Replacement);
        Assert.Equal(3, created.Count);
        Assert.Equal(2, manager.Workers.Items.Select(w => w.Pid).Distinct().Count());
        Assert.DoesNotContain(first.Worker.Pid, manager.Workers.Items.Select(w => w.Pid));

        // A second death inside the failure window doubles the delay (2 s), still in virtual time.
        var replacement = factory.Simulations[2];
        replacement.At(TimeSpan.FromSeconds(5), () => replacement.Die(signal: 9, exitCode: null));
        scheduler.AdvanceTo(11 * Second + 5 * Second + 2 * Second - 1);
        Assert.Single(respawns);
        scheduler.AdvanceBy(1);
        Assert.Equal(2, respawns.Count);
        Assert.Equal((18 * Second, TimeSpan.FromSeconds(2)), (respawns[1].At, respawns[1].Respawn.Delay));
        Assert.Equal(4, factory.Simulations.Count);

        var close = manager.CloseAsync();
        scheduler.AdvanceBy(1);
        Assert.True(close.IsCompletedSuccessfully);
        Assert.All(manager.Workers.Items, w => Assert.True(w.IsClosed));
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameWorkersAndIds()
    {
        async Task<string> RunAsync()
        {
            var scheduler = new TestScheduler();
            var factory = new SimulatedWorkerFactory(scheduler, seed: 42);
            var manager = await factory.CreateManagerAsync(new WorkerManagerOptions { NumWorkers = 2 });
            var router = manager.CreateRouterAsync();
            scheduler.AdvanceBy(1);
            Assert.True(router.IsCompletedSuccessfully);
            return string.Join(",", manager.Workers.Items.Select(w => w.Pid).Order()) + " " + (await router).Id;
        }

        Assert.Equal(await RunAsync(), await RunAsync());
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var scheduler = new TestScheduler();
        Assert.Equal("latency", Assert.Throws<ArgumentOutOfRangeException>(() => new SimulatedWorkerFactory(scheduler, latency: TimeSpan.FromTicks(-1))).ParamName);
        Assert.Equal("scheduler", Assert.Throws<ArgumentNullException>(() => new SimulatedWorkerFactory(null!)).ParamName);
    }

    [Fact]
    public async Task AWorkerOfAnotherFactoryIsNotFound()
    {
        var scheduler = new TestScheduler();
        var other = await Simulation.CreateAsync(scheduler);
        var factory = new SimulatedWorkerFactory(scheduler);
        Assert.Equal("worker", Assert.Throws<ArgumentException>(() => factory.Of(other.Worker)).ParamName);
    }
}
