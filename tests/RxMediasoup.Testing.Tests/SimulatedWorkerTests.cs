using System.Reactive;
using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>A simulated worker behind the library's real entities, in virtual time (TestScheduler).</summary>
public sealed class SimulatedWorkerTests
{
    private static readonly DtlsParameters RemoteDtlsParameters = new()
    {
        Role = DtlsRole.Client,
        Fingerprints = [new DtlsFingerprint { Algorithm = FingerprintAlgorithm.Sha256, Value = "82:5A:68:3D:36:C3:0A:DE" }],
    };

    [Fact]
    public void CreatesTheEntitiesAsTheWorkerDoes()
    {
        var room = SimulatedRoom.Create(seed: 1);

        // The worker's initial values (as ConsumerTests asserts them against mediasoup-worker 3.27.1).
        Assert.Equal(ProducerType.Simple, room.AudioProducer.Type);
        Assert.Equal(ProducerType.Simulcast, room.VideoProducer.Type);
        Assert.Equal(ConsumerType.Simple, room.AudioConsumer.Type);
        Assert.Equal(ConsumerType.Simulcast, room.VideoConsumer.Type);
        Assert.Equal(new ConsumerScore { Score = 10, ProducerScore = 0, ProducerScores = [0] }, room.AudioConsumer.Score.Current());
        Assert.Equal(new ConsumerScore { Score = 10, ProducerScore = 0, ProducerScores = [0, 0, 0, 0] }, room.VideoConsumer.Score.Current());
        Assert.Null(room.AudioConsumer.PreferredLayers.Current());
        Assert.Equal(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 0 }, room.VideoConsumer.PreferredLayers.Current());
        Assert.False(room.VideoConsumer.ProducerPaused.Current());
        var candidate = Assert.Single(room.Transport1.IceCandidates);
        Assert.InRange(candidate.Port, 2000, 3000); // the listen info's port range
        Assert.Equal(IceRole.Controlled, room.Transport1.IceRole);

        var dump = room.Answer(room.Router.DumpAsync());
        Assert.Equal([room.AudioConsumer.Id], dump.MapProducerIdConsumerIds[room.AudioProducer.Id]);
        Assert.Equal(room.VideoProducer.Id, dump.MapConsumerIdProducerId[room.VideoConsumer.Id]);
        var transportDump = room.Answer(room.Transport2.DumpAsync());
        Assert.Equal([room.AudioConsumer.Id, room.VideoConsumer.Id], transportDump.ConsumerIds);
        var workerDump = room.Answer(room.Worker.DumpAsync());
        Assert.Equal([room.Router.Id], workerDump.RouterIds);
        Assert.Equal(room.Worker.Pid, workerDump.Pid);

        room.Answer(room.Transport1.ConnectAsync(RemoteDtlsParameters));
        Assert.Equal(DtlsRole.Server, room.Transport1.DtlsParameters.Role); // the remote is the client
        room.Answer(room.VideoConsumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }));
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }, room.VideoConsumer.PreferredLayers.Current());
    }

    [Fact]
    public void ProducerPauseReachesItsConsumersInVirtualTime()
    {
        var room = SimulatedRoom.Create();
        var scheduler = room.Scheduler;
        var observer = scheduler.CreateObserver<bool>();
        using var subscription = room.VideoConsumer.ProducerPaused.Subscribe(observer);
        long subscribed = scheduler.Clock;

        scheduler.AdvanceTo(100);
        room.Answer(room.VideoProducer.PauseAsync());
        scheduler.AdvanceTo(200);
        room.Answer(room.VideoProducer.ResumeAsync());

        // The worker's consumer producerpause/producerresume, derived by the simulation, delivered in the tick that answered.
        Assert.Equal(
        [
            ReactiveTest.OnNext(subscribed, false),
            ReactiveTest.OnNext(101, true),
            ReactiveTest.OnNext(201, false),
        ], observer.Messages);
        Assert.True(room.VideoConsumer.Score.Current().Score == 10);
    }

    [Fact]
    public void ClosingCascadesLikeTheWorker()
    {
        var room = SimulatedRoom.Create();
        var reasons = new List<(string, CloseReason)>();
        foreach (var entity in new MediasoupEntity[] { room.AudioConsumer, room.VideoConsumer, room.Transport1, room.AudioProducer })
            entity.Closed.Subscribe(r => reasons.Add((entity.GetType().Name, r)));

        // The producer's close reaches its consumer through the worker's producerclose notification.
        room.Answer(room.AudioProducer.CloseAsync());
        Assert.True(room.AudioConsumer.IsClosed);
        Assert.Contains(("Consumer", CloseReason.ProducerClosed), reasons);
        Assert.False(room.VideoConsumer.IsClosed);

        room.Answer(room.Router.CloseAsync());
        Assert.True(room.VideoConsumer.IsClosed);
        Assert.True(room.Transport1.IsClosed);
        Assert.Contains(("WebRtcTransport", CloseReason.RouterClosed), reasons);
        Assert.Empty(room.Answer(room.Worker.DumpAsync()).RouterIds);

        var close = room.Worker.CloseAsync();
        room.Scheduler.AdvanceBy(1);
        Assert.True(close.IsCompletedSuccessfully);
        Assert.True(room.Worker.IsSubprocessClosed);
        Assert.False(room.Worker.HasDied);
    }

    [Fact]
    public async Task AWorkerDeathCascadesInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var created = SimulatedWorker.CreateAsync(scheduler, latency: TimeSpan.FromTicks(10));
        Assert.True(created.IsCompletedSuccessfully);
        var worker = await created;
        var creating = worker.CreateRouterAsync(new RouterOptions());
        scheduler.AdvanceBy(10);
        Assert.True(creating.IsCompletedSuccessfully);
        var router = await creating;
        var deaths = new List<WorkerDeath>();
        var routerClosed = new List<CloseReason>();
        worker.Died.Subscribe(deaths.Add);
        router.Closed.Subscribe(routerClosed.Add);

        // The process dies (exit code 1) at t = 15, while a dump waits for its answer (due at t = 20).
        var dump = worker.DumpAsync();
        var backend = (SimulatedBackend)worker.Backend;
        scheduler.ScheduleAbsolute(15, () => backend.Exit(1, null));
        scheduler.AdvanceTo(15);

        Assert.Equal([new WorkerDeath(worker.Pid, 1, null)], deaths);
        Assert.True(worker.HasDied);
        Assert.True(worker.IsSubprocessClosed);
        Assert.Equal([CloseReason.WorkerDied], routerClosed);
        Assert.IsType<WorkerClosedException>(dump.Exception?.InnerException);
        scheduler.AdvanceTo(100); // the dump's answer is never delivered: the channel is closed
    }

    [Fact]
    public void TheOtherSimulatedCommandsAnswer()
    {
        var room = SimulatedRoom.Create();
        var stats = room.Answer(room.Transport1.GetStatsAsync());
        Assert.Equal(room.Transport1.Id, stats.TransportId);
        Assert.Empty(room.Answer(room.AudioProducer.GetStatsAsync()));
        Assert.Equal(RtpStreamStatsType.OutboundRtp, Assert.Single(room.Answer(room.VideoConsumer.GetStatsAsync())).Type); // its send stream, as the worker (SimulationDifferentialTests)
        room.Answer(room.Transport1.SetMaxIncomingBitrateAsync(1_000_000));
        room.Answer(room.Transport1.SetMaxOutgoingBitrateAsync(2_000_000));
        room.Answer(room.Transport1.SetMinOutgoingBitrateAsync(100_000));
        room.Answer(room.Transport1.EnableTraceEventAsync([TransportTraceEventType.Bwe]));
        room.Answer(room.AudioProducer.EnableTraceEventAsync([ProducerTraceEventType.KeyFrame]));
        room.Answer(room.VideoConsumer.EnableTraceEventAsync([ConsumerTraceEventType.KeyFrame]));
        room.Answer(room.VideoConsumer.RequestKeyFrameAsync());
        room.Answer(room.VideoConsumer.SetPriorityAsync(3));
        Assert.Equal(3, room.VideoConsumer.Priority.Value);

        var before = room.Transport1.IceParameters;
        var after = room.Answer(room.Transport1.RestartIceAsync());
        Assert.NotEqual(before.UsernameFragment, after.UsernameFragment);
        Assert.Equal(after, room.Transport1.IceParameters);

        var direct = room.Answer(room.Router.CreateDirectTransportAsync());
        Assert.Equal(direct.Id, room.Answer(direct.DumpAsync()).Id);
        Assert.Equal(direct.Id, room.Answer(direct.GetStatsAsync()).TransportId);
        Assert.Equal([room.Transport1.Id, room.Transport2.Id, direct.Id], room.Answer(room.Router.DumpAsync()).TransportIds);
    }

    [Fact]
    public void PollingUsesTheSimulatedWorkersSchedulerWhenNoneIsGiven()
    {
        var room = SimulatedRoom.Create();
        var start = room.Scheduler.Clock;
        var stamps = new List<long>();
        using (room.Transport1.PollStats(TimeSpan.FromSeconds(1)).Subscribe(s => stamps.Add((long)s.Timestamp)))
        {
            room.Scheduler.AdvanceBy(TimeSpan.FromSeconds(3).Ticks + 10);
        }
        // A request at subscribe, then one a second after each answer: 0, 1, 2, 3 s — plus 2 ticks per round (a
        // TestScheduler runs what is scheduled for "now" one tick later: the loop's first fetch, each zero-latency answer),
        // hence the 10 extra ticks, far from the 5th request at 4 s.
        long origin = start / TimeSpan.TicksPerMillisecond;
        Assert.Equal([origin, origin + 1000, origin + 2000, origin + 3000], stamps);
        room.Scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.Equal(4, stamps.Count); // unsubscribed: the loop stopped
    }

    [Fact]
    public void RejectionsHaveTheRealWorkersShape()
    {
        var room = SimulatedRoom.Create();
        room.Answer(room.Transport1.ConnectAsync(RemoteDtlsParameters));
        var again = room.Transport1.ConnectAsync(RemoteDtlsParameters);
        room.Scheduler.AdvanceBy(1);
        var e = Assert.IsType<MediasoupException>(again.Exception?.InnerException);
        Assert.Equal(MediasoupErrorCode.AlreadyConnected, e.Code);
        Assert.Equal("connect() already called", e.Message);

        // The same producer again: the worker checks the SSRCs before the MID.
        var again2 = room.Transport1.ProduceAsync(RxMediasoup.Tests.Media.MediaTestData.ConsumerAudioProducerOptions);
        room.Scheduler.AdvanceBy(1);
        var ssrc = Assert.IsType<MediasoupException>(again2.Exception?.InnerException);
        Assert.Equal(MediasoupErrorCode.SsrcInUse, ssrc.Code);
        Assert.StartsWith("ssrc already exists in RTP listener [ssrc:", ssrc.Message);
    }

    [Fact]
    public async Task ARequestTimesOutInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var settings = new WorkerSettings { RequestTimeout = TimeSpan.FromSeconds(2) };
        var created = SimulatedWorker.CreateAsync(scheduler, settings: settings, latency: TimeSpan.FromSeconds(10));
        Assert.True(created.IsCompletedSuccessfully);
        var worker = await created;
        var router = worker.CreateRouterAsync(new RouterOptions());

        scheduler.AdvanceBy(TimeSpan.FromSeconds(2).Ticks - 1);
        Assert.False(router.IsCompleted);
        scheduler.AdvanceBy(1);
        Assert.IsType<TimeoutException>(router.Exception?.InnerException);

        // The late answer (at 10 s) matches no pending request and changes nothing; the worker stays open.
        scheduler.AdvanceBy(TimeSpan.FromSeconds(8).Ticks);
        Assert.Equal(0, worker.Diagnostics.PendingRequests);
        Assert.False(worker.IsClosed);
        Assert.Empty(worker.Routers.Items);
    }

    [Fact]
    public void TheSameSeedGivesTheSameIdsPortsAndSsrcs()
    {
        var first = SimulatedRoom.Create(seed: 42).Fingerprint();
        var second = SimulatedRoom.Create(seed: 42).Fingerprint();
        var other = SimulatedRoom.Create(seed: 43).Fingerprint();
        Assert.Equal(first, second);
        Assert.Equal(first.Count, other.Count);
        Assert.All(first.Zip(other).Take(8), pair => Assert.NotEqual(pair.First, pair.Second)); // pid and every entity id
        Assert.True(Guid.TryParse(first[1], out _));
    }
}
