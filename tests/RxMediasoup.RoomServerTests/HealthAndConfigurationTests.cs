using System.Diagnostics;
using System.Net;

namespace RxMediasoup.RoomServerTests;

/// <summary>
/// The Room's workers come from RxMediasoup.Hosting: <c>/health</c> reports them (Healthy with workers, Unhealthy with
/// none), the <c>Mediasoup</c> configuration (appsettings.json, environment variables) sets them and <c>--workers</c>
/// wins over it, and a bad setting stops the Room at start with a message naming it — not a stack trace.
/// </summary>
public sealed class HealthAndConfigurationTests
{
    private const string NoListeningLine = "listening on";

    [Fact(Timeout = 90_000)]
    public async Task HealthIsHealthyWithWorkersAndUnhealthyOnceNoWorkerIsAlive()
    {
        // Respawn off (an environment variable over appsettings.json): the killed worker is not replaced.
        await using var room = await RoomProcess.StartAsync(new Dictionary<string, string?> { ["Mediasoup__Respawn__Enabled"] = "false" });
        using var http = new HttpClient { BaseAddress = room.BaseUrl };
        var healthy = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", await healthy.Content.ReadAsStringAsync());

        var worker = Assert.Single(room.WorkerPids());
        Assert.Equal(0, Kill(worker, 9));
        var deadline = Stopwatch.StartNew();
        HttpResponseMessage health;
        while ((health = await http.GetAsync("/health")).StatusCode != HttpStatusCode.ServiceUnavailable && deadline.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(100);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", await health.Content.ReadAsStringAsync());
        Assert.False(room.Process.HasExited);
    }

    [Fact(Timeout = 90_000)]
    public async Task TheWorkerCountComesFromConfigurationAndTheWorkersSwitchWinsOverIt()
    {
        var twoWorkers = new Dictionary<string, string?> { ["Mediasoup__NumWorkers"] = "2" };
        await using (var configured = await RoomProcess.StartAsync(twoWorkers, oneWorker: false))
            Assert.Equal(2, configured.WorkerPids().Count);
        await using (var switched = await RoomProcess.StartAsync(twoWorkers, oneWorker: true))
            Assert.Single(switched.WorkerPids());
    }

    [Fact(Timeout = 60_000)]
    public async Task AnUnknownLogTagInConfigurationStopsTheRoomAtStartWithAMessageNamingTheSetting()
    {
        var (exitCode, output) = await RunToExitAsync(new Dictionary<string, string?> { ["Mediasoup__WorkerSettings__LogTags__0"] = "bogus" });
        Assert.NotEqual(0, exitCode);
        Assert.Contains("error: Mediasoup:WorkerSettings:LogTags[0]: unknown log tag 'bogus' (known: info, ice, dtls", output);
        Assert.DoesNotContain(NoListeningLine, output);
        LifecycleTests.AssertNoStackTrace(output);
    }

    [Fact(Timeout = 60_000)]
    public async Task ABadWorkersSwitchStillStopsTheRoomWithExitCodeTwo()
    {
        var (exitCode, output) = await RunToExitAsync(null, "--workers", "0");
        Assert.Equal(2, exitCode);
        Assert.Contains("error: --workers must be a positive integer, not '0'", output);
        Assert.DoesNotContain(NoListeningLine, output);
        LifecycleTests.AssertNoStackTrace(output);
    }

    /// <summary>Runs <c>dotnet Room.dll --urls http://127.0.0.1:0 …</c> until it exits by itself (45 s at most).</summary>
    internal static async Task<(int ExitCode, string Output)> RunToExitAsync(IDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in (string[])[RoomProcess.RoomDll, "--urls", "http://127.0.0.1:0", .. args]) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(45));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        string output = await stdout + await stderr;
        return (process.ExitCode, output);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
