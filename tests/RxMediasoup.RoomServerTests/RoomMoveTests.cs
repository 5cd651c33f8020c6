using System.Net.WebSockets;
using System.Text.RegularExpressions;

namespace RxMediasoup.RoomServerTests;

/// <summary>The room's worker dies: its peers are told and disconnected (to reconnect), the room lives on another worker.
/// A peer leaving returns the library's handler and subscriber counters to where they were.</summary>
public sealed class RoomMoveTests
{
    [Fact(Timeout = 90_000)]
    public async Task WhenTheRoomsWorkerIsKilledPeersAreToldAndRejoinTheRoomOnALiveWorker()
    {
        await using var room = await RoomProcess.StartAsync(extraArgs: ["--workers", "2"]);
        var (alice, _) = await SignallingClient.JoinAsync(room.WebSocketUrl, "moving", "alice");
        await using (alice)
        {
            Assert.True((bool?)(await alice.RequestAsync("createWebRtcTransport", new { direction = "send" }))["ok"]);
            int pid = int.Parse(await WaitForLineAsync(room, @"room moving created on router \S+ \(worker pid (\d+)\)"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains(pid, room.WorkerPids());

            Assert.Equal(0, Kill(pid, 9));
            // Told first (roomMoved), then the socket is closed with 4001 so that the page reconnects.
            var moved = await alice.ReceiveAsync(TimeSpan.FromSeconds(10));
            while (moved is not null && (string?)moved["notification"] != "roomMoved") moved = await alice.ReceiveAsync(TimeSpan.FromSeconds(10));
            Assert.NotNull(moved);
            Assert.Equal((WebSocketCloseStatus)4001, await alice.WaitForCloseAsync(TimeSpan.FromSeconds(10)));

            int newPid = int.Parse(await WaitForLineAsync(room, @"room moving moved to router \S+ \(worker pid (\d+)\)"), System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(pid, newPid);
            Assert.Contains(newPid, room.WorkerPids());
        }
        var (again, _) = await SignallingClient.JoinAsync(room.WebSocketUrl, "moving", "alice");
        await using (again)
            Assert.True((bool?)(await again.RequestAsync("createWebRtcTransport", new { direction = "send" }))["ok"]);
        Assert.False(room.Process.HasExited);
        LifecycleTests.AssertNoStackTrace(room.OutputText);
    }

    [Fact(Timeout = 90_000)]
    public async Task APeerLeavingClosesItsTransportsAndTheLibraryCountersReturnToWhereTheyWere()
    {
        await using var room = await RoomProcess.StartAsync();
        var counters = new List<string>();
        foreach (string peer in new[] { "first", "second", "third" })
        {
            var (client, reply) = await SignallingClient.JoinAsync(room.WebSocketUrl, "counters", peer);
            await using (client)
            {
                foreach (string direction in new[] { "send", "recv", "recv" })
                    Assert.True((bool?)(await client.RequestAsync("createWebRtcTransport", new { direction }))["ok"]);
                string recv = (string)(await client.RequestAsync("createWebRtcTransport", new { direction = "recv" }))["data"]!["id"]!;
                var consuming = await client.RequestAsync("startConsuming", new System.Text.Json.Nodes.JsonObject
                {
                    ["transportId"] = recv,
                    ["rtpCapabilities"] = reply["data"]!["routerRtpCapabilities"]!.DeepClone(),
                });
                Assert.True((bool?)consuming["ok"], consuming.ToJsonString());
            }
            counters.Add(await WaitForLineAsync(room, $@"peer {peer}@counters left \(.*\); diagnostics (handlers=\d+ subscribers=\d+)"));
        }
        // The first peer's departure sets the baseline (the room's router and observer stay); the others return to it.
        Assert.Equal(counters[0], counters[1]);
        Assert.Equal(counters[0], counters[2]);
    }

    private static async Task<string> WaitForLineAsync(RoomProcess room, string pattern)
    {
        var regex = new Regex(pattern);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            foreach (string line in room.Output)
            {
                var match = regex.Match(line);
                if (match.Success) return match.Groups[1].Value;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no line matching {pattern}; output:\n{room.OutputText}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
