using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace RxMediasoup.Hosting.Tests;

/// <summary><c>AddMediasoupHealthChecks()</c> through the host's <see cref="HealthCheckService"/>, against real workers.</summary>
public sealed class HealthCheckTests
{
    /// <summary>A host whose latency threshold only the latency test lowers (2 cores shared by parallel tests make round trips slow).</summary>
    private static IHost Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("HealthChecks:LatencyThreshold", "00:00:10");
        return TestHosts.Build(settings, b => b.Services.AddMediasoupHealthChecks());
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return Assert.Single(report.Entries, e => e.Key == "mediasoup").Value;
    }

    [Fact]
    public async Task Healthy_with_live_workers_unhealthy_before_start_and_after_stop()
    {
        using var host = Build(new() { ["NumWorkers"] = "2" });
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(host)).Status);

        await host.StartAsync();
        var entry = await CheckAsync(host);
        Assert.True(entry.Status == HealthStatus.Healthy, entry.Description);
        Assert.Equal(2, entry.Data["workers"]);
        Assert.Equal(2, entry.Data.Keys.Count(k => k.EndsWith("latency ms", StringComparison.Ordinal)));

        await host.StopAsync();
        Assert.Equal(HealthStatus.Unhealthy, (await CheckAsync(host)).Status);
    }

    [Fact]
    public async Task Unhealthy_when_the_last_worker_died_and_is_not_replaced()
    {
        using var host = Build(new() { ["NumWorkers"] = "1", ["Respawn:Enabled"] = "false" });
        await host.StartAsync();
        try
        {
            var manager = host.Services.GetRequiredService<WorkerManager>();
            var before = await CheckAsync(host);
            Assert.True(before.Status == HealthStatus.Healthy, before.Description);

            Processes.Signal(manager.Workers.Items.Single().Pid, Processes.SIGKILL);
            await Processes.UntilAsync(() => manager.Workers.Count == 0, TimeSpan.FromSeconds(10), "the worker's death");

            var entry = await CheckAsync(host);
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Equal("no mediasoup worker is alive", entry.Description);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Degraded_when_respawns_repeat_within_the_window()
    {
        using var host = Build(new()
        {
            ["NumWorkers"] = "1",
            ["Respawn:InitialDelay"] = "00:00:00",
            ["Respawn:MaxDelay"] = "00:00:00",
            ["HealthChecks:RespawnThreshold"] = "2",
            ["HealthChecks:RespawnWindow"] = "00:05:00",
        });
        await host.StartAsync();
        try
        {
            var manager = host.Services.GetRequiredService<WorkerManager>();
            for (int death = 1; death <= 2; death++)
            {
                var respawned = new TaskCompletionSource<WorkerRespawn>(TaskCreationOptions.RunContinuationsAsynchronously);
                using (manager.Respawns.Subscribe(r => respawned.TrySetResult(r)))
                {
                    Processes.Signal(manager.Workers.Items.Single().Pid, Processes.SIGKILL);
                    Assert.NotNull((await respawned.Task.WaitAsync(TimeSpan.FromSeconds(20))).Replacement);
                }
                await Processes.UntilAsync(() => manager.Workers.Count == 1, TimeSpan.FromSeconds(10), "the replacement");
                var entry = await CheckAsync(host);
                if (death == 1)
                {
                    Assert.True(entry.Status == HealthStatus.Healthy, entry.Description); // one death is below the threshold
                }
                else
                {
                    Assert.Equal(HealthStatus.Degraded, entry.Status);
                    Assert.Contains("2 worker deaths", entry.Description, StringComparison.Ordinal);
                    Assert.Equal(2, entry.Data["worker deaths in window"]);
                }
            }
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Degraded_when_the_channel_latency_passes_the_threshold()
    {
        // A dump round trip to a real worker takes far more than a microsecond.
        using var host = Build(new() { ["NumWorkers"] = "1", ["HealthChecks:LatencyThreshold"] = "00:00:00.000001" });
        await host.StartAsync();
        try
        {
            var entry = await CheckAsync(host);
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.Contains("channel latency", entry.Description, StringComparison.Ordinal);
            Assert.Contains("passes 0.001 ms", entry.Description, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
