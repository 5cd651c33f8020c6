using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// The issue's example of user logic, tested as a user would: "downgrade a consumer's layers when its score stays
/// under 5 for 10 s" — entities found through Created, scores scripted in virtual time, the request asserted by time.
/// </summary>
public sealed class SimulationExampleTests
{
    /// <summary>The code under test (a user's, not the library's).</summary>
    private static IDisposable DowngradeWhenPoor(Consumer consumer, IScheduler scheduler)
        => consumer.Score
            .Select(s => s.Score < 5)
            .DistinctUntilChanged()
            .Select(poor => poor ? Observable.Timer(TimeSpan.FromSeconds(10), scheduler) : Observable.Empty<long>())
            .Switch()
            .Subscribe(_ => consumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 0 }));

    [Fact]
    public void APoorScoreFor10SecondsDowngradesTheConsumer()
    {
        var downgrades = new List<IDisposable>();
        var room = SimulatedRoom.OnSimulation(sim => sim.Created.OfType<Consumer>().Where(c => c.Kind == MediaKind.Video)
            .Subscribe(c => downgrades.Add(DowngradeWhenPoor(c, sim.Scheduler))));
        var sim = room.Simulation;
        Consumer? consumer = null;
        using (sim.Created.OfType<Consumer>().Where(c => c.Kind == MediaKind.Video).Subscribe(c => consumer = c)) { } // replayed synchronously
        Assert.NotNull(consumer);
        static ConsumerScore Score(int score) => new() { Score = score, ProducerScore = score, ProducerScores = [score, 0, 0, 0] };

        sim.At(TimeSpan.FromSeconds(5), () => sim.SetConsumerScore(consumer, Score(3)));
        sim.At(TimeSpan.FromSeconds(12), () => sim.SetConsumerScore(consumer, Score(4))); // still poor: the 10 s go on
        sim.At(TimeSpan.FromSeconds(16), () => sim.SetConsumerScore(consumer, Score(8)));
        sim.At(TimeSpan.FromSeconds(20), () => sim.SetConsumerScore(consumer, Score(2)));
        sim.At(TimeSpan.FromSeconds(25), () => sim.SetConsumerScore(consumer, Score(9))); // recovered before 10 s
        room.Scheduler.AdvanceTo(TimeSpan.FromSeconds(60).Ticks);

        sim.AssertRequested("consumer.setPreferredLayers", consumer.Id, new ConsumerLayers { SpatialLayer = 0 }, at: TimeSpan.FromSeconds(15));
        Assert.Equal(0, consumer!.PreferredLayers.Current()?.SpatialLayer); // the temporal layer: the highest, as the worker picks it
        downgrades.ForEach(d => d.Dispose());
    }
}
