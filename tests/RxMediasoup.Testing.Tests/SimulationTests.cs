using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>Simulation's user-facing surface: Created, the typed request log, fault injection and assertion helpers.</summary>
public sealed class SimulationTests
{
    [Fact]
    public void CreatedStreamsTheEntitiesAsTheCodeCreatesThem()
    {
        var seen = new List<MediasoupEntity>();
        var room = SimulatedRoom.OnSimulation(sim => sim.Created.Subscribe(seen.Add));

        Assert.Equal(
            [room.Worker, room.Router, room.Transport1, room.Transport2, room.AudioProducer, room.VideoProducer, room.AudioConsumer, room.VideoConsumer],
            seen);
        // Replayed to a late subscriber: a test finds what its code created without knowing any id.
        Assert.Equal([room.AudioConsumer, room.VideoConsumer], room.Simulation.Created.OfType<Consumer>().ToEnumerable().Take(2));
    }

    [Fact]
    public void RequestsAreATypedLogInVirtualTime()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;

        Assert.Equal(
        [
            "worker.createRouter", "router.createWebRtcTransport", "router.createWebRtcTransport", "transport.produce",
            "transport.produce", "transport.consume", "transport.consume",
        ], sim.Requests.Select(r => r.Method));
        Assert.Equal(new SimulatedProduce(room.VideoProducer.Id, MediaKind.Video, false, 4), sim.Requests[4].Body);
        Assert.Equal(("Transport", room.Transport1.Id), (sim.Requests[4].EntityKind, sim.Requests[4].EntityId));
        var consume = Assert.IsType<SimulatedConsume>(sim.Requests[6].Body);
        Assert.Equal(room.VideoProducer.Id, consume.ProducerId);
        Assert.Equal(new ConsumerLayers { SpatialLayer = 12, TemporalLayer = 0 }, consume.PreferredLayers);

        room.Scheduler.AdvanceTo(TimeSpan.FromSeconds(12).Ticks);
        room.Answer(room.VideoConsumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }));

        var request = sim.AssertRequested("consumer.setPreferredLayers", room.VideoConsumer.Id,
            new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }, at: TimeSpan.FromSeconds(12));
        Assert.Equal("Consumer", request.EntityKind);
        sim.AssertNotRequested("consumer.setPreferredLayers", room.AudioConsumer.Id);
        var wrongTime = Assert.Throws<SimulationAssertionException>(() => sim.AssertRequested("consumer.setPreferredLayers", at: TimeSpan.FromSeconds(11)));
        Assert.Contains("found 0", wrongTime.Message, StringComparison.Ordinal);
        Assert.Contains("consumer.setPreferredLayers(" + room.VideoConsumer.Id, wrongTime.Message, StringComparison.Ordinal); // the log is listed
        Assert.Throws<ArgumentException>(() => sim.RequestsOf("consumer.setLayers"));

        room.Answer(room.VideoProducer.EnableTraceEventAsync([ProducerTraceEventType.KeyFrame, ProducerTraceEventType.Pli]));
        sim.AssertRequested("producer.enableTraceEvent", room.VideoProducer.Id,
            new TraceEventTypes<ProducerTraceEventType>([ProducerTraceEventType.KeyFrame, ProducerTraceEventType.Pli]));
        var dtls = new DtlsParameters { Role = DtlsRole.Client, Fingerprints = [new DtlsFingerprint { Algorithm = FingerprintAlgorithm.Sha256, Value = "AB:CD" }] };
        room.Answer(room.Transport1.ConnectAsync(dtls));
        var connect = Assert.IsType<DtlsParameters>(sim.AssertRequested("webRtcTransport.connect", room.Transport1.Id).Body);
        Assert.Equal((dtls.Role, dtls.Fingerprints[0]), (connect.Role, Assert.Single(connect.Fingerprints)));
        Assert.Equal(68, Simulation.Methods.Count);
    }

    [Fact]
    public void RejectsWithTheErrorKindAndMessageItIsGiven()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        using (sim.Faults.Reject("consumer.setPreferredLayers", "invalid spatial layer", SimulatedErrorKind.TypeError, times: 1))
        {
            var layers = new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 0 };
            var rejected = Assert.Throws<ArgumentException>(() => room.Answer(room.VideoConsumer.SetPreferredLayersAsync(layers)));
            Assert.Equal("invalid spatial layer", rejected.Message);
            // A rejected request changes nothing; the rule was for one request only.
            Assert.Equal(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 0 }, room.VideoConsumer.PreferredLayers.Current());
            room.Answer(room.VideoConsumer.SetPreferredLayersAsync(layers));
            Assert.Equal(layers, room.VideoConsumer.PreferredLayers.Current());
        }

        // Error: the exception's code is read from the reason as for the real worker's.
        var rule = sim.Faults.Reject("transport.produce", "MID already exists in RTP listener [mid:AUDIO]",
            when: r => ((SimulatedProduce)r.Body!).Kind == MediaKind.Audio);
        var produce = room.Transport2.ProduceAsync(RxMediasoup.Tests.Media.MediaTestData.ConsumerAudioProducerOptions);
        room.Scheduler.AdvanceBy(1);
        var error = Assert.IsType<MediasoupException>(produce.Exception?.InnerException);
        Assert.Equal(MediasoupErrorCode.MidInUse, error.Code);
        Assert.Empty(room.Transport2.Producers.Items);
        rule.Dispose();
        room.Answer(room.Transport2.ProduceAsync(RxMediasoup.Tests.Media.MediaTestData.ConsumerAudioProducerOptions));
        Assert.Single(room.Transport2.Producers.Items);

        using (sim.Faults.Reject("router.dump", "gone", SimulatedErrorKind.NotFoundError))
            Assert.Throws<NotFoundException>(() => room.Answer(room.Router.DumpAsync()));
        Assert.Throws<ArgumentException>(() => sim.Faults.Delay("router.nothing", TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void DelaysAndNeverAnswersInVirtualTime()
    {
        var room = SimulatedRoom.OnSimulation(settings: new WorkerSettings { RequestTimeout = TimeSpan.FromSeconds(2) });
        var sim = room.Simulation;
        var scheduler = room.Scheduler;

        using (sim.Faults.Delay("transport.dump", TimeSpan.FromMilliseconds(500), when: r => r.EntityId == room.Transport1.Id))
        {
            long at = scheduler.Clock;
            var slow = room.Transport1.DumpAsync();
            var fast = room.Transport2.DumpAsync();
            scheduler.AdvanceBy(1);
            Assert.True(fast.IsCompletedSuccessfully);
            Assert.False(slow.IsCompleted);
            scheduler.AdvanceTo(at + TimeSpan.FromMilliseconds(500).Ticks - 1);
            Assert.False(slow.IsCompleted);
            scheduler.AdvanceBy(1); // answered exactly 500 ms after it was sent
            Assert.True(slow.IsCompletedSuccessfully);
        }

        using var never = sim.Faults.NeverAnswer("producer.pause");
        long sent = scheduler.Clock;
        var pause = room.AudioProducer.PauseAsync();
        scheduler.AdvanceTo(sent + TimeSpan.FromSeconds(2).Ticks - 1);
        Assert.False(pause.IsCompleted);
        scheduler.AdvanceBy(1);
        Assert.IsType<TimeoutException>(pause.Exception?.InnerException);
        Assert.False(room.AudioConsumer.ProducerPaused.Current()); // the simulation never saw it
        Assert.Equal(room.AudioProducer.Id, sim.AssertRequested("producer.pause").EntityId);
    }

    [Fact]
    public void TheSameSeedGivesTheSameLog()
    {
        static IReadOnlyList<string> Run()
        {
            var room = SimulatedRoom.OnSimulation(seed: 7);
            room.Scheduler.AdvanceTo(TimeSpan.FromSeconds(2).Ticks);
            room.Answer(room.VideoConsumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 0 }));
            room.Answer(room.AudioProducer.PauseAsync());
            return [.. room.Simulation.Requests.Select(r => $"{r.Time:O} {r.EntityKind} {r}")];
        }

        var first = Run();
        Assert.Equal(first, Run());
        Assert.Equal(9, first.Count);
    }
}
