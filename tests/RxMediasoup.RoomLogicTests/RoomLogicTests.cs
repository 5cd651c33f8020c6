using Xunit.Abstractions;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Samples.Room;
using RxMediasoup.Testing;
using static RxMediasoup.RoomLogicTests.RoomHarness;

namespace RxMediasoup.RoomLogicTests;

/// <summary>
/// The Room sample's logic (issue 12 §5) on simulated workers with a TestScheduler: stalls, the active speaker,
/// consumers following their producer's pause, and a worker death moving the room. Each test stays under 500 ms of
/// real time (asserted; the first use of the code's JIT is paid once by <see cref="WarmUp"/>, not by a test).
/// </summary>
public sealed class RoomLogicTests(WarmUp warmUp, ITestOutputHelper output) : IClassFixture<WarmUp>
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void A_stalled_producer_is_announced_after_5_virtual_seconds()
    {
        var h = Create(options: new RoomServerOptions { StallThreshold = TimeSpan.FromSeconds(5), StallPollPeriod = TimeSpan.FromSeconds(1) });
        var room = h.Room();
        var stalls = h.Scheduler.CreateObserver<(string PeerId, bool Stalled)>();
        room.Stalls.Subscribe(stalls);
        var alice = h.Join(room, "alice");
        var bob = h.Join(room, "bob");
        var sim = h.SimulationOf(room);
        long start = h.Scheduler.Clock;
        // Both send 50 packets/s; alice's media stops at 10 s (the count stops growing), bob's never does.
        sim.ScriptStats(alice.Audio, t => [new SimulatedStreamStats(PacketCount: 50 * Math.Min(t.Ticks, 10 * Second) / Second, ByteCount: 0, Bitrate: 32_000)]);
        sim.ScriptStats(bob.Audio, t => [new SimulatedStreamStats(PacketCount: 50 * t.Ticks / Second, ByteCount: 0, Bitrate: 32_000)]);

        h.Scheduler.AdvanceTo(start + 30 * Second);

        var announced = stalls.Messages.Where(m => m.Value.Value.Stalled).ToList();
        var (at, stall) = (Assert.Single(announced).Time, announced[0].Value.Value);
        Assert.Equal("alice", stall.PeerId);
        // The last growth is seen by the poll at or after 10 s (polls every 1 s from when the producer joined): the stall
        // is announced 5 s after that poll, so between 15 s and 16 s (+ the poll's answer tick).
        Assert.InRange(at - start, 15 * Second, 16 * Second + 10);
        Assert.DoesNotContain(stalls.Messages, m => m.Value.Value.PeerId == "bob" && m.Value.Value.Stalled);
        Finish(h);
    }

    [Fact]
    public void The_active_speaker_follows_the_dominant_speaker()
    {
        var h = Create();
        var room = h.Room();
        var observer = h.SimulationOf(room).Created.OfType<ActiveSpeakerObserver>().ToEnumerable().First();
        var speakers = h.Scheduler.CreateObserver<string?>();
        room.ActiveSpeaker.Subscribe(speakers);
        var alice = h.Join(room, "alice");
        var bob = h.Join(room, "bob");
        var carol = h.Join(room, "carol");
        var sim = h.SimulationOf(room);
        long start = h.Scheduler.Clock;
        sim.At(TimeSpan.FromTicks(start + 1 * Second), () => sim.SetDominantSpeaker(observer, bob.Audio));
        sim.At(TimeSpan.FromTicks(start + 2 * Second), () => sim.SetDominantSpeaker(observer, carol.Audio));
        sim.At(TimeSpan.FromTicks(start + 3 * Second), () => sim.SetDominantSpeaker(observer, carol.Audio)); // no change: no notification
        sim.At(TimeSpan.FromTicks(start + 4 * Second), () => sim.SetDominantSpeaker(observer, alice.Audio));

        h.Scheduler.AdvanceTo(start + 5 * Second);

        // null at first; the worker elects the first producer added (alice) at its first 300 ms tick; then the script.
        var changes = speakers.Messages.Select(m => (m.Time - start, m.Value.Value)).ToList();
        Assert.Equal(null, changes[0].Value);
        Assert.Equal(["alice", "bob", "carol", "alice"], changes.Skip(1).Select(c => c.Value));
        Assert.Equal([1 * Second, 2 * Second, 4 * Second], changes.Skip(2).Select(c => c.Item1));
        Finish(h);
    }

    [Fact]
    public void A_peers_consumers_follow_its_producers_pause()
    {
        var h = Create(options: new RoomServerOptions { ConsumerStatsPeriod = TimeSpan.FromSeconds(1) });
        var room = h.Room();
        var alice = h.Join(room, "alice", audio: true, video: true);
        var recv = h.RecvTransport(room);
        var router = room.Router.Value;
        var events = h.Scheduler.CreateObserver<ConsumerEvent>();
        var skipped = new List<string>();
        RoomConsumption.Consume(room, "bob", router, recv, router.RtpCapabilities, h.Options.ConsumerStatsPeriod, (what, _) => skipped.Add(what))
            .Subscribe(events);
        h.Scheduler.AdvanceBy(10);
        var consumers = events.Messages.Where(m => m.Value.Value.Kind == ConsumerEventKind.Added).Select(m => m.Value.Value.Consumer).ToList();
        Assert.Equal([MediaKind.Audio, MediaKind.Video], consumers.Select(c => c.Kind).Order());
        Assert.Empty(skipped);
        h.Run(() => Task.WhenAll(consumers.Select(c => c.ResumeAsync()))); // what the page does once its consumers exist
        long start = h.Scheduler.Clock;

        h.Scheduler.Schedule(TimeSpan.FromSeconds(5), () => _ = Task.WhenAll(alice.Producers.Select(p => p.PauseAsync())));
        h.Scheduler.Schedule(TimeSpan.FromSeconds(10), () => _ = Task.WhenAll(alice.Producers.Select(p => p.ResumeAsync())));
        h.Scheduler.AdvanceTo(start + 15 * Second);

        foreach (var consumer in consumers)
        {
            var paused = events.Messages
                .Where(m => m.Value.Value.Kind == ConsumerEventKind.State && m.Value.Value.Consumer == consumer)
                .Select(m => (At: m.Time - start, m.Value.Value.State!.Paused))
                .ToList();
            paused = [.. paused.Where((s, i) => i == 0 || s.Paused != paused[i - 1].Paused)]; // the changes
            // Resumed (not paused) first; paused at the first sample after 5 s, resumed at the first after 10 s.
            Assert.Equal([false, true, false], paused.Select(p => p.Paused));
            Assert.InRange(paused[1].At, 5 * Second, 6 * Second + 10);
            Assert.InRange(paused[2].At, 10 * Second, 11 * Second + 10);
            Assert.True(consumer.ProducerPaused.Value is false && !consumer.IsClosed);
        }
        Finish(h);
    }

    [Fact]
    public void A_worker_death_moves_the_room_to_a_live_worker()
    {
        var h = Create(workers: 1, options: new RoomServerOptions());
        var room = h.Room();
        var routers = h.Scheduler.CreateObserver<Router>();
        room.Router.Subscribe(routers);
        h.Join(room, "alice");
        var first = room.Router.Value;
        var dead = h.SimulationOf(room);
        long start = h.Scheduler.Clock;

        dead.At(TimeSpan.FromTicks(start + Second), () => dead.Die(signal: 9, exitCode: null));
        h.Scheduler.AdvanceTo(start + 10 * Second);

        Assert.True(first.IsClosed);
        var moved = Assert.Single(routers.Messages.Skip(1));
        Assert.False(moved.Value.Value.IsClosed);
        // The only worker died: the manager replaces it after its 1 s back-off; the room retries every 250 ms meanwhile.
        Assert.InRange(moved.Time - start, 2 * Second, 2 * Second + TimeSpan.FromMilliseconds(250).Ticks + 10);
        var replacement = h.Workers.Simulations[1];
        Assert.Same(replacement, h.SimulationOf(room));
        Assert.Single(replacement.Created.OfType<ActiveSpeakerObserver>().ToEnumerable().Take(1)); // the room is wired again
        Assert.Empty(room.Producers.Items); // alice's producer died with the worker; her page reconnects (roomMoved)
        Assert.Equal(["alice"], room.Peers.Items.Select(p => p.PeerId));
        Finish(h);
    }

    private void Finish(RoomHarness h)
    {
        output.WriteLine($"real time {h.RealTime.TotalMilliseconds:F0} ms (the warm-up took {warmUp.RealTime.TotalMilliseconds:F0} ms)");
        foreach (string line in h.Log.Lines) output.WriteLine(line);
        Assert.True(h.RealTime < Budget, $"took {h.RealTime}");
    }
}
