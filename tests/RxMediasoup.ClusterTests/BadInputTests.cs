using System.Text.Json.Nodes;
using RxMediasoup.BrowserTesting;
using RxMediasoup.Orleans;
using RxMediasoup.RoomServerTests;
using Xunit.Abstractions;

namespace RxMediasoup.ClusterTests;

/// <summary>Bad input across two Room processes of one cluster: typed errors naming the field, from the page's protocol and from the grains.</summary>
[Trait("Category", "Cluster")]
public sealed class BadInputTests(ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task APeerIdTakenOnTheOtherProcessAndAnUnknownRoomAreTypedErrors()
    {
        await using var cluster = await RoomClusterProcesses.StartAsync(2, output);
        var roomId = "bad-" + Guid.NewGuid().ToString("N")[..8];
        var (alice, _) = await SignallingClient.JoinAsync(WebSocketUrl(cluster.Rooms[0]), roomId, "alice");
        await using (alice)
        {
            // The same peer id through the other process: refused there (not a replacement as on one process).
            await using var second = await SignallingClient.ConnectAsync(WebSocketUrl(cluster.Rooms[1]));
            var refused = await second.RequestAsync("join", new { roomId, peerId = "alice" });
            Replies.AssertError(refused, "invalid_value",
                $"data.peerId 'alice' is already in room '{roomId}' on another Room server of the cluster");
            // The socket stays usable: another id joins, and sees alice (a peer of the other process).
            var joined = await second.RequestAsync("join", new { roomId, peerId = "bob" });
            Assert.True((bool?)joined["ok"], joined.ToJsonString());
            await WaitNotificationAsync(second, n => (string?)n["notification"] == "peerJoined" && (string?)n["data"]?["peerId"] == "alice", "bob sees alice");
            await WaitNotificationAsync(alice, n => (string?)n["notification"] == "peerJoined" && (string?)n["data"]?["peerId"] == "bob", "alice sees bob");

            // The room grain, asked by a client of the cluster (through the same Redis): its membership and typed errors.
            var room = cluster.Client.GetRoom(roomId);
            var snapshot = await room.GetAsync();
            Assert.Equal(["alice", "bob"], snapshot.Peers.Select(p => p.Id).Order());
            Assert.NotEqual(snapshot.Peers.Single(p => p.Id == "alice").Silo, snapshot.Peers.Single(p => p.Id == "bob").Silo);
            var duplicate = await Assert.ThrowsAsync<DuplicatePeerException>(() => room.JoinAsync(new RoomPeer("bob", snapshot.Peers[0].Silo)));
            Assert.Equal("peerId", duplicate.Field);
            Assert.Equal(roomId, duplicate.RoomId);
            var unknownId = "never-" + Guid.NewGuid().ToString("N")[..8];
            var unknown = await Assert.ThrowsAsync<RoomNotFoundException>(() => cluster.Client.GetRoom(unknownId).GetAsync());
            Assert.Equal("roomId", unknown.Field);
            Assert.Equal(unknownId, unknown.RoomId);
            var noProducer = await Assert.ThrowsAsync<ProducerNotFoundException>(() => room.ConsumeAsync("no-such-producer", snapshot.Peers[0].Silo, "no-such-router"));
            Assert.Equal("producerId", noProducer.Field);

            // On its own process a reconnecting page still replaces its old socket (code 4000), and the grain keeps one
            // alice there: the old one's leave is done before the new one's join.
            var (again, _) = await SignallingClient.JoinAsync(WebSocketUrl(cluster.Rooms[0]), roomId, "alice");
            await using (again)
            {
                Assert.Equal((System.Net.WebSockets.WebSocketCloseStatus)4000, await alice.WaitForCloseAsync(TimeSpan.FromSeconds(10)));
                var members = await Eventually.WaitAsync(() => room.GetAsync(), s => s.Peers.Length == 2 && s.Peers.Any(p => p.Id == "alice"),
                    TimeSpan.FromSeconds(10), "alice rejoined", s => string.Join(", ", s.Peers.Select(p => $"{p.Id}@{p.Silo}")));
                Assert.Equal(snapshot.Peers.Single(p => p.Id == "alice").Silo, members.Peers.Single(p => p.Id == "alice").Silo);
                await Task.Delay(500); // a late leave of the old socket would take the new alice out within this
                Assert.Equal(["alice", "bob"], await MembersAsync(cluster, roomId));
            }
        }
        // alice's socket closed: she leaves the cluster's room too.
        await Eventually.WaitAsync(() => MembersAsync(cluster, roomId), peers => peers.Count == 0, TimeSpan.FromSeconds(10), "alice and bob left the room grain", peers => string.Join(", ", peers));
    }

    /// <summary>The room grain's members (none once the room has no state: all left).</summary>
    internal static async Task<List<string>> MembersAsync(RoomClusterProcesses cluster, string roomId)
    {
        try
        {
            return (await cluster.Client.GetRoom(roomId).GetAsync()).Peers.Select(p => p.Id).Order().ToList();
        }
        catch (RoomNotFoundException)
        {
            return [];
        }
    }

    internal static Uri WebSocketUrl(SampleProcess room) => new($"ws://127.0.0.1:{room.Port}/ws");

    private static async Task WaitNotificationAsync(SignallingClient client, Func<JsonObject, bool> match, string what)
    {
        // One receive with the whole remaining time: a cancelled receive would abort the socket.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!client.Notifications.Any(match))
        {
            var remaining = deadline - DateTime.UtcNow;
            var message = remaining > TimeSpan.Zero ? await client.ReceiveAsync(remaining) : null;
            if (message is null)
                throw new TimeoutException($"{what}: not within 15 s; notifications: {string.Join(" ", client.Notifications.Select(n => n.ToJsonString()))}");
            if (!message.ContainsKey("ok"))
                client.Notifications.Add(message);
        }
    }
}
