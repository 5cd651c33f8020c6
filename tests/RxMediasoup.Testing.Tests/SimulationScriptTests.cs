using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>Simulation's scripts (network, media, process) reach the library's entities in virtual time; VirtualTime.Run.</summary>
public sealed class SimulationScriptTests
{
    private static readonly long Second = TimeSpan.FromSeconds(1).Ticks;

    [Fact]
    public void ScoresAndLayersArriveWhenScripted()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var scheduler = room.Scheduler;
        var producerScores = scheduler.CreateObserver<int>();
        using var s1 = room.VideoProducer.Score.Select(s => s.Count == 0 ? -1 : s[0].Score).Subscribe(producerScores);
        var layers = scheduler.CreateObserver<ConsumerLayers?>();
        using var s2 = room.VideoConsumer.Layers.Subscribe(layers);
        long start = scheduler.Clock;

        sim.At(TimeSpan.FromTicks(start + 5 * Second), () => sim.SetProducerScores(room.VideoProducer, 10, 9, 8));
        sim.At(TimeSpan.FromTicks(start + 10 * Second), () =>
        {
            sim.SetProducerScores(room.VideoProducer, 3);
            sim.ChangeConsumerLayers(room.VideoConsumer, new ConsumerLayers { SpatialLayer = 0, TemporalLayer = 1 });
            sim.SetConsumerScore(room.VideoConsumer, new ConsumerScore { Score = 4, ProducerScore = 3, ProducerScores = [3, 0, 0, 0] });
        });
        scheduler.AdvanceBy(11 * Second);

        Assert.Equal([ReactiveTest.OnNext(start, -1), ReactiveTest.OnNext(start + 5 * Second, 10), ReactiveTest.OnNext(start + 10 * Second, 3)],
            producerScores.Messages);
        Assert.Equal([new ProducerScore { EncodingIdx = 0, Ssrc = room.VideoProducer.RtpParameters.Encodings[0].Ssrc!.Value, Rid = room.VideoProducer.RtpParameters.Encodings[0].Rid, Score = 3 }],
            room.VideoProducer.Score.Current());
        Assert.Equal([ReactiveTest.OnNext<ConsumerLayers?>(start, (ConsumerLayers?)null),
            ReactiveTest.OnNext<ConsumerLayers?>(start + 10 * Second, new ConsumerLayers { SpatialLayer = 0, TemporalLayer = 1 })], layers.Messages);
        Assert.Equal(new ConsumerScore { Score = 4, ProducerScore = 3, ProducerScores = [3, 0, 0, 0] }, room.VideoConsumer.Score.Current());

        // Only what the simulated worker has: a simple consumer has no layers, a score is 0..10, closed entities are gone.
        Assert.Throws<InvalidOperationException>(() => sim.ChangeConsumerLayers(room.AudioConsumer, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.SetProducerScores(room.AudioProducer, 11));
        Assert.Throws<ArgumentException>(() => sim.SetProducerScores(room.AudioProducer, 1, 2));
        room.Answer(room.AudioConsumer.CloseAsync());
        Assert.Throws<InvalidOperationException>(() => sim.SetConsumerScore(room.AudioConsumer, room.VideoConsumer.Score.Current()));
    }

    [Fact]
    public void TransportStatesArriveWhenScripted()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var transport = room.Transport1;
        var tuple = new TransportTuple { LocalAddress = "127.0.0.1", LocalPort = transport.IceCandidates[0].Port, RemoteIp = "10.0.0.2", RemotePort = 50000, Protocol = TransportProtocol.Udp };

        sim.SetIceState(transport, IceState.Connected);
        sim.SelectTuple(transport, tuple);
        sim.SetDtlsState(transport, DtlsState.Connecting);
        sim.SetDtlsState(transport, DtlsState.Connected, "-----BEGIN CERTIFICATE-----");
        Assert.Equal(IceState.Connected, transport.IceState.Current());
        Assert.Equal(tuple, transport.IceSelectedTuple.Current());
        Assert.Equal(DtlsState.Connected, transport.DtlsState.Current());

        sim.SetIceState(transport, IceState.Disconnected);
        Assert.Equal(IceState.Disconnected, transport.IceState.Current());
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.SetIceState(transport, IceState.Closed)); // the worker never says Closed
    }

    [Fact]
    public void TraceEventsArriveWhenScripted()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var producerEvents = new List<ProducerTraceEvent>();
        var consumerEvents = new List<ConsumerTraceEvent>();
        using var s1 = room.VideoProducer.Trace.Subscribe(producerEvents.Add);
        using var s2 = room.VideoConsumer.Trace.Subscribe(consumerEvents.Add);

        room.Scheduler.AdvanceTo(3 * Second);
        sim.Trace(room.VideoProducer, ProducerTraceEventType.KeyFrame);
        sim.Trace(room.VideoConsumer, ConsumerTraceEventType.Pli, TraceDirection.In);

        Assert.Equal([new ProducerTraceEvent { Type = ProducerTraceEventType.KeyFrame, Timestamp = 3000, Direction = TraceDirection.In }], producerEvents);
        Assert.Equal([new ConsumerTraceEvent { Type = ConsumerTraceEventType.Pli, Timestamp = 3000, Direction = TraceDirection.In }], consumerEvents);
    }

    [Fact]
    public void TheWorkerDiesWhenScripted()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var deaths = new List<WorkerDeath>();
        using var subscription = room.Worker.Died.Subscribe(deaths.Add);
        using var never = sim.Faults.NeverAnswer("router.dump");
        var dump = room.Router.DumpAsync(); // pending when the worker dies

        sim.At(TimeSpan.FromTicks(room.Scheduler.Clock + Second), () => sim.Die(signal: 9, exitCode: null));
        room.Scheduler.AdvanceBy(Second);

        Assert.Equal([new WorkerDeath(room.Worker.Pid, null, 9)], deaths);
        Assert.Equal(8, sim.Created.ToEnumerable().Count()); // completed with the worker: the 8 entities of the room
        Assert.True(room.VideoConsumer.IsClosed);
        Assert.True(room.Transport1.IsClosed);
        Assert.IsType<WorkerClosedException>(dump.Exception?.InnerException);
        Assert.Throws<InvalidOperationException>(() => sim.SetProducerScores(room.AudioProducer, 5)); // nothing is alive any more
    }

    [Fact]
    public async Task VirtualTimeRunsATestsOwnAwaitsInsideAdvanceBy()
    {
        var scheduler = new TestScheduler();
        var sim = await Simulation.CreateAsync(scheduler);
        var steps = new List<long>();
        var previous = SynchronizationContext.Current;
        // A context that never runs what is posted to it (like a test framework's, which runs it later, elsewhere).
        SynchronizationContext.SetSynchronizationContext(new DroppingContext());
        try
        {
            var outside = CreateTwoRouters(sim.Worker, steps);
            var inside = VirtualTime.Run(scheduler, () => CreateTwoRouters(sim.Worker, steps));
            scheduler.AdvanceBy(10);

            Assert.False(outside.IsCompleted); // its continuation went to the test's context
            Assert.True(inside.IsCompletedSuccessfully);
            // Each answer takes one tick and each posted continuation one more (TestScheduler never runs an action "now").
            Assert.Equal([2, 4], steps);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        async Task CreateTwoRouters(Worker worker, List<long> log)
        {
            await worker.CreateRouterAsync();
            log.Add(scheduler.Clock);
            await worker.CreateRouterAsync();
            log.Add(scheduler.Clock);
        }
    }

    private sealed class DroppingContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }
    }
}
