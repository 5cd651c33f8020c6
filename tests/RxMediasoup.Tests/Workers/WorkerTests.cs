using System.Reactive.Linq;
using RxMediasoup.Channel.Native;

namespace RxMediasoup.Tests.Workers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-Worker.js, against the real worker.</summary>
public class WorkerTests
{
    private static string DataFile(string name) => Path.Combine(AppContext.BaseDirectory, "data", name);

    [Fact]
    [NodeCase("test-Worker.js", "mediasoup.workerBin matches mediasoup-worker absolute path")]
    public void WorkerBinMatchesMediasoupWorkerAbsolutePath()
    {
        string expected = Environment.GetEnvironmentVariable("MEDIASOUP_WORKER_BIN") is { Length: > 0 } fromEnv
            ? Path.GetFullPath(fromEnv)
            : WorkerBinary.CachePath;
        Assert.Equal(expected, WorkerBinary.Locate());
        Assert.True(Path.IsPathRooted(WorkerBinary.Locate()));
        Assert.EndsWith(Path.Combine("mediasoup-worker", MediasoupInfo.WorkerVersion, "mediasoup-worker"), WorkerBinary.CachePath);
    }

    [Fact]
    [NodeCase("test-Worker.js", "mediasoup.createWorker() succeeds")]
    public async Task CreateWorkerSucceeds()
    {
        var worker1 = await RxMediasoup.Worker.CreateAsync();
        Assert.IsType<RxMediasoup.Worker>(worker1);
        Assert.True(worker1.Pid > 0);
        Assert.False(worker1.IsClosed);
        Assert.False(worker1.IsSubprocessClosed);
        Assert.False(worker1.HasDied);
        await worker1.CloseAsync();
        Assert.True(worker1.IsClosed);
        Assert.True(worker1.IsSubprocessClosed);
        Assert.False(worker1.HasDied);

        var worker2 = await RxMediasoup.Worker.CreateAsync(new WorkerSettings
        {
            LogLevel = WorkerLogLevel.Debug,
            LogTags = [WorkerLogTag.Info],
            RtcMinPort = 0,
            RtcMaxPort = 9999,
            DtlsCertificateFile = DataFile("dtls-cert.pem"),
            DtlsPrivateKeyFile = DataFile("dtls-key.pem"),
            LibwebrtcFieldTrials = "WebRTC-Bwe-AlrLimitedBackoff/Disabled/",
            AppData = new Dictionary<string, object?> { ["foo"] = 456 },
        });
        Assert.True(worker2.Pid > 0);
        Assert.False(worker2.IsClosed);
        Assert.False(worker2.IsSubprocessClosed);
        Assert.False(worker2.HasDied);
        Assert.Equal(new Dictionary<string, object?> { ["foo"] = 456 }, worker2.AppData);
        await worker2.CloseAsync();
        Assert.True(worker2.IsClosed);
        Assert.True(worker2.IsSubprocessClosed);
        Assert.False(worker2.HasDied);
    }

    [Fact]
    [NodeCase("test-Worker.js", "mediasoup.createWorker() with wrong settings rejects with TypeError")]
    public async Task CreateWorkerWithWrongSettingsRejectsWithArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { LogLevel = (WorkerLogLevel)99 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { RtcMinPort = 1000, RtcMaxPort = 999 }));
        // Port is from 0 to 65535.
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { RtcMinPort = 1000, RtcMaxPort = 65536 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { DtlsCertificateFile = "/notfound/cert.pem" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { DtlsPrivateKeyFile = "/notfound/priv.pem" }));
        // `appData: 'NOT-AN-OBJECT'` cannot be written in C#: AppData is typed IDictionary<string, object?>.
    }

    [Fact]
    [NodeCase("test-Worker.js", "mediasoup.createWorker() with wrong `workerBin` rejects with Error")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task CreateWorkerWithWrongWorkerBinRejects()
    {
        var e = await Assert.ThrowsAsync<WorkerBinaryNotFoundException>(() =>
            RxMediasoup.Worker.CreateAsync(new WorkerSettings { WorkerBin = "/tmp/foo/mediasoup-worker" }));
        Assert.IsAssignableFrom<MediasoupException>(e);
        Assert.Contains("/tmp/foo/mediasoup-worker", e.Message);
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.updateSettings() succeeds")]
    public async Task UpdateSettingsSucceeds()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        await worker.UpdateSettingsAsync(new WorkerUpdateableSettings { LogLevel = WorkerLogLevel.Debug, LogTags = [WorkerLogTag.Ice] });
        await worker.CloseAsync();
        Assert.True(worker.IsSubprocessClosed);
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.updateSettings() with wrong settings rejects with TypeError")]
    public async Task UpdateSettingsWithWrongSettingsRejectsWithArgumentException()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        // Rejected by the library before it reaches the worker...
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            worker.UpdateSettingsAsync(new WorkerUpdateableSettings { LogLevel = (WorkerLogLevel)99 }));
        // ...and by the worker itself (its TypeError maps to ArgumentException) when sent anyway.
        var e = await Assert.ThrowsAsync<ArgumentException>(() => RawUpdateLogLevel(worker, "chicken"));
        Assert.Contains("chicken", e.Message);
        await worker.CloseAsync();
        Assert.True(worker.IsSubprocessClosed);
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.updateSettings() rejects with WorkerClosedError if closed")]
    public async Task UpdateSettingsRejectsWithWorkerClosedIfClosed()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        await worker.CloseAsync();
        Assert.True(worker.IsSubprocessClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() =>
            worker.UpdateSettingsAsync(new WorkerUpdateableSettings { LogLevel = WorkerLogLevel.Error }));
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.dump() succeeds")]
    public async Task DumpSucceeds()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { WorkerBin = WorkerBinary.Locate() });
        var dump = await worker.DumpAsync();
        Assert.Equal(TestWorkerMode.DumpPid(worker), dump.Pid);
        Assert.Empty(dump.WebRtcServerIds);
        Assert.Empty(dump.RouterIds);
        Assert.Empty(dump.ChannelMessageHandlers.ChannelRequestHandlers);
        Assert.Empty(dump.ChannelMessageHandlers.ChannelNotificationHandlers);
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.dump() rejects with WorkerClosedError if closed")]
    public async Task DumpRejectsWithWorkerClosedIfClosed()
    {
        var worker = await RxMediasoup.Worker.CreateAsync();
        await worker.CloseAsync();
        Assert.True(worker.IsSubprocessClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => worker.DumpAsync());
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.getResourceUsage() succeeds")]
    public async Task GetResourceUsageSucceeds()
    {
        await using var worker = await RxMediasoup.Worker.CreateAsync();
        var usage = await worker.GetResourceUsageAsync();
        Assert.NotNull(usage);
        Assert.True(usage.MaxResidentSetSize > 0, "a running process has a resident set");
        Assert.True(usage.VoluntaryContextSwitches + usage.InvoluntaryContextSwitches > 0);
        await worker.CloseAsync();
        Assert.True(worker.IsSubprocessClosed);
    }

    [Fact]
    [NodeCase("test-Worker.js", "worker.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        var reasons = new List<CloseReason>();
        bool completed = false;
        using var _ = worker.Closed.Subscribe(reasons.Add, () => completed = true);
        await worker.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(completed);
        Assert.True(worker.IsClosed);
        Assert.True(worker.IsSubprocessClosed);
        Assert.False(worker.HasDied);
    }

    [Theory]
    [InlineData(LibC.SIGINT)]
    [InlineData(LibC.SIGTERM)]
    [InlineData(LibC.SIGKILL)]
    [NodeCase("test-Worker.js", "Worker emits \"died\" if mediasoup-worker process died unexpectedly")]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task WorkerEmitsDiedIfProcessDiedUnexpectedly(int signal)
    {
        var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        int onDied = 0, onClosed = 0;
        var died = new TaskCompletionSource<WorkerDeath>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var closedSubscription = worker.Closed.Subscribe(_ => onClosed++);
        using var diedSubscription = worker.Died.Subscribe(death =>
        {
            onDied++;
            if (onClosed > 0) died.TrySetException(new Exception("Closed emitted before Died"));
            else if (!worker.IsClosed) died.TrySetException(new Exception("worker.IsClosed is false"));
            else died.TrySetResult(death);
        });
        Processes.Signal(worker.Pid, signal);
        var death = await died.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(worker.Pid, death.Pid);
        if (signal == LibC.SIGKILL)
            Assert.Equal(LibC.SIGKILL, death.Signal);
        else // the worker handles SIGINT/SIGTERM by closing itself: an exit nobody asked for is still a death
            Assert.True(death.Signal == signal || death.ExitCode is not null, death.ToString());
        // Died fired first (checked in its callback); Closed follows through the worker's delivery queue (a late
        // subscriber gets it replayed at once, possibly before the earlier subscriber's delivery ran: wait for that).
        Assert.Equal(CloseReason.WorkerDied, await worker.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(5)));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref onClosed) == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, onDied);
        Assert.Equal(1, onClosed);
        Assert.True(worker.IsClosed);
        Assert.True(worker.IsSubprocessClosed);
        Assert.True(worker.HasDied);
    }

    [Fact]
    [NodeCase("test-Worker.js", "mediasoup-worker process ignores PIPE, HUP, ALRM, USR1 and USR2 signals")]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task ProcessIgnoresPipeHupAlrmUsr1Usr2()
    {
        var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        WorkerDeath? death = null;
        using var _ = worker.Died.Subscribe(d => death = d);
        foreach (var signal in new[] { LibC.SIGPIPE, LibC.SIGHUP, LibC.SIGALRM, LibC.SIGUSR1, LibC.SIGUSR2 })
            Processes.Signal(worker.Pid, signal);
        await Task.Delay(2000);
        Assert.Null(death);
        Assert.False(worker.IsClosed);
        Assert.False(worker.IsSubprocessClosed);
        Assert.False(worker.HasDied);
        await worker.CloseAsync();
        Assert.True(worker.IsSubprocessClosed);
        Assert.Null(death);
    }

    internal static Task RawUpdateLogLevel(RxMediasoup.Worker worker, string logLevel)
        => worker.Channel.RequestAsync(FBS.Request.Method.WORKER_UPDATE_SETTINGS, null,
            FBS.Request.Body.Worker_UpdateSettingsRequest, logLevel,
            static (b, level) => FBS.Worker.UpdateSettingsRequest.CreateUpdateSettingsRequest(b, b.CreateString(level)).Value,
            RxMediasoup.Protocol.ProtocolHelpers.Accepted);
}
