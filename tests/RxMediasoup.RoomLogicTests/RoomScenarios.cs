using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Samples.Room;
using RxMediasoup.Testing;
using static RxMediasoup.RoomLogicTests.RoomHarness;

namespace RxMediasoup.RoomLogicTests;

/// <summary>
/// The room-logic scenarios (issue 12 §5), each on a fresh <see cref="RoomHarness"/>: what they observe is asserted by
/// <see cref="RoomLogicTests"/> and compared run against run by <see cref="DeterminismTests"/> through <see cref="Trace"/>.
/// </summary>
internal static class RoomScenarios
{
    /// <summary>What a scenario observed (<paramref name="Start"/>: the scheduler's clock when its script started).</summary>
    internal sealed record Run<T>(RoomHarness H, long Start, IList<Recorded<Notification<T>>> Messages)
    {
        /// <summary>The observations with their virtual times, then every request each simulation received, with its time.</summary>
        public string Trace() => RoomScenarios.Trace(H, Messages.Select(m => $"{m.Time - Start} {m.Value}"));
    }

    /// <summary>Alice's media stops at 10 s (her packet count stops growing), bob's never does; 30 s of stall polling.</summary>
    public static Run<(string PeerId, bool Stalled)> Stall()
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
        return new(h, start, stalls.Messages);
    }

    /// <summary>Three peers; the dominant speaker is scripted at 1, 2, 3 (no change) and 4 s.</summary>
    public static Run<string?> ActiveSpeaker()
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
        return new(h, start, speakers.Messages);
    }

    /// <summary>Bob consumes alice's audio and video; alice pauses at 5 s and resumes at 10 s.</summary>
    public static (Run<ConsumerEvent> Run, List<Consumer> Consumers, List<string> Skipped, TestPeer Alice) ConsumersFollowPause()
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
        h.Run(() => Task.WhenAll(consumers.Select(c => c.ResumeAsync()))); // what the page does once its consumers exist
        long start = h.Scheduler.Clock;
        h.Scheduler.Schedule(TimeSpan.FromSeconds(5), () => _ = Task.WhenAll(alice.Producers.Select(p => p.PauseAsync())));
        h.Scheduler.Schedule(TimeSpan.FromSeconds(10), () => _ = Task.WhenAll(alice.Producers.Select(p => p.ResumeAsync())));
        h.Scheduler.AdvanceTo(start + 15 * Second);
        return (new(h, start, events.Messages), consumers, skipped, alice);
    }

    /// <summary>The only worker dies 1 s in (SIGKILL); 10 s pass.</summary>
    public static (Run<Router> Run, Router First) WorkerDeath()
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
        return (new(h, start, routers.Messages), first);
    }

    /// <summary>The observations, then each simulation's requests (virtual time since it started, method, entity, body).</summary>
    public static string Trace(RoomHarness h, IEnumerable<string> observations)
    {
        var lines = new List<string>(observations);
        foreach (var sim in h.Workers.Simulations)
        {
            lines.Add($"worker {sim.Worker.Pid}");
            lines.AddRange(sim.Requests.Select(r => r.ToString()));
        }
        return string.Join('\n', lines);
    }
}
