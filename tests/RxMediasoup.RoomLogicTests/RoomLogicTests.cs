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
        var (h, start, stalls) = RoomScenarios.Stall();
        var announced = stalls.Where(m => m.Value.Value.Stalled).ToList();
        var (at, stall) = (Assert.Single(announced).Time, announced[0].Value.Value);
        Assert.Equal("alice", stall.PeerId);
        // The last growth is seen by the poll at or after 10 s (polls every 1 s from when the producer joined): the stall
        // is announced 5 s after that poll, so between 15 s and 16 s (+ the poll's answer tick).
        Assert.InRange(at - start, 15 * Second, 16 * Second + 10);
        Assert.DoesNotContain(stalls, m => m.Value.Value.PeerId == "bob" && m.Value.Value.Stalled);
        Finish(h);
    }

    [Fact]
    public void The_active_speaker_follows_the_dominant_speaker()
    {
        var (h, start, speakers) = RoomScenarios.ActiveSpeaker();
        // null at first; the worker elects the first producer added (alice) at its first 300 ms tick; then the script.
        var changes = speakers.Select(m => (m.Time - start, m.Value.Value)).ToList();
        Assert.Equal(null, changes[0].Value);
        Assert.Equal(["alice", "bob", "carol", "alice"], changes.Skip(1).Select(c => c.Value));
        Assert.Equal([1 * Second, 2 * Second, 4 * Second], changes.Skip(2).Select(c => c.Item1));
        Finish(h);
    }

    [Fact]
    public void A_peers_consumers_follow_its_producers_pause()
    {
        var ((h, start, events), consumers, skipped, alice) = RoomScenarios.ConsumersFollowPause();
        Assert.Equal([MediaKind.Audio, MediaKind.Video], consumers.Select(c => c.Kind).Order());
        Assert.Empty(skipped);
        foreach (var consumer in consumers)
        {
            var paused = events
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
        Assert.Equal(2, alice.Producers.Count);
        Finish(h);
    }

    [Fact]
    public void A_worker_death_moves_the_room_to_a_live_worker()
    {
        var ((h, start, routers), first) = RoomScenarios.WorkerDeath();
        var room = Assert.Single(h.Rooms.All);
        Assert.True(first.IsClosed);
        var moved = Assert.Single(routers.Skip(1));
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
