using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Hosting.Tests;

/// <summary>The WorkerManager as a hosted service, against real workers.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Workers_run_before_other_hosted_services_start_and_are_gone_after_the_host_stops()
    {
        Probe? probe = null;
        // Registered before AddMediasoup, so it would start first if the workers started in StartAsync.
        using var host = TestHosts.Build(new Dictionary<string, string?> { ["NumWorkers"] = "2" },
            before: b => b.Services.AddSingleton<IHostedService>(sp => probe = new Probe(sp)));
        var hosted = host.Services.GetRequiredService<MediasoupHostedService>();
        Assert.Throws<InvalidOperationException>(() => hosted.Manager); // not before the host starts

        Assert.False(hosted.StartBegun);
        await host.StartAsync();
        Assert.True(hosted.StartBegun);
        var manager = host.Services.GetRequiredService<WorkerManager>();
        Assert.Same(hosted.Manager, manager);
        int[] pids = manager.Workers.Items.Select(w => w.Pid).ToArray();
        Assert.Equal(2, pids.Length);
        Assert.All(pids, pid => Assert.True(Processes.IsWorker(pid), $"{pid} is {Processes.Comm(pid)}"));
        Assert.True(probe!.WorkersRunningWhenStarted); // so a web server, whatever its order, serves with workers running
        await using (var router = await manager.CreateRouterAsync()) Assert.False(router.IsClosed);

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(15), $"stop took {stopwatch.Elapsed}");
        Assert.True(manager.IsClosed);
        Assert.All(pids, pid => Assert.False(Processes.IsAlive(pid), $"worker {pid} left after stop"));
        Assert.False(hosted.IsRunning);
    }

    [Fact]
    public async Task InProcess_workers_from_configuration_run_on_threads_of_the_host_and_end_with_it()
    {
        using var host = TestHosts.Build(new Dictionary<string, string?> { ["NumWorkers"] = "2", ["WorkerSettings:Mode"] = "InProcess" });
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<WorkerManager>();
        int[] tids = manager.Workers.Items.Select(w => w.Pid).ToArray();
        Assert.Equal(2, tids.Distinct().Count());
        Assert.All(tids, tid => Assert.True(Directory.Exists($"/proc/self/task/{tid}"), $"{tid} is not a thread of the host"));
        await using (var router = await manager.CreateRouterAsync()) Assert.False(router.IsClosed);

        await host.StopAsync();
        Assert.True(manager.IsClosed);
        // A worker thread reports its run's end just before it exits: allow it a moment.
        Assert.All(tids, tid => Assert.True(SpinWait.SpinUntil(() => !Directory.Exists($"/proc/self/task/{tid}"), TimeSpan.FromSeconds(5)),
            $"worker thread {tid} left after stop"));
    }

    [Fact]
    public async Task Each_worker_gets_a_WebRtcServer_on_its_own_port_and_a_replacement_gets_its_predecessors()
    {
        int port = 46000 + Random.Shared.Next(0, 1000) * 2;
        using var host = TestHosts.Build(new Dictionary<string, string?>
        {
            ["NumWorkers"] = "2",
            ["Respawn:InitialDelay"] = "00:00:00",
            ["Respawn:MaxDelay"] = "00:00:00",
            ["WebRtcServer:ListenInfos:0:Protocol"] = "udp",
            ["WebRtcServer:ListenInfos:0:Ip"] = "127.0.0.1",
            ["WebRtcServer:ListenInfos:0:Port"] = port.ToString(),
        });
        await host.StartAsync();
        try
        {
            var manager = host.Services.GetRequiredService<WorkerManager>();
            var servers = host.Services.GetRequiredService<MediasoupWebRtcServers>();
            var ports = new Dictionary<int, int>();
            foreach (var worker in manager.Workers.Items)
            {
                var dump = await servers.Get(worker).DumpAsync();
                ports[worker.Pid] = Assert.Single(dump.UdpSockets).Port;
            }
            Assert.Equal([port, port + 1], ports.Values.Order().ToArray());

            // Kill the worker on port+1: its replacement listens on port+1 again (the freed slot).
            int victim = ports.Single(kv => kv.Value == port + 1).Key;
            var respawned = new TaskCompletionSource<WorkerRespawn>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var _ = manager.Respawns.Subscribe(r => respawned.TrySetResult(r));
            Processes.Signal(victim, Processes.SIGKILL);
            var respawn = await respawned.Task.WaitAsync(TimeSpan.FromSeconds(20));
            var replacement = Assert.IsType<Worker>(respawn.Replacement);
            await Processes.UntilAsync(() => servers.Find(replacement) is not null, TimeSpan.FromSeconds(10), "the replacement's WebRtcServer");
            var replacementDump = await servers.Get(replacement).DumpAsync();
            Assert.Equal(port + 1, Assert.Single(replacementDump.UdpSockets).Port);
            Assert.Equal(2, servers.All.Count);

            // Transports can use the server.
            await using var router = await replacement.CreateRouterAsync();
            await using var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = servers.Get(replacement) });
            Assert.Equal(port + 1, Assert.Single(transport.IceCandidates).Port);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_WebRtcServer_port_in_use_fails_the_host_start_and_closes_the_workers_it_started()
    {
        int port = 48000 + Random.Shared.Next(0, 1000);
        var settings = new Dictionary<string, string?>
        {
            ["NumWorkers"] = "1",
            ["WebRtcServer:ListenInfos:0:Protocol"] = "udp",
            ["WebRtcServer:ListenInfos:0:Ip"] = "127.0.0.1",
            ["WebRtcServer:ListenInfos:0:Port"] = port.ToString(),
        };
        using var first = TestHosts.Build(settings);
        await first.StartAsync();
        try
        {
            var capture = new CapturingLoggerProvider();
            using var second = TestHosts.Build(settings, b => b.Logging.AddProvider(capture).SetMinimumLevel(LogLevel.Debug));

            var e = await Assert.ThrowsAnyAsync<MediasoupException>(() => second.StartAsync());
            Assert.Contains(port.ToString(), e.Message, StringComparison.Ordinal);
            Assert.False(second.Services.GetRequiredService<MediasoupHostedService>().IsRunning);
            // The second host's worker was started, then closed when its server failed.
            var started = Assert.Single(capture.Entries, x => x.Message.StartsWith("worker process running", StringComparison.Ordinal));
            int pid = int.Parse(started.Message[(started.Message.IndexOf("pid:", StringComparison.Ordinal) + 4)..^1]);
            Assert.True(await Processes.WaitUntilGoneAsync(pid, TimeSpan.FromSeconds(10)), $"worker {pid} left");
        }
        finally
        {
            await first.StopAsync();
        }
    }

    [Fact]
    public async Task DTLS_files_the_worker_cannot_load_fail_the_host_start_with_the_workers_message_and_leave_no_worker()
    {
        string notPem = Path.GetTempFileName(); // exists (passes validation), but is no PEM: only the worker can tell
        File.WriteAllText(notPem, "not a certificate");
        try
        {
            using var host = TestHosts.Build(new Dictionary<string, string?>
            {
                ["NumWorkers"] = "1",
                ["WorkerSettings:DtlsCertificateFile"] = notPem,
                ["WorkerSettings:DtlsPrivateKeyFile"] = notPem,
            });
            // mediasoup-worker 3.27.1 aborts on unreadable DTLS files (not exit code 42); its stderr is in the message.
            var e = await Assert.ThrowsAsync<MediasoupException>(() => host.StartAsync());
            Assert.Contains("error reading DTLS certificate and private key PEM files", e.Message, StringComparison.Ordinal);
            Assert.False(host.Services.GetRequiredService<MediasoupHostedService>().IsRunning);
            Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<WorkerManager>());
        }
        finally
        {
            File.Delete(notPem);
        }
    }

    [Fact]
    public async Task A_stop_whose_shutdown_timeout_has_passed_returns_at_once_and_the_workers_still_exit()
    {
        var capture = new CapturingLoggerProvider();
        using var host = TestHosts.Build(new Dictionary<string, string?> { ["NumWorkers"] = "2" }, b => b.Logging.AddProvider(capture));
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<WorkerManager>();
        int[] pids = manager.Workers.Items.Select(w => w.Pid).ToArray();

        var stopwatch = Stopwatch.StartNew();
        await host.StopAsync(new CancellationToken(canceled: true));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"stop took {stopwatch.Elapsed}");

        Assert.True(manager.IsClosed);
        foreach (int pid in pids)
            Assert.True(await Processes.WaitUntilGoneAsync(pid, TimeSpan.FromSeconds(10)), $"worker {pid} left");
        Assert.Contains(capture.Entries, e => e.Category == "RxMediasoup.Hosting" && e.Level == LogLevel.Warning
            && e.Message.Contains("still closing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SIGTERM_stops_a_host_process_with_exit_code_0_and_no_worker_left()
    {
        string app = Path.Combine(AppContext.BaseDirectory, "RxMediasoup.Hosting.TestApp.dll");
        var start = new ProcessStartInfo("dotnet", [app, "--Mediasoup:NumWorkers=2"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = new List<string>();
        int[] pids = [];
        try
        {
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))) is not null)
            {
                output.Add(line);
                if (line.StartsWith("WORKERS ", StringComparison.Ordinal))
                {
                    pids = line["WORKERS ".Length..].Split(',').Select(int.Parse).ToArray();
                    break;
                }
            }
            Assert.True(pids.Length == 2, "no WORKERS line: " + string.Join("\n", output));
            Assert.All(pids, pid => Assert.True(Processes.IsWorker(pid), $"{pid} is {Processes.Comm(pid)}"));

            Processes.Signal(process.Id, Processes.SIGTERM);
            var rest = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            output.AddRange((await rest).Split('\n'));

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {string.Join("\n", output)}\n{await process.StandardError.ReadToEndAsync()}");
            Assert.Contains("STOPPED", output);
            Assert.Contains(output, l => l.Contains("mediasoup workers closed", StringComparison.Ordinal));
            foreach (int pid in pids)
                Assert.True(await Processes.WaitUntilGoneAsync(pid, TimeSpan.FromSeconds(2)), $"worker {pid} left after SIGTERM");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            foreach (int pid in pids)
                if (Processes.IsWorker(pid)) Processes.Signal(pid, Processes.SIGKILL);
        }
    }

    private sealed class Probe(IServiceProvider services) : IHostedService
    {
        public bool WorkersRunningWhenStarted { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            WorkersRunningWhenStarted = services.GetRequiredService<MediasoupHostedService>().IsRunning;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
