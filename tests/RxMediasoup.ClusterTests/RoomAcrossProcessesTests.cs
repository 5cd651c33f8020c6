using System.Diagnostics;
using RxMediasoup.BrowserTesting;
using RxMediasoup.RoomTests;
using Xunit.Abstractions;

namespace RxMediasoup.ClusterTests;

/// <summary>
/// Two samples/Room processes joined through a real redis-server, a headless Chromium peer on each: one room across
/// both (media through a cross-process pipe, chat, the active speaker), then one process killed.
/// </summary>
[Trait("Category", "Browser")]
public sealed class RoomAcrossProcessesTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task APeerOnEachProcessDecodesTheOtherAndSeesItLeaveWhenItsProcessIsKilled()
    {
        await using var cluster = await RoomClusterProcesses.StartAsync(2, output);
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var roomId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var alice = await RoomPage.OpenAsync(chromium, cluster.Rooms[0].BaseUrl, roomId, "alice");
        var bob = await RoomPage.OpenAsync(chromium, cluster.Rooms[1].BaseUrl, roomId, "bob");
        var opened = Stopwatch.StartNew();

        // Media: each decodes the other's video and receives the other's audio, through the pipe between the processes.
        // 30 s instead of the single process's 20 s: the first consumer of a remote producer also sets up the pipe.
        var first = TimeSpan.FromSeconds(30);
        await Media.WaitReceivingAsync(alice, ["bob"], first);
        await Media.WaitReceivingAsync(bob, ["alice"], first - opened.Elapsed);
        cluster.Log($"both receive each other {opened.Elapsed.TotalSeconds:0.0} s after the second page opened");
        await Media.AssertGrowingAsync(alice, ["bob"], output);
        await Media.AssertGrowingAsync(bob, ["alice"], output);
        Assert.Equal(["bob"], (await alice.StateAsync()).Peers.Select(p => p.PeerId));
        Assert.Equal(["alice"], (await bob.StateAsync()).Peers.Select(p => p.PeerId));

        // Chat (a data producer piped across) in both directions, exactly once.
        foreach (var (from, to) in new[] { (alice, bob), (bob, alice) })
        {
            var text = $"hi from {from.PeerId} {Guid.NewGuid():N}"[..30];
            await from.SendChatAsync(text);
            var state = await to.WaitForStateAsync(s => s.Chat.Any(m => m.Text == text), TimeSpan.FromSeconds(10), $"chat '{text}'");
            Assert.Equal(from.PeerId, Assert.Single(state.Chat, m => m.Text == text).From);
        }

        // The active speaker crosses too: the one peer whose microphone is on is shown on both pages (reported by its
        // own process to the room grain). Twice, so that a page stuck on one value cannot pass.
        foreach (var (speaker, silent) in new[] { (bob, alice), (alice, bob) })
        {
            await speaker.SetTrackEnabledAsync("audio", true);
            await silent.SetTrackEnabledAsync("audio", false); // a disabled track sends silence
            var started = Stopwatch.StartNew();
            // 30 s: the single-process test's bound (the dominant-speaker algorithm rebuilds its history after a change).
            try
            {
                foreach (var page in new[] { alice, bob })
                    await page.WaitForStateAsync(s => s.ActiveSpeaker == speaker.PeerId, TimeSpan.FromSeconds(30), $"{speaker.PeerId} active speaker");
            }
            catch (TimeoutException)
            {
                // Where it stopped: what each process's worker reported (counted as the reader parses them) and its pages.
                foreach (var room in cluster.Rooms)
                    cluster.Log($"{room.BaseUrl} notifications: {await NotificationCountsAsync(room)}");
                cluster.Log($"bob's page: {await bob.StateAsync()}");
                throw;
            }
            cluster.Log($"{speaker.PeerId} shown as active speaker on both pages after {started.Elapsed.TotalSeconds:0.0} s");
        }

        // bob's process dies (SIGKILL to its group: no goodbye to the cluster): alice's page shows him gone within 30 s.
        var killed = Stopwatch.StartNew();
        Assert.True(LinuxProcesses.SignalGroup(cluster.Rooms[1].ProcessGroup, LinuxProcesses.SIGKILL), "kill room 2");
        await alice.WaitForStateAsync(s => s.Peer("bob") is null, TimeSpan.FromSeconds(30), "bob gone after his process was killed");
        var departure = killed.Elapsed;
        await cluster.WaitActiveSilosAsync(1, TimeSpan.FromSeconds(30));
        cluster.Log($"bob's departure shown {departure.TotalSeconds:0.0} s after the kill; the cluster (client's view) lists one silo by {killed.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(await alice.PeerElementsAsync());
        var after = await alice.StateAsync();
        Assert.True(after.Joined, "alice stays in the room: " + after);
        Assert.Equal(0, after.Reconnects);
        Assert.Equal(["alice"], await BadInputTests.MembersAsync(cluster, roomId));

        // Nothing of bob's is left on the surviving process: its pipe transport towards the dead one closed.
        await Eventually.WaitAsync(() => TransportsAsync(cluster.Rooms[0], "PipeTransport"), n => n == 0, TimeSpan.FromSeconds(15),
            "room 1 has no pipe transport left");
        await alice.CloseAsync();
        await bob.CloseAsync();
    }

    /// <summary>The Room process's notification counts by entity and event (a failure's context).</summary>
    private static async Task<string> NotificationCountsAsync(SampleProcess room)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = room.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
            var scrape = RoomServerTests.PrometheusScrape.Parse(await http.GetStringAsync("/metrics"));
            return string.Join(", ", scrape.Samples.Where(s => s.Name.Contains("notifications")).Select(s => $"{s.Name}{{{string.Join(",", s.Labels.Select(l => l.Key + "=" + l.Value))}}}={s.Value}"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return "(unreachable: " + e.Message + ")";
        }
    }

    /// <summary>The Room process's <c>rxmediasoup_transports</c> gauge for one transport type (from <c>/metrics</c>).</summary>
    private static async Task<double> TransportsAsync(SampleProcess room, string type)
    {
        using var http = new HttpClient { BaseAddress = room.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        var scrape = RoomServerTests.PrometheusScrape.Parse(await http.GetStringAsync("/metrics"));
        return scrape.Named("rxmediasoup_transports").Where(s => s["rxmediasoup_transport_type"] == type).Sum(s => s.Value);
    }
}
