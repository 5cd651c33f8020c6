using System.Reactive.Linq;

namespace RxMediasoup.Tests.Protocol;

/// <summary>
/// The fields the mediasoup 3.27 schema added or widened, against the real worker: 64-bit transport bitrates, the SCTP
/// default stream buffered-amount-low threshold and DataProducer.send()'s ignoredSubchannel.
/// </summary>
public sealed class Mediasoup327SchemaTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static WebRtcTransportOptions Sctp(int? threshold = null) => threshold is { } t
        ? Data.DataProducerTests.SctpOptions() with { SctpDefaultStreamBufferedAmountLowThreshold = t }
        : Data.DataProducerTests.SctpOptions();

    [Fact]
    public async Task BitratesAbove32BitsReachTheWorkerAndComeBackInStats()
    {
        const long fiveGbps = 5_000_000_000; // > uint.MaxValue: the earlier schema's uint32 fields could not carry it
        var transport = await _router.CreateWebRtcTransportAsync(Sctp() with { InitialAvailableOutgoingBitrate = fiveGbps });
        await transport.SetMaxIncomingBitrateAsync(fiveGbps);
        await transport.SetMaxOutgoingBitrateAsync(fiveGbps + 1);
        await transport.SetMinOutgoingBitrateAsync(fiveGbps);
        var stats = await transport.GetStatsAsync();
        Assert.Equal(fiveGbps, stats.MaxIncomingBitrate);
        Assert.Equal(fiveGbps + 1, stats.MaxOutgoingBitrate);
        Assert.Equal(fiveGbps, stats.MinOutgoingBitrate);

        // The worker's own limit (int64 max − 1) is the highest accepted value.
        await transport.SetMaxIncomingBitrateAsync(long.MaxValue - 1);
        Assert.Equal(long.MaxValue - 1, (await transport.GetStatsAsync()).MaxIncomingBitrate);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transport.SetMaxIncomingBitrateAsync(long.MaxValue));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => transport.SetMaxOutgoingBitrateAsync(-1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => _router.CreateWebRtcTransportAsync(Sctp() with { InitialAvailableOutgoingBitrate = long.MaxValue }));
        // Still the worker's lower limit for outgoing bitrates.
        await Assert.ThrowsAsync<ArgumentException>(() => transport.SetMaxOutgoingBitrateAsync(29_999));
    }

    [Fact]
    public async Task EncodingMaxBitrateAbove32BitsRoundTripsThroughTheWorker()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Media.MediaTestData.ProducerMediaCodecs });
        var transport = await router.CreateWebRtcTransportAsync(Sctp());
        var options = Media.MediaTestData.ProducerAudioOptions;
        var producer = await transport.ProduceAsync(options with
        {
            RtpParameters = options.RtpParameters with
            {
                Encodings = [new RtpEncodingParameters { Ssrc = 11111111, MaxBitrate = 6_000_000_000 }],
            },
        });
        // The worker parses it (its dump leaves maxBitrate out, as earlier workers did; RtpParametersProtocolTests checks the bytes).
        Assert.Equal(6_000_000_000, Assert.Single(producer.RtpParameters.Encodings).MaxBitrate);
        Assert.Equal(11111111u, Assert.Single((await producer.DumpAsync()).RtpParameters.Encodings).Ssrc);
    }

    [Fact]
    public async Task SctpDefaultStreamBufferedAmountLowThresholdIsTheDataConsumersThreshold()
    {
        var producerTransport = await _router.CreateWebRtcTransportAsync(Sctp());
        var dataProducer = await producerTransport.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
        });

        var custom = await _router.CreateWebRtcTransportAsync(Sctp(threshold: 5000));
        var customConsumer = await custom.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        Assert.Equal(5000, customConsumer.BufferedAmountLowThreshold);
        Assert.Equal(5000, (await customConsumer.DumpAsync()).BufferedAmountLowThreshold);

        var byDefault = await _router.CreateWebRtcTransportAsync(Sctp());
        var defaultConsumer = await byDefault.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        Assert.Equal(1024, (await defaultConsumer.DumpAsync()).BufferedAmountLowThreshold);

        // A data consumer still overrides it.
        await customConsumer.SetBufferedAmountLowThresholdAsync(300);
        Assert.Equal(300, (await customConsumer.DumpAsync()).BufferedAmountLowThreshold);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _router.CreateWebRtcTransportAsync(Sctp(threshold: -1)));
    }

    [Fact]
    public async Task PipeToRouterPassesTheSctpDefaultThreshold()
    {
        var router2 = await _worker.CreateRouterAsync();
        var transport = await _router.CreateWebRtcTransportAsync(Sctp());
        var dataProducer = await transport.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
        });
        var result = await _router.PipeToRouterAsync(new PipeToRouterOptions
        {
            DataProducerId = dataProducer.Id,
            Router = router2,
            KeepId = false, // both routers are in one worker
            SctpDefaultStreamBufferedAmountLowThreshold = 7777,
        });
        Assert.Equal(7777, (await result.PipeDataConsumer!.DumpAsync()).BufferedAmountLowThreshold);
    }

    [Fact]
    public async Task IgnoredSubchannelKeepsAMessageFromItsSubscribers()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var dataProducer = await directTransport.ProduceDataAsync();
        var dataConsumer1 = await directTransport.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = dataProducer.Id,
            Subchannels = [1, 11, 666],
        });
        var dataConsumer2 = await directTransport.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = dataProducer.Id,
            Subchannels = [2, 22, 666],
        });
        var received1 = new List<string>();
        var received2 = new List<string>();
        var gate = new object();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnMessage(List<string> list, string text)
        {
            lock (gate)
            {
                list.Add(text);
                if (received1.Contains("end") && received2.Contains("end")) done.TrySetResult();
            }
        }
        using var s1 = dataConsumer1.Messages.Subscribe(m => OnMessage(received1, m.Text));
        using var s2 = dataConsumer2.Messages.Subscribe(m => OnMessage(received2, m.Text));

        dataProducer.Send("dc2", ignoredSubchannel: 11);
        dataProducer.Send("dc1", subchannels: [1, 2], ignoredSubchannel: 22);
        dataProducer.Send("none", ignoredSubchannel: 666);
        dataProducer.Send("none", subchannels: [666], requiredSubchannel: 666, ignoredSubchannel: 666);
        dataProducer.Send("both", ignoredSubchannel: 3);
        dataProducer.Send("end");

        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        lock (gate)
        {
            Assert.Equal(["dc1", "both", "end"], received1);
            Assert.Equal(["dc2", "both", "end"], received2);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => dataProducer.Send("x", ignoredSubchannel: 65536));
    }
}
