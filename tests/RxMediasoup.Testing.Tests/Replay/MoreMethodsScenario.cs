using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests.Replay;

/// <summary>
/// The requests the recorded scenarios leave out, for <see cref="ReplayDifferentialTests"/>'s coverage: transport limits,
/// traces, ICE restart and DTLS connect, producer/consumer commands, a pipe transport, an observer's removal, a worker
/// setting and a router's close.
/// </summary>
internal static class MoreMethodsScenario
{
    private static readonly DtlsParameters RemoteDtls = new()
    {
        Role = DtlsRole.Client,
        Fingerprints = [new DtlsFingerprint { Algorithm = FingerprintAlgorithm.Sha256, Value = "82:5A:68:3D:36:C3:0A:DE" }],
    };

    public static async Task RunAsync(Worker worker)
    {
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        var listen = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };
        var send = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [listen] });
        var recv = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [listen] });
        await send.SetMaxIncomingBitrateAsync(1_000_000);
        await send.SetMaxOutgoingBitrateAsync(2_000_000);
        await send.SetMinOutgoingBitrateAsync(100_000);
        await send.EnableTraceEventAsync([TransportTraceEventType.Bwe]);
        await send.RestartIceAsync();
        await send.ConnectAsync(RemoteDtls);
        var producer = await send.ProduceAsync(ConsumerVideoProducerOptions);
        await producer.PauseAsync();
        await producer.ResumeAsync();
        await producer.EnableTraceEventAsync([ProducerTraceEventType.KeyFrame]);
        await producer.GetStatsAsync();
        var consumer = await recv.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });
        await consumer.PauseAsync();
        await consumer.ResumeAsync();
        await consumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 0, TemporalLayer = 0 });
        await consumer.SetPriorityAsync(2);
        await consumer.RequestKeyFrameAsync();
        await consumer.EnableTraceEventAsync([ConsumerTraceEventType.Pli]);
        await consumer.GetStatsAsync();
        await consumer.DumpAsync();
        var observer = await router.CreateAudioLevelObserverAsync();
        var audio = await send.ProduceAsync(ConsumerAudioProducerOptions);
        await observer.AddProducerAsync(audio.Id);
        await observer.RemoveProducerAsync(audio.Id);
        var pipe = await router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = listen });
        await pipe.ConnectAsync("127.0.0.1", 40999);
        await pipe.GetStatsAsync();
        var direct = await router.CreateDirectTransportAsync();
        var dataProducer = await direct.ProduceDataAsync();
        var dataConsumer = await direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        await dataConsumer.PauseAsync();
        await dataConsumer.ResumeAsync();
        await dataConsumer.CloseAsync();
        await worker.UpdateSettingsAsync(new WorkerUpdateableSettings { LogLevel = WorkerLogLevel.Warn });
        await router.CloseAsync();
    }
}
