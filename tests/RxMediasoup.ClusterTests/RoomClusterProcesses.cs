using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using RxMediasoup.BrowserTesting;
using RxMediasoup.Orleans;
using Xunit.Abstractions;

namespace RxMediasoup.ClusterTests;

/// <summary>
/// A redis-server and samples/Room processes started with <c>--cluster redis=…</c> (one worker each), plus an Orleans
/// client of the same cluster (through the same Redis) for what the tests ask the cluster directly. Disposing stops
/// every Room process (throwing if a worker is left), the client and Redis (throwing if it outlived its stop).
/// </summary>
public sealed class RoomClusterProcesses : IAsyncDisposable
{
    /// <summary>The Room processes' <c>--cluster-id</c> (any id works; the client must use the same).</summary>
    public const string ClusterId = "room-cluster-tests";

    private readonly ITestOutputHelper _output;
    private readonly List<SampleProcess> _rooms = [];
    private IHost? _client;

    private RoomClusterProcesses(RedisServer redis, ITestOutputHelper output)
    {
        Redis = redis;
        _output = output;
    }

    public RedisServer Redis { get; }

    public IReadOnlyList<SampleProcess> Rooms => _rooms;

    /// <summary>The Orleans client (connected once <see cref="StartAsync"/> returned).</summary>
    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("no client yet");

    /// <summary>Starts Redis and <paramref name="count"/> Room processes one after the other, then waits until the client sees them all active.</summary>
    public static async Task<RoomClusterProcesses> StartAsync(int count, ITestOutputHelper output)
    {
        var cluster = new RoomClusterProcesses(await RedisServer.StartAsync(), output);
        try
        {
            for (var i = 0; i < count; i++)
                await cluster.StartRoomAsync($"room{i + 1}");
            await cluster.ConnectClientAsync();
            await cluster.WaitActiveSilosAsync(count, TimeSpan.FromSeconds(30));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartRoomAsync(string name)
    {
        var room = await SampleProcess.StartAsync(new SampleProcessOptions
        {
            AssemblyPath = RoomTests.RoomFixture.RoomAssemblyPath, // ROOM_ASSEMBLY or the embedded build path
            Arguments = ["--workers", "1", "--cluster", $"redis={Redis.Endpoint}", "--cluster-id", ClusterId],
            Log = line => Log($"[{name}] {line}"),
            // The room package's debug trail (each snapshot applied, the active speaker's path): a few lines per change,
            // shown with a failing test's output.
            Environment = new Dictionary<string, string> { ["Logging__LogLevel__RxMediasoup.Orleans"] = "Debug" },
        });
        _rooms.Add(room);
        Log($"{name}: pid {room.Pid}, {room.BaseUrl}, started in {room.StartupTime.TotalSeconds:0.0} s");
    }

    private async Task ConnectClientAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseMediasoupRedisClustering(Redis.Endpoint);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = ClusterId;
                o.ServiceId = "rxmediasoup-room";
            });
        });
        _client = builder.Build();
        await _client.StartAsync();
    }

    /// <summary>Waits until the cluster lists exactly <paramref name="count"/> active silos; how long it took.</summary>
    public async Task<TimeSpan> WaitActiveSilosAsync(int count, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        var management = Client.GetGrain<IManagementGrain>(0);
        while (true)
        {
            Dictionary<SiloAddress, SiloStatus>? hosts = null;
            try
            {
                hosts = await management.GetHosts(onlyActive: true);
            }
            catch (Exception e) when (e is global::Orleans.Runtime.SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
            {
                // the gateway the client used is the silo that just died: ask again
            }
            if (hosts?.Count == count)
                return stopwatch.Elapsed;
            if (stopwatch.Elapsed > timeout)
                throw new TimeoutException($"the cluster did not show {count} active silos within {timeout.TotalSeconds:0} s: {string.Join(", ", hosts?.Keys.Select(k => k.ToString()) ?? ["(no answer)"])}");
            await Task.Delay(250);
        }
    }

    public void Log(string line)
    {
        try
        {
            _output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
        }
        catch (InvalidOperationException)
        {
            // the test has finished
        }
    }

    public async ValueTask DisposeAsync()
    {
        var errors = new List<Exception>();
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
            catch (Exception e) when (e is OperationCanceledException or global::Orleans.Runtime.SiloUnavailableException)
            {
                // a stopped cluster: nothing to say goodbye to
            }
            _client.Dispose();
        }
        foreach (var room in _rooms)
        {
            bool killed = room.HasExited;
            try
            {
                // Ctrl+C: it leaves the cluster and stops cleanly (exit code 0, no stack trace); throws if a worker is left.
                var exit = await room.StopAsync(TimeSpan.FromSeconds(15));
                await room.DisposeAsync();
                if (!killed && (exit.ExitCode != 0 || exit.Forced || RoomTests.RoomFixture.StackTraceLines(room.Output).Count > 0))
                    errors.Add(new InvalidOperationException($"Room pid {room.Pid} did not stop cleanly (exit code {exit.ExitCode}, forced {exit.Forced}):\n{room.OutputText}"));
            }
            catch (InvalidOperationException e)
            {
                errors.Add(e);
            }
        }
        try
        {
            await Redis.DisposeAsync();
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e);
        }
        if (errors.Count > 0)
            throw new AggregateException("the cluster's processes were not all gone", errors);
    }
}
