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
}
