using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using RxMediasoup.Samples.Room;

namespace RxMediasoup.RoomServerTests;

/// <summary>
/// The Room's <c>Metrics</c> settings (checked before anything starts; off removes the exporter) and its content root
/// (a published folder is its own, wherever it was moved; a build output uses the recorded project directory).
/// </summary>
public sealed class RoomMetricsOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rxmediasoup-content-root-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact(Timeout = 60_000)]
    public async Task AScrapePathTakenByTheRoomStopsItAtStartWithExitCodeTwoAndTheSettingNamed()
    {
        var (exitCode, output) = await HealthAndConfigurationTests.RunToExitAsync(new Dictionary<string, string?> { ["Metrics__Path"] = "/health" });
        Assert.Equal(2, exitCode);
        Assert.Contains("error: Metrics:Path: '/health' is the Room's own /health", output);
        Assert.DoesNotContain("listening on", output);
        LifecycleTests.AssertNoStackTrace(output);
    }

    [Fact(Timeout = 60_000)]
    public async Task WithRequireHostTheScrapeIsServedOnlyOnThatPort()
    {
        int metricsPort = FreeLoopbackPort();
        // The second --urls wins over RoomProcess's own: the random port first (the URL line's), then the metrics port.
        await using var room = await RoomProcess.StartAsync(new Dictionary<string, string?> { ["Metrics__RequireHost__0"] = $"*:{metricsPort}" },
            extraArgs: ["--urls", $"http://127.0.0.1:0;http://127.0.0.1:{metricsPort}"]);
        Assert.NotEqual(metricsPort, room.BaseUrl.Port);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(room.BaseUrl, "/metrics"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(room.BaseUrl, "/health"))).StatusCode);
        var scrape = await http.GetAsync($"http://127.0.0.1:{metricsPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("rxmediasoup_workers{", await scrape.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("metrics", "'metrics' must be an absolute path such as /metrics")]
    [InlineData("/", "'/' must be an absolute path such as /metrics")]
    [InlineData("/dist/metrics", "'/dist/metrics' is the Room's own /dist")]
    [InlineData("/WS", "'/WS' is the Room's own /ws")]
    [InlineData("/health/metrics", "'/health/metrics' is the Room's own /health")]
    public void BadPathsAreRefusedWithTheirReason(string path, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new RoomMetricsOptions { Path = path }.Validate());
        Assert.Equal($"Metrics:Path: {reason}", error.Message);
        new RoomMetricsOptions { Path = path, Enabled = false }.Validate(); // off: the path does not matter
    }

    [Fact]
    public void TheMetersAreRxMediasoupsThenTheSwitchedOnOnesThenTheConfiguredOnes()
    {
        Assert.Equal(["RxMediasoup", .. RoomMetricsOptions.AspNetCoreMeters, "System.Runtime", "Mine.*"], new RoomMetricsOptions { Meters = ["Mine.*"] }.MeterNames());
        Assert.Equal(["RxMediasoup"], new RoomMetricsOptions { AspNetCore = false, Runtime = false }.MeterNames());
    }

    [Fact]
    public async Task MetricsOffRegistersNoMeterProviderAndOnRegistersOne()
    {
        await using (var off = RoomServer.Build(RoomServer.CreateBuilder(["--Metrics:Enabled=false"])))
            Assert.Null(off.Services.GetService<MeterProvider>());
        await using (var on = RoomServer.Build(RoomServer.CreateBuilder([])))
            Assert.NotNull(on.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void APublishedFolderIsItsOwnContentRootElseTheRecordedProjectDirectoryElseTheBaseDirectory()
    {
        string published = Page("published");
        string project = Page("project");
        string bare = Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin")).FullName;
        Assert.Equal(published, RoomServer.ContentRoot(published, project));    // dotnet publish, moved anywhere
        Assert.Equal(project, RoomServer.ContentRoot(bare, project));           // build output: dotnet run, dotnet Room.dll
        Assert.Equal(bare, RoomServer.ContentRoot(bare, Path.Combine(_dir.FullName, "gone"))); // recorded directory deleted
        Assert.Equal(bare, RoomServer.ContentRoot(bare, null));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string Page(string name)
    {
        string dir = Path.Combine(_dir.FullName, name);
        Directory.CreateDirectory(Path.Combine(dir, "wwwroot"));
        File.WriteAllText(Path.Combine(dir, "wwwroot", "index.html"), "<!doctype html>");
        return dir;
    }
}
