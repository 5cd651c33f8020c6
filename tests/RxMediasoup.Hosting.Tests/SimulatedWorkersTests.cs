using System.Reactive.Concurrency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RxMediasoup.Testing;

namespace RxMediasoup.Hosting.Tests;

/// <summary>AddMediasoup with a worker factory: the hosted manager's workers are simulated, dying and respawning in virtual time.</summary>
public sealed class SimulatedWorkersTests
{
    [Fact]
    public async Task The_hosted_manager_runs_simulated_workers_from_the_factory_and_respawns_them_in_virtual_time()
    {
        // HistoricalScheduler: System.Reactive's own virtual clock (the tests of this project do not use Reactive.Testing).
        var scheduler = new HistoricalScheduler();
        var workers = new SimulatedWorkerFactory(scheduler, seed: 3);
        // Configuration still binds everything else (the factory and scheduler are set in code: configuration cannot bind them).
        using var host = TestHosts.Build(new Dictionary<string, string?> { ["NumWorkers"] = "2", ["Respawn:InitialDelay"] = "00:00:05" },
            configure: b => b.Services.Configure<MediasoupOptions>(o =>
            {
                o.WorkerFactory = workers.CreateWorkerAsync;
                o.Scheduler = scheduler;
            }));

        await host.StartAsync();
        var manager = host.Services.GetRequiredService<WorkerManager>();
        Assert.Equal(2, workers.Simulations.Count);
        Assert.Equal(workers.Simulations.Select(s => s.Worker.Pid).Order(), manager.Workers.Items.Select(w => w.Pid).Order());
        Assert.All(manager.Workers.Items, w => Assert.False(Processes.IsAlive(w.Pid), $"{w.Pid} is a real process"));

        workers.Simulations[0].Die(exitCode: 1);
        Assert.Single(manager.Workers.Items);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Single(manager.Workers.Items); // no respawn before the configured 5 s of virtual time
        scheduler.AdvanceBy(TimeSpan.FromTicks(1));
        Assert.Equal(2, manager.Workers.Items.Count);
        Assert.Same(workers.Simulations[2].Worker, manager.Workers.Items.OrderBy(w => w.Pid).Last());

        var stop = host.StopAsync();
        scheduler.AdvanceBy(TimeSpan.FromTicks(1)); // the simulated workers answer their close
        await stop;
        Assert.True(manager.IsClosed);
        Assert.All(workers.Simulations, s => Assert.True(s.Worker.IsClosed));
    }

    [Fact]
    public void Without_a_factory_the_options_keep_real_workers()
    {
        var options = MediasoupOptionsValidator.ToWorkerManagerOptions(new MediasoupOptions(), null);
        Assert.Null(options.WorkerFactory);
        Assert.Null(options.Scheduler);
    }
}
