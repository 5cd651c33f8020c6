using RxMediasoup.Tests.Infrastructure;

namespace RxMediasoup.Tests.Consumers;

/// <summary>
/// The managed heap a consumer keeps, with ONE <c>Score</c> subscription (issue 10 §3: at most 0.35× Node's heap per
/// consumer, ≈ 1,330 B against Node's 3,809 B). Measured ~1,090 B here (the benchmark's create workload: ~1,100 B):
/// the consumer (~260 B: its state values live in fields until a stream is subscribed), the Score subject and the
/// subscription (~220 B with the Rx observer), its id string, its own RTP encoding, its notification sink and the
/// handler, transport and producer table entries. Before streams were created on first use, with a lock object per
/// stream and a stream name string per entity, it was ~3,150 B: nine subjects per consumer. docs/profiles/heap.md has
/// the breakdown by type.
/// </summary>
[Collection(SerialCollection.Name)]
public class ConsumerHeapTests
{
    private const int Count = 500;

    // ~1,090 B measured + ~22 % margin: GC.GetTotalMemory counts the whole process, and the test host's own threads
    // allocate now and then. Two more subjects per consumer (~200 B), or a copy of the codec list per consumer, fail it.
    private const long MaxBytesPerConsumer = 1_330;

    private static readonly RtpCodecCapability Opus = new()
    {
        Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2, PreferredPayloadType = 100,
    };

    // A simulated worker keeps its own state on this process's heap, which would be counted too.
    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task AConsumerWithOneScoreSubscriptionKeepsAtMost1330Bytes()
    {
        var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        try
        {
            double perConsumer = await BytesPerConsumerAsync(worker);
            Assert.True(perConsumer <= MaxBytesPerConsumer,
                $"{perConsumer:F0} B of managed heap kept per consumer with one Score subscription (at most {MaxBytesPerConsumer})");
        }
        finally
        {
            await worker.CloseAsync();
        }
    }

    private static async Task<double> BytesPerConsumerAsync(Worker worker)
    {
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [Opus] }).ConfigureAwait(false);
        var listen = new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = new PortRange(20000, 40000) }],
        };
        var sender = await router.CreateWebRtcTransportAsync(listen).ConfigureAwait(false);
        var producer = await sender.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = new RtpParameters
            {
                Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
                Encodings = [new RtpEncodingParameters { Ssrc = 11_111_111 }],
            },
        }).ConfigureAwait(false);
        var receivers = new WebRtcTransport[10];
        for (int i = 0; i < receivers.Length; i++) receivers[i] = await router.CreateWebRtcTransportAsync(listen).ConfigureAwait(false);
        var options = new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities };

        // Warm-up: the JIT, the channel's buffers and the tables' first growth settle.
        for (int i = 0; i < 50; i++)
        {
            var c = await receivers[i % receivers.Length].ConsumeAsync(options).ConfigureAwait(false);
            c.Score.Subscribe(_ => { }).Dispose();
            await c.CloseAsync().ConfigureAwait(false);
        }

        var consumers = new Consumer[Count];
        var subscriptions = new IDisposable[Count];
        long before = HeapAfterFullGc();
        for (int i = 0; i < Count; i++)
        {
            consumers[i] = await receivers[i % receivers.Length].ConsumeAsync(options).ConfigureAwait(false);
            subscriptions[i] = consumers[i].Score.Subscribe(_ => { });
        }
        long after = HeapAfterFullGc();
        GC.KeepAlive(consumers);
        GC.KeepAlive(subscriptions);
        await router.CloseAsync().ConfigureAwait(false);
        return (double)(after - before) / Count;
    }

    private static long HeapAfterFullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
