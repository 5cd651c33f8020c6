using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using RxMediasoup.Samples.Room;
using Xunit.Abstractions;

namespace RxMediasoup.RoomServerTests;

/// <summary>
/// samples/Room as deployed: <c>dotnet publish -c Release</c> into a temporary folder, the folder moved elsewhere, started
/// as <c>dotnet Room.dll</c> in the Production environment from a directory outside the repository. It serves its own
/// page and settings (not the repository's), reports Healthy, exports RxMediasoup's series on <c>/metrics</c> in
/// Prometheus format, and exits 0 on SIGTERM with no worker left.
/// </summary>
public sealed class PublishedRoomTests(ITestOutputHelper output) : IDisposable
{
    private const int SigTerm = 15;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rxmediasoup-published-room-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task APublishedRoomMovedOutOfTheRepositoryServesItsPageHealthAndPrometheusMetricsAndExitsZeroOnSigTerm()
    {
        string repo = RepositoryRoot();
        string publishDir = Path.Combine(_dir.FullName, "publish");
        var publishing = Stopwatch.StartNew();
        await PublishAsync(Path.Combine(repo, "samples", "Room", "Room.csproj"), publishDir);
        output.WriteLine($"dotnet publish: {publishing.Elapsed.TotalSeconds:0.0} s");
        string moved = Path.Combine(_dir.FullName, "deployed", "room");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(publishDir, moved);

        // The published copy differs from the repository's: a marker in its page, and in its appsettings.json a worker
        // count that is not the default (one per core), so that both show they were read from the published folder.
        string marker = $"<!-- published copy {Guid.NewGuid():N} -->";
        File.AppendAllText(Path.Combine(moved, "wwwroot", "index.html"), marker);
        int numWorkers = Environment.ProcessorCount >= 3 ? 2 : 3;
        SetNumWorkers(Path.Combine(moved, "appsettings.json"), numWorkers);

        string workingDirectory = Directory.CreateDirectory(Path.Combine(_dir.FullName, "cwd")).FullName;
        Assert.False(workingDirectory.StartsWith(repo + "/", StringComparison.Ordinal), "the working directory must be outside the repository");
        var starting = Stopwatch.StartNew();
        await using var room = await RoomProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
        }, workingDirectory: workingDirectory, oneWorker: false, roomDll: Path.Combine(moved, "Room.dll"));
        var startup = starting.Elapsed;
        using var http = new HttpClient { BaseAddress = room.BaseUrl };

        var health = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Contains(marker, await http.GetStringAsync("/"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(moved, "wwwroot", "dist", "page.js")), await http.GetByteArrayAsync("/dist/page.js"));
        var workers = room.WorkerPids();
        Assert.Equal(numWorkers, workers.Count);

        // A peer in a room: a router (with its active-speaker observer) and a WebRTC transport.
        var (peer, _) = await SignallingClient.JoinAsync(room.WebSocketUrl, "metrics", "alice");
        await using (peer)
        {
            Assert.True((bool?)(await peer.RequestAsync("createWebRtcTransport", new { direction = "send" }))["ok"]);
            var scrape = await ScrapeUntilAsync(http, s => s.Named("rxmediasoup_transports").Count > 0);
            AssertLibrarySeries(scrape, workers);

            var clock = Stopwatch.StartNew();
            room.Signal(SigTerm);
            // The Room's shutdown timeout (6 s) bounds the stop; 2 s more for the runtime to exit on a loaded 2-core
            // machine (measured: ~3 s in all, most of it the 3 s the Room gives the peer to answer its close frame).
            var bound = RoomServer.ShutdownTimeout + TimeSpan.FromSeconds(2);
            await room.Process.WaitForExitAsync().WaitAsync(bound + TimeSpan.FromSeconds(5));
            Assert.Equal(0, room.Process.ExitCode);
            Assert.True(clock.Elapsed < bound, $"exit took {clock.Elapsed}");
            output.WriteLine($"started in {startup.TotalSeconds:0.0} s; scrape {scrape.Text.Length} bytes, {scrape.Samples.Count} samples; SIGTERM → exit 0 in {clock.Elapsed.TotalSeconds:0.00} s");
        }
        foreach (int pid in workers)
            Assert.False(File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Contains("mediasoup", StringComparison.Ordinal), $"worker {pid} is still running");
        LifecycleTests.AssertNoStackTrace(room.OutputText);
    }

    /// <summary>The series OpenTelemetry's Prometheus exporter makes of the RxMediasoup meter, with plausible values.</summary>
    private static void AssertLibrarySeries(PrometheusScrape scrape, IReadOnlyList<int> workerPids)
    {
        string Context() => scrape.Text;
        // Up-down counters are gauges; a {curly} unit is an annotation (no suffix), "s" becomes _seconds, "By" _bytes,
        // counters get _total, histograms _bucket/_sum/_count; every series carries otel_scope_name.
        Assert.True(scrape.Types.GetValueOrDefault("rxmediasoup_workers") == "gauge", Context());
        Assert.Equal("histogram", scrape.Types.GetValueOrDefault("rxmediasoup_channel_request_duration_seconds"));
        Assert.Equal("counter", scrape.Types.GetValueOrDefault("rxmediasoup_worker_cpu_time_seconds_total"));
        Assert.Equal("gauge", scrape.Types.GetValueOrDefault("rxmediasoup_worker_memory_usage_bytes"));
        Assert.All(scrape.Samples.Where(s => s.Name.StartsWith("rxmediasoup_", StringComparison.Ordinal)), s => Assert.Equal("RxMediasoup", s["otel_scope_name"]));

        Assert.Equal(workerPids.Count, Assert.Single(scrape.Named("rxmediasoup_workers")).Value);
        Assert.Equal(1, Assert.Single(scrape.Named("rxmediasoup_routers")).Value);
        var transports = Assert.Single(scrape.Named("rxmediasoup_transports"));
        Assert.Equal(("WebRtcTransport", 1.0), (transports["rxmediasoup_transport_type"], transports.Value));
        var observers = Assert.Single(scrape.Named("rxmediasoup_rtp_observers"));
        Assert.Equal(("ActiveSpeakerObserver", 1.0), (observers["rxmediasoup_rtp_observer_type"], observers.Value));

        // One observation per request: one router created, one transport created, each answered "ok".
        double Count(string method) => scrape.Named("rxmediasoup_channel_request_duration_seconds_count")
            .Where(s => s["method"] == method && s["outcome"] == "ok").Sum(s => s.Value);
        Assert.Equal(1, Count("WORKER_CREATE_ROUTER"));
        Assert.Equal(1, Count("ROUTER_CREATE_WEBRTCTRANSPORT"));
        var infBucket = scrape.Named("rxmediasoup_channel_request_duration_seconds_bucket").Single(s => s["method"] == "WORKER_CREATE_ROUTER" && s["le"] == "+Inf");
        Assert.Equal(1, infBucket.Value);
        double sum = scrape.Named("rxmediasoup_channel_request_duration_seconds_sum").Single(s => s["method"] == "WORKER_CREATE_ROUTER").Value;
        Assert.InRange(sum, 1e-6, 5); // a real round trip: more than a microsecond, less than the request timeout

        // Per worker process: resident memory (a started worker holds several MB) and CPU time by mode.
        var memory = scrape.Named("rxmediasoup_worker_memory_usage_bytes");
        Assert.Equal(workerPids.Order(), memory.Select(s => int.Parse(s["rxmediasoup_worker_pid"]!, System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.All(memory, s => Assert.InRange(s.Value, 1 << 20, 1L << 32));
        var cpu = scrape.Named("rxmediasoup_worker_cpu_time_seconds_total");
        Assert.Equal(2 * workerPids.Count, cpu.Count);
        Assert.All(cpu, s => Assert.InRange(s.Value, 0, 3600));

        // ASP.NET Core's and the runtime's meters are on in appsettings.json; the target names the service.
        Assert.Contains(scrape.Samples, s => s.Name == "http_server_request_duration_seconds_count" && s["http_route"] == "/health");
        Assert.Contains(scrape.Samples, s => s.Name == "dotnet_gc_heap_total_allocated_bytes_total" && s.Value > 0);
        Assert.Equal("rxmediasoup-room", Assert.Single(scrape.Named("target_info"))["service_name"]);
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds (the exporter caches a response for 300 ms), 10 s at most.</summary>
    private static async Task<PrometheusScrape> ScrapeUntilAsync(HttpClient http, Func<PrometheusScrape, bool> ready)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var response = await http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
            var scrape = PrometheusScrape.Parse(await response.Content.ReadAsStringAsync());
            if (ready(scrape)) return scrape;
            if (clock.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("the scrape never got there:\n" + scrape.Text);
            await Task.Delay(200);
        }
    }

    private static void SetNumWorkers(string appsettings, int count)
    {
        var json = JsonNode.Parse(File.ReadAllText(appsettings), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        json["Mediasoup"]!["NumWorkers"] = count;
        File.WriteAllText(appsettings, json.ToJsonString());
    }

    /// <summary>The repository the Room was built from (recorded in Room.dll).</summary>
    private static string RepositoryRoot() =>
        typeof(RoomServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RxMediasoupRepository").Value!.TrimEnd('/');

    /// <summary><c>dotnet publish -c Release -o <paramref name="output"/></c>, without build servers (no process outlives it).</summary>
    private static async Task PublishAsync(string project, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (string arg in (string[])["publish", project, "-c", "Release", "-o", output, "--disable-build-servers", "-nologo", "-v", "q", "-clp:ErrorsOnly"])
            start.ArgumentList.Add(arg);
        // The test host runs under `dotnet test`: its MSBuild variables must not leak into this separate build.
        foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish did not finish in 4 minutes:\n{await stdout}{await stderr}");
        }
        Assert.True(process.ExitCode == 0, $"dotnet publish failed ({process.ExitCode}):\n{await stdout}{await stderr}");
        Assert.True(File.Exists(Path.Combine(output, "wwwroot", "dist", "page.js")), "the page bundle was not published");
    }
}
