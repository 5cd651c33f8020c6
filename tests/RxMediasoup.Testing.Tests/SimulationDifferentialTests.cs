using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>What Simulation's faults and stats scripts assume about the worker, checked against mediasoup-worker.</summary>
[Collection(ThreadCountingCollection.Name)]
public sealed class SimulationDifferentialTests
{
    [Fact]
    public async Task FaultsAndUnscriptedStatsLookLikeTheWorker()
    {
        var simulated = SimulatedRoom.OnSimulation();
        var real = new RoomScenario();
        var worker = await Worker.CreateAsync();
        try
        {
            await real.BuildAsync(worker);

            // No media: the worker has no producer stream to report; a consumer's stats are its own send streams
            // (counters 0, score 10). Compared after normalising what differs between runs (timestamp, SSRCs).
            Assert.Equal((await real.AudioProducer.GetStatsAsync()).Count, simulated.Answer(simulated.AudioProducer.GetStatsAsync()).Count);
            foreach (var (r, s) in new[] { (real.AudioConsumer, simulated.AudioConsumer), (real.VideoConsumer, simulated.VideoConsumer) })
                Assert.Equal(Normalised(await r.GetStatsAsync()), Normalised(simulated.Answer(s.GetStatsAsync())));

            // An injected rejection carrying the worker's reason fails like the worker's own rejection (type, code, message).
            var expected = await Assert.ThrowsAsync<MediasoupException>(() => real.Transport1.ProduceAsync(ConsumerAudioProducerOptions));
            using var fault = simulated.Simulation.Faults.Reject("transport.produce", expected.Message);
            var actual = Assert.Throws<MediasoupException>(() => simulated.Answer(simulated.Transport2.ProduceAsync(ConsumerAudioProducerOptions)));
            Assert.Equal((expected.GetType(), expected.Code, expected.Message), (actual.GetType(), actual.Code, actual.Message));
            Assert.NotEqual(MediasoupErrorCode.Unknown, actual.Code);
        }
        finally
        {
            await worker.CloseAsync();
        }
        Assert.False(DifferentialTests.IsAlive(worker.Pid), $"mediasoup-worker {worker.Pid} is still running");
    }

    private static string Normalised(IReadOnlyList<RtpStreamStats> stats)
        => string.Join("\n", stats.Select(s => s with { Timestamp = 0, Ssrc = 0, RtxSsrc = s.RtxSsrc is null ? null : 1 }));
}
