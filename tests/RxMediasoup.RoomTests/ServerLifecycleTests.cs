using System.Diagnostics;
using RxMediasoup.BrowserTesting;
using Xunit.Abstractions;

namespace RxMediasoup.RoomTests;

/// <summary>The server losing a worker, and the server stopped with Ctrl+C: each test runs its own Room process.</summary>
[Collection(RoomCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class ServerLifecycleTests(RoomFixture fixture, ITestOutputHelper output)
{
    [Fact(Timeout = 150_000)]
    public async Task KillingTheRoomsWorkerMakesEveryPeerDecodeAgainWithinTenSeconds()
    {
        // Two workers whatever the core count: the room needs a live one to move to.
        await using var server = await RoomFixture.StartRoomAsync(output.WriteLine, "--workers", "2");
        await using var peers = new Peers(fixture.Chromium, server.BaseUrl, output);
        var room = Peers.NewRoomId("killed");
        var pages = new[] { await peers.OpenAsync(room, "alice"), await peers.OpenAsync(room, "bob"), await peers.OpenAsync(room, "carol") };
        foreach (var page in pages)
            await Media.WaitReceivingAsync(page, Others(page), Media.FirstMedia);
        var reconnectsBefore = new Dictionary<string, int>();
        foreach (var page in pages)
            reconnectsBefore[page.PeerId] = (await page.StateAsync()).Reconnects;

        var workers = server.Workers();
        Assert.True(workers.Count >= 2, $"the room needs a second worker to move to; the server runs {workers.Count}");
        // The Room logs "room R created on router … (worker pid N)"; without that line, the worker relaying the media.
        var logged = server.Output.Select(l => RoomWorker().Match(l)).FirstOrDefault(m => m.Success && m.Groups[1].Value == room);
        var busiest = logged is not null ? int.Parse(logged.Groups[2].Value) : await BusiestAsync(workers);
        Assert.Contains(workers, w => w.Pid == busiest);
        output.WriteLine($"workers: {string.Join(", ", workers.Select(w => w.Pid))}; killing {busiest} ({(logged is null ? "most CPU while the room's media flows" : "the room's, from its log line")})");

        var killed = Stopwatch.StartNew();
        Assert.True(LinuxProcesses.Signal(busiest, LinuxProcesses.SIGKILL), $"kill {busiest}");
        foreach (var page in pages)
        {
            // The issue's bound: 10 s from the kill until every peer decodes again (re-joined on a live worker).
            var remaining = TimeSpan.FromSeconds(10) - killed.Elapsed;
            await page.WaitForStateAsync(s => s.Joined && s.Reconnects > reconnectsBefore[page.PeerId],
                remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining, "reconnected after the worker died");
            remaining = TimeSpan.FromSeconds(10) - killed.Elapsed;
            await Media.WaitReceivingAsync(page, Others(page), remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining, audio: false);
            output.WriteLine($"{page.PeerId} decodes again {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        }
        Assert.DoesNotContain(server.Workers(), w => w.Pid == busiest);
        if (logged is not null)
        {
            var moved = server.Output.Select(l => RoomMoved().Match(l)).LastOrDefault(m => m.Success && m.Groups[1].Value == room);
            Assert.True(moved is not null, "no 'room … moved to router … (worker pid …)' line");
            Assert.Contains(server.Workers(), w => w.Pid == int.Parse(moved.Groups[2].Value));
        }
        // Over 4 s: right after a re-join the receivers' consumers switch simulcast layers up as the bandwidth estimate
        // ramps, and each switch waits for a key frame from a CPU-starved sender (a 2 s gap was seen once in four runs).
        foreach (var page in pages)
            await Media.AssertGrowingAsync(page, Others(page), output, seconds: 4);
        Assert.Empty(RoomFixture.StackTraceLines(server.Output.Where(l => !l.Contains("mediasoup-worker", StringComparison.Ordinal))));
    }

    [Fact(Timeout = 120_000)]
    public async Task SigintWithPeersConnectedExitsWithCodeZeroWithinTenSecondsAndLeavesNoWorker()
    {
        var launched = Stopwatch.StartNew();
        await using var server = await RoomFixture.StartRoomAsync(output.WriteLine);
        await using var peers = new Peers(fixture.Chromium, server.BaseUrl, output);
        var room = Peers.NewRoomId("sigint");
        var a = await peers.OpenAsync(room, "alice");
        var b = await peers.OpenAsync(room, "bob");
        await Media.WaitReceivingAsync(a, ["bob"], Media.FirstMedia);
        await Media.WaitReceivingAsync(b, ["alice"], Media.FirstMedia);
        output.WriteLine($"URL line {server.StartupTime.TotalSeconds:0.0} s after the process started; both pages decode {launched.Elapsed.TotalSeconds:0.0} s after it");
        var workers = server.Workers();
        Assert.NotEmpty(workers);

        // Ctrl+C on a terminal: SIGINT to the whole process group (the workers are members too).
        var exit = await server.StopAsync(TimeSpan.FromSeconds(10), LinuxProcesses.SIGINT);
        output.WriteLine($"exit code {exit.ExitCode} after {exit.Elapsed.TotalSeconds:0.00} s; forced: {exit.Forced}");
        Assert.False(exit.Forced, "the Room did not exit within 10 s of SIGINT (killed)");
        Assert.Equal(0, exit.ExitCode);
        Assert.True(exit.Elapsed <= TimeSpan.FromSeconds(10));
        Assert.Empty(exit.Leftovers);
        foreach (var worker in workers)
            Assert.True(LinuxProcesses.TryRead(worker.Pid) is null or { State: 'Z' } || LinuxProcesses.TryRead(worker.Pid)!.Name != LinuxProcesses.WorkerName,
                $"worker {worker.Pid} is still running");
        // The sockets were closed: the pages no longer count as joined (they may be trying to reconnect).
        foreach (var page in new[] { a, b })
            await page.WaitForStateAsync(s => !s.Joined, TimeSpan.FromSeconds(5), "not joined once the server is gone");
        Assert.Empty(RoomFixture.StackTraceLines(server.Output));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"room (\S+) created on router \S+ \(worker pid (\d+)\)")]
    private static partial System.Text.RegularExpressions.Regex RoomWorker();

    [System.Text.RegularExpressions.GeneratedRegex(@"room (\S+) moved to router \S+ \(worker pid (\d+)\)")]
    private static partial System.Text.RegularExpressions.Regex RoomMoved();

    private static string[] Others(RoomPage page) => new[] { "alice", "bob", "carol" }.Where(p => p != page.PeerId).ToArray();

    /// <summary>The worker whose CPU time grew most over 2 s: the one relaying the room's media (the others idle).</summary>
    private static async Task<int> BusiestAsync(IReadOnlyList<ProcInfo> workers)
    {
        var before = workers.ToDictionary(w => w.Pid, w => LinuxProcesses.TryRead(w.Pid)?.CpuTicks ?? 0);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var grown = before.Select(kv => (Pid: kv.Key, Ticks: (LinuxProcesses.TryRead(kv.Key)?.CpuTicks ?? 0) - kv.Value)).OrderByDescending(x => x.Ticks).ToList();
        Assert.True(grown[0].Ticks > grown[1].Ticks, $"no worker stands out by CPU: {string.Join(", ", grown)}");
        return grown[0].Pid;
    }
}
