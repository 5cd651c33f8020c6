using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>The methods added after the first foundation, in virtual time (their fidelity: <see cref="DifferentialTests"/>).</summary>
public sealed class SimulatedMethodsTests
{
    [Fact]
    public void TheActiveSpeakerIsNamedAtTheObserversFirstTimerTick()
    {
        var room = SimulatedRoom.Create();
        var scheduler = room.Scheduler;
        var observer = room.Answer(room.Router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 500 }));
        long created = scheduler.Clock;
        var dominant = scheduler.CreateObserver<string>();
        using var subscription = observer.DominantSpeaker.Select(d => d.ProducerId).Subscribe(dominant);
        room.Answer(observer.AddProducerAsync(room.AudioProducer.Id));

        scheduler.AdvanceTo(created + TimeSpan.FromMilliseconds(500).Ticks - 1);
        Assert.Empty(dominant.Messages);
        scheduler.AdvanceBy(1);
        Assert.Equal(created + TimeSpan.FromMilliseconds(500).Ticks, Assert.Single(dominant.Messages).Time);
        Assert.Equal(room.AudioProducer.Id, dominant.Messages[0].Value.Value);

        // Paused, it names nobody; closing the producer leaves no dominant speaker and no further notification.
        room.Answer(room.AudioProducer.CloseAsync());
        scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        Assert.Single(dominant.Messages);
    }

    [Fact]
    public void ADataProducersCloseClosesItsConsumersInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var worker = Answer(scheduler, SimulatedWorker.CreateAsync(scheduler, seed: 3));
        var router = Answer(scheduler, worker.CreateRouterAsync());
        var direct = Answer(scheduler, router.CreateDirectTransportAsync());
        var producer = Answer(scheduler, direct.ProduceDataAsync(new DataProducerOptions { Paused = true }));
        var consumer = Answer(scheduler, direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = producer.Id }));
        Assert.True(consumer.DataProducerPaused.Current());
        Answer(scheduler, producer.ResumeAsync());
        Assert.False(consumer.DataProducerPaused.Current());

        var closed = scheduler.CreateObserver<CloseReason>();
        using var subscription = consumer.Closed.Subscribe(closed);
        long before = scheduler.Clock;
        Answer(scheduler, producer.CloseAsync());
        // The library closes a data producer's local consumers as it sends the close (before the worker's dataproducerclose).
        Assert.Equal(before, Assert.Single(closed.Messages, m => m.Value.Kind == System.Reactive.NotificationKind.OnNext).Time);
        Assert.True(consumer.IsClosed);
        Assert.Empty(Answer(scheduler, router.DumpAsync()).MapDataProducerIdDataConsumerIds);
    }

    [Fact]
    public void TheSameSeedGivesTheSameSrtpKeysAndServerPorts()
    {
        static string Run()
        {
            var scheduler = new TestScheduler();
            var worker = Answer(scheduler, SimulatedWorker.CreateAsync(scheduler, seed: 9));
            var server = Answer(scheduler, worker.CreateWebRtcServerAsync(new WebRtcServerOptions
            {
                ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
            }));
            var router = Answer(scheduler, worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs }));
            var transport = Answer(scheduler, router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { WebRtcServer = server }));
            var plain = Answer(scheduler, router.CreatePlainTransportAsync(new PlainTransportOptions
            {
                ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }, EnableSrtp = true,
            }));
            return $"{transport.Id} {transport.IceCandidates[0].Port} {transport.IceParameters.UsernameFragment} {plain.SrtpParameters!.KeyBase64}";
        }
        Assert.Equal(Run(), Run());
    }

    private static T Answer<T>(TestScheduler scheduler, Task<T> command)
    {
        scheduler.AdvanceBy(1);
        Assert.True(command.IsCompleted, "not answered within the tick");
        return command.GetAwaiter().GetResult();
    }

    private static void Answer(TestScheduler scheduler, Task command)
    {
        scheduler.AdvanceBy(1);
        Assert.True(command.IsCompleted, "not answered within the tick");
        command.GetAwaiter().GetResult();
    }
}
