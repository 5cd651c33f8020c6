using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel.Native;
using RxMediasoup.Tests.Workers;

namespace RxMediasoup.Tests.Channel;

/// <summary>The channel against a real worker: concurrency, limits, death, timeouts, process hygiene.</summary>
public class ChannelTests
{
    [Fact]
    public async Task ThousandConcurrentRequestsAllComplete()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var requests = Enumerable.Range(0, 1000).Select(_ => worker.DumpAsync()).ToArray();
        var dumps = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(dumps, d => Assert.Equal(TestWorkerMode.DumpPid(worker), d.Pid));
        Assert.Equal(0, worker.Diagnostics.PendingRequests);
    }

    [Fact]
    public async Task OversizeOutgoingMessageFailsAtOnceAndTheChannelStillWorks()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var tooBig = new string('x', RxMediasoup.Channel.WorkerChannel.MessageMaxLength);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => WorkerTests.RawUpdateLogLevel(worker, tooBig));
        Assert.Contains("request too big", e.Message);
        Assert.Contains(RxMediasoup.Channel.WorkerChannel.MessageMaxLength.ToString(), e.Message);
        Assert.Equal(0, worker.Diagnostics.PendingRequests);

        // A message just under the limit goes through the framing and the worker answers it (with its TypeError).
        var big = new string('y', RxMediasoup.Channel.WorkerChannel.MessageMaxLength - 1024);
        await Assert.ThrowsAsync<ArgumentException>(() => WorkerTests.RawUpdateLogLevel(worker, big));
        Assert.Equal(TestWorkerMode.DumpPid(worker), (await worker.DumpAsync()).Pid);
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task SigkillWithHundredsOfRequestsInFlightFaultsAllOfThemWithinOneSecond()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        // Freeze the worker so that every request stays in flight.
        Processes.Signal(worker.Pid, 19 /* SIGSTOP */);
        var requests = Enumerable.Range(0, 200).Select(_ => (Task)worker.DumpAsync())
            .Concat(Enumerable.Range(0, 50).Select(_ => (Task)worker.GetResourceUsageAsync()))
            .ToArray();
        await Task.Delay(100);
        Assert.Equal(250, worker.Diagnostics.PendingRequests);

        var stopwatch = Stopwatch.StartNew();
        TestWorkerMode.Kill(worker);
        await Task.WhenAny(Task.WhenAll(requests), Task.Delay(TimeSpan.FromSeconds(1)));
        stopwatch.Stop();
        Assert.All(requests, r => Assert.True(r.IsCompleted, "a request was still pending 1 s after SIGKILL"));
        Assert.All(requests, r => Assert.IsType<WorkerClosedException>(r.Exception?.InnerException));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed}");

        var death = await worker.Died.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5));
        Assert.Equal(LibC.SIGKILL, death.Signal);
        Assert.True(worker.HasDied);
        await Assert.ThrowsAsync<WorkerClosedException>(() => worker.DumpAsync());
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task ARequestTheWorkerDoesNotAnswerTimesOut()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        Processes.Signal(worker.Pid, 19 /* SIGSTOP */);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<TimeoutException>(() => worker.DumpAsync());
            Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        }
        finally
        {
            Processes.Signal(worker.Pid, 18 /* SIGCONT */);
        }
        // The late response is dropped; the channel keeps working.
        Assert.Equal(TestWorkerMode.DumpPid(worker), (await worker.DumpAsync()).Pid);
        Assert.Equal(0, worker.Diagnostics.PendingRequests);
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task CancellingAPendingRequestCancelsItAndTheChannelKeepsWorking()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        Processes.Signal(worker.Pid, 19 /* SIGSTOP */);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.DumpAsync(cts.Token));
            Assert.Equal(0, worker.Diagnostics.PendingRequests);
        }
        finally
        {
            Processes.Signal(worker.Pid, 18 /* SIGCONT */);
        }
        Assert.Equal(TestWorkerMode.DumpPid(worker), (await worker.DumpAsync()).Pid);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.DumpAsync(new CancellationToken(true)));
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task TheHostsExitLeavesNoWorkerBehindAndTheWorkerHasItsOwnProcessGroup()
    {
        string hostDll = Path.Combine(AppContext.BaseDirectory, "RxMediasoup.TestHost.dll");
        var start = new ProcessStartInfo("dotnet", [hostDll]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var host = Process.Start(start)!;
        int workerPid = 0;
        try
        {
            string? line = await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(line);
            Assert.StartsWith("WORKER ", line);
            workerPid = int.Parse(line["WORKER ".Length..]);
            Assert.True(Processes.IsAlive(workerPid));
            // Own process group: a Ctrl+C in the host's terminal (sent to the host's group) does not reach it.
            Assert.NotEqual(Processes.ProcessGroup(host.Id), Processes.ProcessGroup(workerPid));
            Assert.Equal(workerPid, Processes.ProcessGroup(workerPid));

            host.Kill(); // SIGKILL: no managed cleanup runs in the host
            await host.WaitForExitAsync();
            Assert.True(await Processes.WaitUntilGoneAsync(workerPid, TimeSpan.FromSeconds(5)),
                $"worker {workerPid} outlived its host");
        }
        finally
        {
            if (!host.HasExited) host.Kill();
            if (workerPid > 0 && Processes.IsAlive(workerPid)) Processes.Signal(workerPid, LibC.SIGKILL);
        }
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task WorkerLogsAndStartupFailuresReachLogging()
    {
        var logs = new CapturingLoggerFactory();
        await using (var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings
        {
            LogLevel = WorkerLogLevel.Debug,
            LogTags = [WorkerLogTag.Info],
            LoggerFactory = logs,
        }))
        {
            await worker.DumpAsync();
            Assert.Contains(logs.Entries, e => e.Category == "RxMediasoup.Worker" && e.Level == LogLevel.Debug
                && e.Message.Contains($"worker[pid:{worker.Pid}]"));
        }
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task SettingsTheWorkerRejectsExitWithCode42AndSurfaceAsArgumentException()
    {
        // A FIFO passes the library's existence check; only the worker finds it is not a regular file, and
        // exits with code 42 (its "wrong settings" code).
        string garbage = Path.Combine(Path.GetTempPath(), $"rxms-fifo-{Guid.NewGuid():N}");
        using (var mkfifo = Process.Start("mkfifo", garbage)) await mkfifo.WaitForExitAsync();
        Assert.True(File.Exists(garbage));
        try
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => RxMediasoup.Worker.CreateAsync(new WorkerSettings
            {
                DtlsCertificateFile = garbage,
                DtlsPrivateKeyFile = garbage,
            }));
            Assert.Contains("42", e.Message);
        }
        finally
        {
            File.Delete(garbage);
        }
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task ABinaryThatIsNotAWorkerFailsStartupWithItsExitCode()
    {
        var e = await Assert.ThrowsAsync<MediasoupException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { WorkerBin = "/bin/false" }));
        Assert.Contains("code:1", e.Message);

        string notExecutable = Path.GetTempFileName();
        try
        {
            var spawn = await Assert.ThrowsAsync<MediasoupException>(() =>
                RxMediasoup.Worker.CreateAsync(new WorkerSettings { WorkerBin = notExecutable }));
            Assert.Contains("failed to spawn", spawn.Message);
        }
        finally
        {
            File.Delete(notExecutable);
        }
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task AWorkerThatNeverReportsRunningTimesOutAndIsKilled()
    {
        // A process that never writes WORKER_RUNNING on fd 4.
        string script = Path.Combine(Path.GetTempPath(), $"rxms-silent-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho \"$$\" > \"$0.pid\"\nexec sleep 30\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var e = await Assert.ThrowsAsync<TimeoutException>(() => RxMediasoup.Worker.CreateAsync(new WorkerSettings
            {
                WorkerBin = script,
                StartupTimeout = TimeSpan.FromMilliseconds(500),
            }));
            Assert.Contains("did not report it was running", e.Message);
            int pid = int.Parse(File.ReadAllText(script + ".pid").Trim());
            Assert.False(Processes.IsAlive(pid), "the silent process was not killed");
        }
        finally
        {
            File.Delete(script);
            File.Delete(script + ".pid");
        }
    }

    [Fact]
    public async Task CloseIsIdempotentAndConcurrentCallsShareOneCompletion()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        var closes = Enumerable.Range(0, 8).Select(_ => Task.Run(() => worker.CloseAsync())).ToArray();
        await Task.WhenAll(closes).WaitAsync(TimeSpan.FromSeconds(10));
        await worker.DisposeAsync();
        Assert.True(worker.IsSubprocessClosed);
        Assert.False(Processes.IsAlive(worker.Pid));
        int closedCount = 0;
        worker.Closed.Subscribe(_ => closedCount++);
        Assert.Equal(1, closedCount); // replayed once to a late subscriber
    }
}
