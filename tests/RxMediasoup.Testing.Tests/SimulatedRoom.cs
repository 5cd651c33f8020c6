using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// A simulated worker with the entities of mediasoup's test-Consumer.js: a router, two WebRTC transports, an audio and
/// a simulcast video producer on the first, their consumers on the second. Every command is answered by advancing
/// the scheduler one tick, and must have completed then (nothing runs elsewhere).
/// </summary>
internal sealed class SimulatedRoom
{
    public TestScheduler Scheduler { get; } = new();
    public Worker Worker { get; private set; } = null!;
    public Router Router { get; private set; } = null!;
    public WebRtcTransport Transport1 { get; private set; } = null!;
    public WebRtcTransport Transport2 { get; private set; } = null!;
    public Producer AudioProducer { get; private set; } = null!;
    public Producer VideoProducer { get; private set; } = null!;
    public Consumer AudioConsumer { get; private set; } = null!;
    public Consumer VideoConsumer { get; private set; } = null!;

    public static SimulatedRoom Create(int seed = 0, WorkerSettings? settings = null)
    {
        var room = new SimulatedRoom();
        var created = SimulatedWorker.CreateAsync(room.Scheduler, seed, settings);
        Assert.True(created.IsCompletedSuccessfully);
        room.Worker = created.Result;
        room.Router = room.Answer(room.Worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs }));
        room.Transport1 = room.Answer(room.Router.CreateWebRtcTransportAsync(WebRtcOptions));
        room.Transport2 = room.Answer(room.Router.CreateWebRtcTransportAsync(WebRtcOptions));
        room.AudioProducer = room.Answer(room.Transport1.ProduceAsync(ConsumerAudioProducerOptions));
        room.VideoProducer = room.Answer(room.Transport1.ProduceAsync(ConsumerVideoProducerOptions));
        room.AudioConsumer = room.Answer(room.Transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = room.AudioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities,
        }));
        room.VideoConsumer = room.Answer(room.Transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = room.VideoProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 12, TemporalLayer = 0 },
        }));
        return room;
    }

    /// <summary>Sends nothing itself: checks the command waits for the simulated worker, advances one tick, returns its result.</summary>
    public T Answer<T>(Task<T> command)
    {
        Assert.False(command.IsCompleted, "answered before the scheduler advanced");
        Scheduler.AdvanceBy(1);
        Assert.True(command.IsCompleted, "not answered within the tick");
        return command.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Answer{T}(Task{T})"/>
    public void Answer(Task command)
    {
        Assert.False(command.IsCompleted, "answered before the scheduler advanced");
        Scheduler.AdvanceBy(1);
        Assert.True(command.IsCompleted, "not answered within the tick");
        command.GetAwaiter().GetResult();
    }

    /// <summary>Every id, port and ICE secret the code could see: equal for equal seeds.</summary>
    public IReadOnlyList<string> Fingerprint() =>
    [
        Worker.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), Router.Id, Transport1.Id, Transport2.Id,
        AudioProducer.Id, VideoProducer.Id, AudioConsumer.Id, VideoConsumer.Id,
        Transport1.IceParameters.UsernameFragment, Transport1.IceParameters.Password,
        .. Transport2.IceCandidates.Select(c => $"{c.Address}:{c.Port}"),
        .. Transport2.DtlsParameters.Fingerprints.Select(f => f.Value),
        .. AudioConsumer.RtpParameters.Encodings.Select(e => e.Ssrc?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    ];
}
