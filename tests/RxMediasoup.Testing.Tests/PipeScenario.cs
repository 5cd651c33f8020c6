using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// Router.PipeToRouter between routers of two workers (pipe transports, pipe consumer and producer, piped data),
/// recorded for <see cref="DifferentialTests"/>. The second worker is real or simulated as the first.
/// </summary>
internal sealed class PipeScenario(Worker worker, TestScheduler? scheduler) : RecordedScenario(scheduler)
{
    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var worker2 = Scheduler is null ? await Worker.CreateAsync() : await SimulatedWorker.CreateAsync(Scheduler, seed: 1);
        try
        {
            return await RunAsync(worker2);
        }
        finally
        {
            await SettleAll(worker2.CloseAsync());
            if (Scheduler is null) Assert.True(worker2.IsSubprocessClosed); // the second mediasoup-worker has exited
        }
    }

    private async Task<IReadOnlyList<string>> RunAsync(Worker worker2)
    {
        var router1 = await Settle(worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs }));
        var router2 = await Settle(worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs }));
        Names[router1.Id] = "router1";
        Names[router2.Id] = "router2";
        var options = new WebRtcTransportOptions { ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }], EnableSctp = true };
        var send = await Settle(router1.CreateWebRtcTransportAsync(options));
        var receive = await Settle(router2.CreateWebRtcTransportAsync(options));
        Names[receive.Id] = "receive";
        var video = await Settle(send.ProduceAsync(ConsumerVideoProducerOptions));
        Names[video.Id] = "video";
        var chat = await Settle(send.ProduceDataAsync(new DataProducerOptions { SctpStreamParameters = new SctpStreamParameters { StreamId = 3 }, Label = "chat" }));
        Names[chat.Id] = "chat";

        var piped = await SettleAll(router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = video.Id, Router = router2 }));
        var pipeConsumer = piped.PipeConsumer!;
        Names[pipeConsumer.Id] = "pipeConsumer";
        Record("pipe consumer", pipeConsumer.Type, pipeConsumer.Score.Current(), pipeConsumer.PreferredLayers.Current(), pipeConsumer.ProducerPaused.Current());
        Record("pipe producer", piped.PipeProducer!.Id == video.Id, piped.PipeProducer.Type, piped.PipeProducer.Kind);
        var pipeTransport = Assert.IsType<PipeTransport>(pipeConsumer.Transport);
        Names[pipeTransport.Id] = "pipe1";
        Names[piped.PipeProducer.Transport.Id] = "pipe2";
        var pipeDump = Assert.IsType<PipeTransportDump>(await Settle(pipeTransport.DumpAsync()));
        Record("pipe transport", pipeDump.Rtx, pipeDump.SrtpParameters, pipeDump.Tuple.LocalAddress, pipeDump.Tuple.RemoteIp, pipeDump.Tuple.Protocol,
            pipeDump.ProducerIds.Count, pipeDump.ConsumerIds.Count, pipeDump.SctpParameters?.Port);
        var pipeStats = Assert.IsType<PipeTransportStats>(await Settle(pipeTransport.GetStatsAsync()));
        Record("pipe stats", pipeStats.Tuple.RemoteIp, pipeStats.SctpState);
        var pipedData = await SettleAll(router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = chat.Id, Router = router2 }));
        Record("piped data", pipedData.PipeDataConsumer!.Type, pipedData.PipeDataConsumer.SctpStreamParameters, pipedData.PipeDataProducer!.Id == chat.Id,
            pipedData.PipeDataProducer.Label);

        var consumer = await Settle(receive.ConsumeAsync(new ConsumerOptions { ProducerId = video.Id, RtpCapabilities = ConsumerDeviceCapabilities }));
        Names[consumer.Id] = "consumer";
        await SettleAll(video.PauseAsync());
        await WaitAsync(() => consumer.ProducerPaused.Current());
        Record("paused", pipeConsumer.ProducerPaused.Current(), piped.PipeProducer.Paused.Current(), consumer.ProducerPaused.Current());
        Record("router2", RouterPart(await Settle(router2.DumpAsync())));

        await SettleAll(video.CloseAsync());
        await WaitAsync(() => consumer.IsClosed && piped.PipeProducer.IsClosed);
        Record("after close", pipeConsumer.IsClosed, RouterPart(await Settle(router2.DumpAsync())));
        return Lines;
    }

    /// <summary>A command of several requests: on the simulation, one tick per request until it completes.</summary>
    private async Task<T> SettleAll<T>(Task<T> command)
    {
        await SettleAll((Task)command);
        return await command;
    }

    private async Task SettleAll(Task command)
    {
        // Each request of the command is answered in a tick of its own; nothing runs elsewhere (no real wait).
        for (int i = 0; Scheduler is not null && !command.IsCompleted && i < 100; i++) Scheduler.AdvanceBy(1);
        Assert.True(Scheduler is null || command.IsCompleted, "not answered within 100 ticks");
        await command;
    }
}
