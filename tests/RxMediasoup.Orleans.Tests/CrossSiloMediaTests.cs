using System.Diagnostics;
using RxMediasoup.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;
using static RxMediasoup.Orleans.Tests.Infrastructure.ClusterFixture;

namespace RxMediasoup.Orleans.Tests;

/// <summary>Media across three silos: a producer on silo 1 consumed on silos 2 and 3 through one pipe pair per silo pair.</summary>
[Collection(SharedClusterCollection.Name)]
public sealed class CrossSiloMediaTests(ClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ProducerOnSilo1ReachesConsumersOnSilos2And3ThroughOnePipePairPerSiloPair()
    {
        const string room = "media-room";
        var (s1, s2, s3) = (Rooms(fixture.Silo(0)), Rooms(fixture.Silo(1)), Rooms(fixture.Silo(2)));
        await s1.JoinAsync(room, "alice");
        await s2.JoinAsync(room, "bob");
        await s3.JoinAsync(room, "carol");

        var router1 = await s1.GetRouterAsync(room);
        var send = await router1.CreateDirectTransportAsync();
        var producer = (DirectProducer)await send.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = Rtp.Parameters });
        await s1.PublishAsync(room, "alice", producer);

        // The directory reaches every silo's change-set stream.
        foreach (var rooms in new[] { s2, s3 })
        {
            var seen = new TaskCompletionSource();
            using var sub = rooms.Producers(room).Subscribe(set =>
            {
                if (set.Any(c => c.Reason == EntityChangeReason.Add && c.Key == producer.Id)) seen.TrySetResult();
            });
            await seen.Task.WaitAsync(Timeout);
        }

        var setup = Stopwatch.StartNew();
        var (consumer2, recv2) = await ConsumeAsync(s2, room, producer.Id);
        var pipeSetup = setup.Elapsed;
        setup.Restart();
        var (consumer3, recv3) = await ConsumeAsync(s3, room, producer.Id);
        var secondPipeSetup = setup.Elapsed;
        var (local1, recv1) = await ConsumeAsync(s1, room, producer.Id); // the same silo: no pipe, the latency baseline
        Assert.Equal(producer.Id, consumer2.ProducerId);

        using var c1 = new RtpCounter(local1);
        using var c2 = new RtpCounter(consumer2);
        using var c3 = new RtpCounter(consumer3);
        const int n = 250;
        for (int i = 0; i < n; i++)
        {
            producer.Send(Rtp.Packet(i));
            await Task.Delay(4);
        }
        // Delivery is asynchronous (UDP between workers): wait for the counts to settle, at most the timeout.
        await Wait.UntilAsync(() => c2.Count >= n && c3.Count >= n, TimeSpan.FromSeconds(3), "every packet").ContinueWith(_ => { });
        output.WriteLine($"packets sent {n}: silo1 (local) {c1.Count}, silo2 {c2.Count}, silo3 {c3.Count}");
        output.WriteLine($"pipe setup incl. consumer (first, cold grains): {pipeSetup.TotalMilliseconds:F1} ms, (second silo): " +
                         $"{secondPipeSetup.TotalMilliseconds:F1} ms; median one-way delay local " +
                         $"{c1.MedianDelayMs:F2} ms, via pipe silo2 {c2.MedianDelayMs:F2} ms, silo3 {c3.MedianDelayMs:F2} ms");
        Assert.True(c2.Count >= n * 95 / 100, $"silo 2 counted {c2.Count} of {n}");
        Assert.True(c3.Count >= n * 95 / 100, $"silo 3 counted {c3.Count} of {n}");

        // One pipe transport pair per silo pair: router 1 has one towards each other router, each of them one.
        var router2 = await s2.GetRouterAsync(room);
        var router3 = await s3.GetRouterAsync(room);
        Assert.Equal(2, await PipeTransportCountAsync(router1));
        Assert.Equal(1, await PipeTransportCountAsync(router2));
        Assert.Equal(1, await PipeTransportCountAsync(router3));

        // A second consumer on silo 2 reuses the pair and the pipe producer.
        var pipeProducer = router2.GetProducer(producer.Id);
        var (second, recv2b) = await ConsumeAsync(s2, room, producer.Id);
        Assert.Same(pipeProducer, router2.GetProducer(second.ProducerId));
        Assert.Equal(2, await PipeTransportCountAsync(router1));
        Assert.Equal(1, await PipeTransportCountAsync(router2));
        var pipe1 = (await router1.DumpAsync()).TransportIds.Select(id => router1.Transports.Lookup(id)).OfType<PipeTransport>().ToList();
        Assert.Equal(2, pipe1.Sum(p => p.Consumers.Count)); // one pipe consumer per remote router, not per consumer

        // Pause and resume of the original reach the remote consumers; closing it closes them as a local close does.
        var paused2 = consumer2.ProducerPaused.Where(p => p).FirstAsync().ToTask();
        var paused3 = consumer3.ProducerPaused.Where(p => p).FirstAsync().ToTask();
        await producer.PauseAsync();
        Assert.True(await paused2.WaitAsync(Timeout));
        Assert.True(await paused3.WaitAsync(Timeout));
        // The directory (on every silo) shows it paused.
        await s3.Producers(room).Where(set => set.Any(c => c.Reason == EntityChangeReason.Add && c.Key == producer.Id && c.Current.Paused))
            .FirstAsync().ToTask().WaitAsync(Timeout);
        var resumed3 = consumer3.ProducerPaused.Where(p => !p).FirstAsync().ToTask(); // replays true first: waits for the resume
        await producer.ResumeAsync();
        Assert.False(await resumed3.WaitAsync(Timeout));

        var closed2 = consumer2.Closed.FirstAsync().ToTask();
        var closed3 = consumer3.Closed.FirstAsync().ToTask();
        var closedLocal = local1.Closed.FirstAsync().ToTask();
        await producer.CloseAsync();
        var localReason = await closedLocal.WaitAsync(Timeout);
        Assert.Equal(localReason, await closed2.WaitAsync(Timeout));
        Assert.Equal(localReason, await closed3.WaitAsync(Timeout));
        Assert.Equal(CloseReason.ProducerClosed, localReason);
        await Wait.UntilAsync(() => router2.GetProducer(producer.Id) is null && router3.GetProducer(producer.Id) is null, Timeout, "pipe producers closed");
        await Wait.UntilAsync(() => pipe1.All(p => p.Consumers.Count == 0), Timeout, "pipe consumers closed");

        foreach (var t in new Transport[] { send, recv1, recv2, recv2b, recv3 }) await t.CloseAsync();
        await s1.LeaveAsync(room, "alice");
        await s2.LeaveAsync(room, "bob");
        await s3.LeaveAsync(room, "carol");
    }

    private static async Task<(Consumer, DirectTransport)> ConsumeAsync(IMediasoupRooms rooms, string room, string producerId)
    {
        var router = await rooms.GetRouterAsync(room);
        var local = await rooms.GetConsumableProducerAsync(room, producerId);
        var transport = await router.CreateDirectTransportAsync();
        var consumer = await transport.ConsumeAsync(new ConsumerOptions { ProducerId = local.Id, RtpCapabilities = router.RtpCapabilities });
        return (consumer, transport);
    }

    internal static async Task<int> PipeTransportCountAsync(Router router)
        => (await router.DumpAsync()).TransportIds.Count(id => router.Transports.Lookup(id) is PipeTransport);
}
