using Orleans.Runtime;
using RxMediasoup.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;
using static RxMediasoup.Orleans.Tests.Infrastructure.ClusterFixture;

namespace RxMediasoup.Orleans.Tests;

/// <summary>The room grain across silos: membership and directory streams, placement, typed errors, rebuild, data.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class RoomDirectoryTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MembershipIsAChangeSetStreamOnEverySilo()
    {
        const string room = "membership-room";
        var (s1, s2, s3) = (Rooms(fixture.Silo(0)), Rooms(fixture.Silo(1)), Rooms(fixture.Silo(2)));
        // Silo 3's view: the members after each change set it got. The grain pushes versioned snapshots in the background
        // and a silo applies only newer ones, so a snapshot overtaken by a later one is skipped and its change arrives
        // folded into the next set: the views are a subsequence of the grain's states, in order, ending at its last.
        var views = new List<string[]>();
        var members = new Dictionary<string, SiloAddress>();
        using var sub = s3.Peers(room).Subscribe(set =>
        {
            lock (views)
            {
                foreach (var c in set)
                    if (c.Reason == EntityChangeReason.Remove) members.Remove(c.Key);
                    else members[c.Key] = c.Current.Silo;
                if (set.Count > 0) views.Add([.. members.Keys.Order()]);
            }
        });
        await s1.JoinAsync(room, "p1");
        await s2.JoinAsync(room, "p2");
        await s1.LeaveAsync(room, "p1");
        string[][] states = [[], ["p1"], ["p1", "p2"], ["p2"]];
        await Wait.UntilAsync(() => { lock (views) return views.Count > 0 && views[^1].SequenceEqual(states[^1]); }, Timeout, "silo 3 seeing p2 alone");
        lock (views)
        {
            int at = 0;
            foreach (var view in views)
            {
                while (at < states.Length && !states[at].SequenceEqual(view)) at++;
                Assert.True(at < states.Length, $"silo 3 saw [{string.Join(", ", view)}], not a later state of the room (views: " +
                    string.Join(" → ", views.Select(v => "[" + string.Join(", ", v) + "]")) + ")");
            }
            Assert.Equal(fixture.Silo(1).SiloAddress, members["p2"]);
        }

        // A late subscriber gets the silo's current members as one snapshot (all adds). Silo 1 applied the grain's answer
        // to its own LeaveAsync before it returned (read-your-writes), whatever the background pushes are doing: p2 alone.
        var first = await s1.Peers(room).FirstAsync();
        Assert.All(first, c => Assert.Equal(EntityChangeReason.Add, c.Reason));
        Assert.Equal(["p2"], first.Select(c => c.Key));
        await s2.LeaveAsync(room, "p2");
    }

    [Fact]
    public async Task BadInputAcrossTheClusterGetsTypedErrorsNamingTheField()
    {
        var grains = fixture.Cluster.GrainFactory;
        var unknown = await Assert.ThrowsAsync<RoomNotFoundException>(() => grains.GetRoom("no-such-room").GetAsync());
        Assert.Equal(("no-such-room", "roomId"), (unknown.RoomId, unknown.Field));

        const string room = "errors-room";
        var (s1, s2) = (Rooms(fixture.Silo(0)), Rooms(fixture.Silo(1)));
        await s1.JoinAsync(room, "dup");
        var duplicate = await Assert.ThrowsAsync<DuplicatePeerException>(() => s2.JoinAsync(room, "dup"));
        Assert.Equal(("dup", "peerId"), (duplicate.PeerId, duplicate.Field));

        var missing = await Assert.ThrowsAsync<ProducerNotFoundException>(() => s2.GetConsumableProducerAsync(room, "no-such-producer"));
        Assert.Equal(("no-such-producer", "producerId"), (missing.ProducerId, missing.Field));

        var router = await s2.GetRouterAsync(room);
        var transport = await router.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = Rtp.Parameters });
        var stranger = await Assert.ThrowsAsync<PeerNotFoundException>(() => s2.PublishAsync(room, "stranger", producer));
        Assert.Equal("peerId", stranger.Field);
        var elsewhere = await Assert.ThrowsAsync<ArgumentException>(() => s1.PublishAsync(room, "dup", producer));
        Assert.Equal("producer", elsewhere.ParamName);
        await transport.CloseAsync();
        await s1.LeaveAsync(room, "dup");
        await Assert.ThrowsAsync<RoomNotFoundException>(() => grains.GetRoom(room).LeaveAsync("dup"));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public async Task ANewRoomsRouterGoesToTheLeastLoadedSilo(int target)
    {
        // Load every other silo's worker with more routers than the target's (the router count is the worker load).
        var extra = new List<Router>();
        int targetLoad = Worker(fixture.Silo(target)).Routers.Count;
        for (int i = 0; i < 3; i++)
        {
            if (i == target) continue;
            while (Worker(fixture.Silo(i)).Routers.Count <= targetLoad) extra.Add(await Manager(fixture.Silo(i)).CreateRouterAsync());
        }
        output.WriteLine($"loads {string.Join(", ", Enumerable.Range(0, 3).Select(i => Worker(fixture.Silo(i)).Routers.Count))}; target silo {target + 1}");
        var home = await fixture.Cluster.GrainFactory.GetRoom($"placement-room-{target}").GetHomeRouterAsync();
        Assert.Equal(fixture.Silo(target).SiloAddress, home.Silo);
        Assert.NotNull(Worker(fixture.Silo(target)).Routers.Lookup(home.RouterId));
        foreach (var router in extra) await router.CloseAsync();
        await Worker(fixture.Silo(target)).Routers.Lookup(home.RouterId)!.CloseAsync();
    }

    [Fact]
    public async Task AReactivatedRoomGrainRebuildsTheSameDirectoryFromTheSilos()
    {
        const string room = "rebuild-room";
        var rooms = Enumerable.Range(0, 3).Select(i => Rooms(fixture.Silo(i))).ToArray();
        var transports = new List<Transport>();
        for (int i = 0; i < 3; i++)
        {
            await rooms[i].JoinAsync(room, $"peer{i}");
            if (i == 2) continue;
            var transport = await (await rooms[i].GetRouterAsync(room)).CreateDirectTransportAsync();
            transports.Add(transport);
            await rooms[i].PublishAsync(room, $"peer{i}", await transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = Rtp.Parameters }));
            await rooms[i].PublishAsync(room, $"peer{i}", await transport.ProduceDataAsync(new DataProducerOptions { Label = "chat" }));
        }
        var grain = fixture.Cluster.GrainFactory.GetRoom(room);
        var before = await grain.GetAsync();
        Assert.Equal(3, before.Peers.Length);
        Assert.Equal(4, before.Producers.Length);

        var management = fixture.Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
        var stats = await management.GetSimpleGrainStatistics();
        Assert.DoesNotContain(stats, s => s.GrainType.Contains(nameof(RoomGrain)) && s.ActivationCount > 0);

        var after = await grain.GetAsync();
        Assert.Equal(before.Peers.OrderBy(p => p.Id), after.Peers.OrderBy(p => p.Id));
        Assert.Equal(before.Producers.OrderBy(p => p.Id), after.Producers.OrderBy(p => p.Id));

        foreach (var t in transports) await t.CloseAsync();
        for (int i = 0; i < 3; i++) await rooms[i].LeaveAsync(room, $"peer{i}");
    }

    [Fact]
    public async Task DataProducersCrossSilos()
    {
        const string room = "chat-room";
        var (s1, s2) = (Rooms(fixture.Silo(0)), Rooms(fixture.Silo(1)));
        await s1.JoinAsync(room, "writer");
        await s2.JoinAsync(room, "reader");
        var send = await (await s1.GetRouterAsync(room)).CreateDirectTransportAsync();
        var chat = await send.ProduceDataAsync(new DataProducerOptions { Label = "chat" });
        await s1.PublishAsync(room, "writer", chat);

        var router2 = await s2.GetRouterAsync(room);
        var local = await s2.GetConsumableDataProducerAsync(room, chat.Id);
        Assert.Same(local, await s2.GetConsumableDataProducerAsync(room, chat.Id));
        var recv = await router2.CreateDirectTransportAsync();
        var consumer = await recv.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = local.Id });
        Assert.Equal("chat", consumer.Label);
        var received = consumer.Messages.FirstAsync().ToTask();
        // SCTP between the pipe transports may still be connecting: send until one arrives.
        for (int i = 0; i < 100 && !received.IsCompleted; i++)
        {
            chat.Send("hello across silos");
            await Task.WhenAny(received, Task.Delay(100));
        }
        Assert.Equal("hello across silos", (await received.WaitAsync(Timeout)).Text);

        var closed = consumer.Closed.FirstAsync().ToTask();
        await chat.CloseAsync();
        Assert.Equal(CloseReason.DataProducerClosed, await closed.WaitAsync(Timeout));
        await send.CloseAsync();
        await recv.CloseAsync();
        await s1.LeaveAsync(room, "writer");
        await s2.LeaveAsync(room, "reader");
    }
}
