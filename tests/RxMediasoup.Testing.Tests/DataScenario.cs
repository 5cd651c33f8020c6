using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Testing.Tests;

/// <summary>Data producers and consumers, SCTP and direct, recorded for <see cref="DifferentialTests"/>.</summary>
internal sealed class DataScenario(Worker worker, TestScheduler? scheduler) : RecordedScenario(scheduler)
{
    private static readonly WebRtcTransportOptions SctpOptions = new()
    {
        ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        EnableSctp = true,
    };

    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var router = await Settle(worker.CreateRouterAsync());
        Names[router.Id] = "router";
        var sctp1 = Name(await Settle(router.CreateWebRtcTransportAsync(SctpOptions)), "sctp1");
        var sctp2 = Name(await Settle(router.CreateWebRtcTransportAsync(SctpOptions)), "sctp2");
        var direct = Name(await Settle(router.CreateDirectTransportAsync()), "direct");
        var plain = Name(await Settle(router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
        })), "plain");
        Record("sctp parameters", sctp1.SctpParameters, sctp1.SctpState.Current(), sctp1.SctpNegotiatedCapabilities.Current());

        var sctpProducer = await Settle(sctp1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 12345, Ordered = false, MaxPacketLifeTime = 5000 },
            Label = "foo",
            Protocol = "bar",
        }));
        Names[sctpProducer.Id] = "sctpProducer";
        var directProducer = await Settle(direct.ProduceDataAsync(new DataProducerOptions { Label = "d", Paused = true }));
        Names[directProducer.Id] = "directProducer";
        Record("producers", sctpProducer.Type, sctpProducer.SctpStreamParameters, directProducer.Type, directProducer.Paused.Current());
        Record("sctp producer dump", await Settle(sctpProducer.DumpAsync()));
        Record("direct producer stats", await Settle(directProducer.GetStatsAsync()));

        var sctpConsumer = await Settle(sctp2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = sctpProducer.Id }));
        Names[sctpConsumer.Id] = "sctpConsumer";
        var directConsumer = await Settle(direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = sctpProducer.Id, Subchannels = [5, 1] }));
        Names[directConsumer.Id] = "directConsumer";
        var ofPaused = await Settle(sctp2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = directProducer.Id }));
        Names[ofPaused.Id] = "ofPaused";
        Record("consumers", sctpConsumer.Type, sctpConsumer.SctpStreamParameters, directConsumer.Type, ofPaused.DataProducerPaused.Current());
        Record("sctp consumer dump", await Settle(sctpConsumer.DumpAsync()));
        Record("direct consumer dump", await Settle(directConsumer.DumpAsync()));
        Record("consumer stats", await Settle(sctpConsumer.GetStatsAsync()));

        await Settle(sctpProducer.PauseAsync());
        await WaitAsync(() => sctpConsumer.DataProducerPaused.Current() && directConsumer.DataProducerPaused.Current());
        await Settle(directProducer.ResumeAsync());
        await WaitAsync(() => !ofPaused.DataProducerPaused.Current());
        await Settle(sctpConsumer.PauseAsync());
        await Settle(directConsumer.AddSubchannelAsync(3));
        await Settle(directConsumer.RemoveSubchannelAsync(5));
        await Settle(sctpConsumer.SetSubchannelsAsync([9, 2, 9]));
        await Settle(sctpConsumer.SetBufferedAmountLowThresholdAsync(777));
        Record("buffered amount", await Settle(sctpConsumer.GetBufferedAmountAsync()));
        Record("paused dumps", await Settle(sctpConsumer.DumpAsync()), await Settle(directConsumer.DumpAsync()), await Settle(ofPaused.DumpAsync()));
        Record("transport dumps", DataPart(await Settle(sctp1.DumpAsync())), DataPart(await Settle(sctp2.DumpAsync())),
            DataPart(await Settle(direct.DumpAsync())), DataPart(await Settle(plain.DumpAsync())));
        Record("router dump", RouterPart(await Settle(router.DumpAsync())));

        // The worker's validation errors.
        await RejectAsync("direct on sctp", () => sctp1.ProduceDataAsync());
        await RejectAsync("sctp not enabled", () => plain.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
        }));
        await RejectAsync("same stream id", () => sctp1.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 12345 },
        }));
        await RejectAsync("unknown data producer", () => sctp2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = "3c0bb13c-0000-4000-8000-000000000000" }));
        await RejectAsync("send on direct", () => directConsumer.SendAsync("hi"));
        await RejectAsync("send on sctp, not connected", () => sctpConsumer.SendAsync("hi"));
        await RejectAsync("buffered amount of direct", () => directConsumer.GetBufferedAmountAsync());

        // The producer's close reaches its consumers (dataproducerclose) and the transports forget them.
        await Settle(sctpProducer.CloseAsync());
        await WaitAsync(() => sctpConsumer.IsClosed && directConsumer.IsClosed);
        Record("after close", DataPart(await Settle(direct.DumpAsync())), RouterPart(await Settle(router.DumpAsync())));
        return Lines;
    }

}
