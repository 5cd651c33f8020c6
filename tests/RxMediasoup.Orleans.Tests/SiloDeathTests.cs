using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using RxMediasoup.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;
using static RxMediasoup.Orleans.Tests.Infrastructure.ClusterFixture;

namespace RxMediasoup.Orleans.Tests;

/// <summary>A silo killed (not stopped): the survivors close what served it and the room forgets it (its own cluster).</summary>
public sealed class SiloDeathTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    /// <summary>The bound for a death to show (membership is tuned to declare it in a few seconds).</summary>
    private static readonly TimeSpan DeathBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AKilledSilosPipesConsumersAndPeersGoFromTheSurvivorsAndNothingIsLeftBehind()
    {
        const string room = "death-room";
        // The handles, taken before the kill (the cluster's list drops a killed silo).
        var (silo1, silo2, silo3) = (fixture.Silo(0), fixture.Silo(1), fixture.Silo(2));
        var (s1, s2, s3) = (Rooms(silo1), Rooms(silo2), Rooms(silo3));
        await s1.JoinAsync(room, "a");
        await s3.JoinAsync(room, "c");

        // What silos 1 and 3 serve without silo 2: a producer on 1 consumed on 3 (pipe 1↔3), receive transports.
        var router1 = await s1.GetRouterAsync(room);
        var router3 = await s3.GetRouterAsync(room);
        var send1 = await router1.CreateDirectTransportAsync();
        var p1 = await send1.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = Rtp.Parameters });
        await s1.PublishAsync(room, "a", p1);
        var recv1 = await router1.CreateDirectTransportAsync();
        var recv3 = await router3.CreateDirectTransportAsync();
        var c13 = await recv3.ConsumeAsync(new ConsumerOptions { ProducerId = (await s3.GetConsumableProducerAsync(room, p1.Id)).Id, RtpCapabilities = router3.RtpCapabilities });
        var peers1 = new List<(EntityChangeReason Reason, string Key)>();
        using var peersSub = s1.Peers(room).Subscribe(set => { lock (peers1) peers1.AddRange(set.Select(c => (c.Reason, c.Key))); });
        await Task.Delay(200); // let the deliveries of the setup drain before the baseline (it is compared exactly below)
        var baseline1 = Worker(silo1).Diagnostics;
        var baseline3 = Worker(silo3).Diagnostics;

        // Silo 2 takes part: its producer consumed on 1 and 3, silo 1's producer consumed on 2.
        await s2.JoinAsync(room, "b");
        var router2 = await s2.GetRouterAsync(room);
        var send2 = await router2.CreateDirectTransportAsync();
        var p2 = await send2.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = Rtp.Parameters });
        await s2.PublishAsync(room, "b", p2);
        var c21 = await recv1.ConsumeAsync(new ConsumerOptions { ProducerId = (await s1.GetConsumableProducerAsync(room, p2.Id)).Id, RtpCapabilities = router1.RtpCapabilities });
        var c23 = await recv3.ConsumeAsync(new ConsumerOptions { ProducerId = (await s3.GetConsumableProducerAsync(room, p2.Id)).Id, RtpCapabilities = router3.RtpCapabilities });
        var recv2 = await router2.CreateDirectTransportAsync();
        await recv2.ConsumeAsync(new ConsumerOptions { ProducerId = (await s2.GetConsumableProducerAsync(room, p1.Id)).Id, RtpCapabilities = router2.RtpCapabilities });
        Assert.Equal(2, await CrossSiloMediaTests.PipeTransportCountAsync(router1));
        Assert.Equal(2, await CrossSiloMediaTests.PipeTransportCountAsync(router3));
        var closed21 = c21.Closed.FirstAsync().ToTask();
        var closed23 = c23.Closed.FirstAsync().ToTask();

        var killed = Stopwatch.StartNew();
        await fixture.Cluster.KillSiloAsync(silo2);
        var killReturned = killed.Elapsed;
        var reason1 = await closed21.WaitAsync(DeathBound);
        var detected = killed.Elapsed;
        var reason3 = await closed23.WaitAsync(DeathBound);
        output.WriteLine($"KillSiloAsync returned after {killReturned.TotalSeconds:F2} s");
        output.WriteLine($"silo killed → its producer's consumers closed on silo 1 after {detected.TotalSeconds:F2} s, silo 3 after {killed.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(CloseReason.ProducerClosed, reason1);
        Assert.Equal(CloseReason.ProducerClosed, reason3);

        // The pipes to silo 2 are gone on both survivors; the 1↔3 pair and its consumer stay.
        await Wait.UntilAsync(() => router1.Transports.Items.OfType<PipeTransport>().Count() == 1
                                    && router3.Transports.Items.OfType<PipeTransport>().Count() == 1, Timeout, "the pipes to silo 2 closed");
        Assert.Equal(1, await CrossSiloMediaTests.PipeTransportCountAsync(router1));
        Assert.Equal(1, await CrossSiloMediaTests.PipeTransportCountAsync(router3));
        Assert.False(c13.IsClosed);

        var membership = Services(silo1).GetRequiredService<IClusterMembershipService>();
        var dead = silo2.SiloAddress;
        await Wait.UntilAsync(() => membership.CurrentSnapshot.GetSiloStatus(dead) == SiloStatus.Dead, DeathBound, "silo 2 declared dead");
        output.WriteLine($"silo 2 declared dead {killed.Elapsed.TotalSeconds:F2} s after the kill");

        // Membership and directory drop silo 2's peer and producer on every survivor.
        await Wait.UntilAsync(() => { lock (peers1) return peers1.Contains((EntityChangeReason.Remove, "b")); }, Timeout, "peer b removed on silo 1");
        var directory = await s3.Producers(room).FirstAsync().ToTask().WaitAsync(Timeout);
        Assert.Equal([p1.Id], directory.Select(c => c.Key));
        var lost = await Assert.ThrowsAsync<ProducerSiloUnavailableException>(() => s1.GetConsumableProducerAsync(room, p2.Id));
        Assert.Equal("producerId", lost.Field);
        output.WriteLine($"membership dropped the dead silo's peer {killed.Elapsed.TotalSeconds:F2} s after the kill");

        // Nothing left behind: the survivors' workers are back to their counts before silo 2 took part.
        await Wait.UntilAsync(() => Worker(silo1).Diagnostics == baseline1 && Worker(silo3).Diagnostics == baseline3,
            Timeout, $"diagnostics back to {baseline1} / {baseline3} (now {Worker(silo1).Diagnostics} / {Worker(silo3).Diagnostics})");

        peersSub.Dispose();
        foreach (var t in new Transport[] { send1, recv1, recv3 }) await t.CloseAsync();
    }
}
