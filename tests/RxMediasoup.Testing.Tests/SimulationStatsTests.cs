using System.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Testing.Tests;

/// <summary>Scripted stats over virtual time reach GetStatsAsync, PollStats and the stats operators (Stalled).</summary>
public sealed class SimulationStatsTests
{
    private static readonly long Second = TimeSpan.FromSeconds(1).Ticks;

    [Fact]
    public void ScriptedStatsMakeAProducerStallInVirtualTime()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var scheduler = room.Scheduler;
        Assert.Empty(room.Answer(room.AudioProducer.GetStatsAsync())); // no media: no stream, as the worker answers

        // 50 packets a second for 10 s, then nothing.
        sim.ScriptStats(room.AudioProducer, t =>
        [
            new SimulatedStreamStats(PacketCount: 50 * Math.Min(t.Ticks, 10 * Second) / Second, ByteCount: 0, Bitrate: t.Ticks < 10 * Second ? 32_000 : 0, RoundTripTime: 20),
        ]);
        var stalled = scheduler.CreateObserver<bool>();
        long start = scheduler.Clock;
        using var subscription = room.AudioProducer.PollStats(TimeSpan.FromSeconds(1))
            .Stalled(s => s.Sum(x => x.PacketCount), TimeSpan.FromSeconds(5), scheduler)
            .Subscribe(stalled);
        scheduler.AdvanceBy(20 * Second);

        // The count last grows in the sample taken at 10 s (+ the polling's ticks): stalled 5 s after it.
        var messages = stalled.Messages;
        Assert.Equal(2, messages.Count);
        Assert.False(messages[0].Value.Value);
        Assert.True(messages[1].Value.Value);
        Assert.InRange(messages[1].Time - start, 15 * Second, 15 * Second + 100); // + the ticks each poll's answer takes (design note 2)

        var stats = Assert.Single(room.Answer(room.AudioProducer.GetStatsAsync()));
        Assert.Equal(RtpStreamStatsType.InboundRtp, stats.Type);
        Assert.Equal(500, stats.PacketCount);
        Assert.Equal(20, stats.RoundTripTime);
        Assert.Equal(room.AudioProducer.RtpParameters.Encodings[0].Ssrc, stats.Ssrc);
        Assert.Equal(MediaKind.Audio, stats.Kind);

        sim.ScriptStats(room.VideoConsumer, _ => [new SimulatedStreamStats(PacketCount: 7, ByteCount: 700, Bitrate: 1000, FractionLost: 12)]);
        var sent = Assert.Single(room.Answer(room.VideoConsumer.GetStatsAsync()));
        Assert.Equal((RtpStreamStatsType.OutboundRtp, 7L, 12), (sent.Type, sent.PacketCount, (int)sent.FractionLost));
    }

    [Fact]
    public void TheStatsOperatorsRunOnTheSimulatedWorkersSchedulerWhenNoneIsGiven()
    {
        var room = SimulatedRoom.OnSimulation();
        var scheduler = room.Scheduler;
        // 1,000 bytes a second for 10 s, then nothing.
        room.Simulation.ScriptStats(room.AudioProducer, t =>
            [new SimulatedStreamStats(PacketCount: Math.Min(t.Ticks, 10 * Second) / (Second / 50), ByteCount: 1000 * Math.Min(t.Ticks, 10 * Second) / Second, Bitrate: 0)]);
        var stats = room.AudioProducer.PollStats(TimeSpan.FromSeconds(1));
        var stalled = scheduler.CreateObserver<bool>();
        var bitrates = new List<double>();
        long start = scheduler.Clock;
        using var s1 = stats.Stalled(s => s.Sum(x => x.PacketCount), TimeSpan.FromSeconds(5)).Subscribe(stalled);
        using var s2 = stats.Bitrate(s => s.Sum(x => x.ByteCount)).Subscribe(bitrates.Add);
        scheduler.AdvanceBy(20 * Second);

        // On the real clock no sample would be 1 s after the previous one, and no stall would be seen in this test's
        // few real milliseconds: both ran in virtual time.
        Assert.Equal([false, true], stalled.Messages.Select(m => m.Value.Value));
        Assert.InRange(stalled.Messages[1].Time - start, 15 * Second, 15 * Second + 100); // + the answers' ticks (100 ns each)
        Assert.True(bitrates.Count >= 15);
        Assert.All(bitrates.Take(9), b => Assert.InRange(b, 7_999, 8_001)); // 8,000 bps; the answer's tick shifts each sample by 100 ns
        Assert.All(bitrates.Skip(10), b => Assert.Equal(0, b));
    }
}
