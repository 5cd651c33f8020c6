using RxMediasoup.Channel;

namespace RxMediasoup.Tests.Routers;

/// <summary>
/// The work of a close cascade (issue 10 §3, "close a router holding 1,000 consumers"): closing a router whose
/// consumers each have one <see cref="MediasoupEntity.Closed"/> subscriber posts about one delivery per consumer, and
/// allocates a bounded amount per consumer. Before the fix every consumer posted ~11 items (its removal from
/// <c>Transport.Consumers</c> as its own change set, a completion per stream even with nobody subscribed, its Closed
/// value and completion as two items) and allocated ~1.6 KB (an immutable-dictionary removal per consumer among them).
/// Both are counted on the closing thread, where the whole cascade runs (<see cref="MediasoupEntity.CloseAsync"/>
/// closes synchronously before it sends the request), so other threads do not disturb the figures.
/// </summary>
public sealed class RouterCloseCascadeCostTests : IAsyncLifetime
{
    private const int Consumers = 300;

    // Items the cascade posts beyond one per consumer: the router's, the transports' and the producer's own Closed
    // (nobody subscribed here, so none), the collections' removals (no subscriber either): a small constant.
    private const int MaxExtraItems = 20;

    // Measured ~300 B per consumer on the closing thread (its Closed delivery to the subscriber, the delivery record,
    // the handler-id bookkeeping). 700 B leaves room for the runtime's variations (tiering, stack allocation) and
    // fails on what the fix removed (≥ 1.5 KB).
    private const long MaxBytesPerConsumer = 700;

    private RxMediasoup.Worker _worker = null!;

    public async Task InitializeAsync() => _worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    public async Task ClosingARouterPostsOneDeliveryPerClosedSubscriberAndAllocatesABoundedAmountPerConsumer()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [Opus] });
        var producerTransport = await router.CreateDirectTransportAsync();
        var producer = await producerTransport.ProduceAsync(AudioProducer);
        var consumerTransport = await router.CreateDirectTransportAsync();
        var consumers = new Consumer[Consumers];
        for (int i = 0; i < Consumers; i++)
            consumers[i] = await consumerTransport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });
        var reasons = new List<CloseReason>();
        int open = Consumers;
        var allCompleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var consumer in consumers)
            consumer.Closed.Subscribe(r => { lock (reasons) reasons.Add(r); }, () => { if (Interlocked.Decrement(ref open) == 0) allCompleted.TrySetResult(); });

        long posted = DeliveryQueue.PostedOnThisThread;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var closing = router.CloseAsync(); // the cascade runs here, synchronously
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        posted = DeliveryQueue.PostedOnThisThread - posted;
        await closing;

        await allCompleted.Task.WaitAsync(TimeSpan.FromSeconds(10)); // every consumer's Closed completed
        lock (reasons) Assert.Equal(Enumerable.Repeat(CloseReason.TransportClosed, Consumers), reasons);
        Assert.All(consumers, c => Assert.Equal(0, c.SubscriberCount));
        Assert.Empty(consumerTransport.Consumers.Items);
        long perConsumer = allocated / Consumers;
        string figures = $"closing {Consumers} consumers: {posted} delivery items posted (at most {Consumers + MaxExtraItems}), {perConsumer} B allocated per consumer (at most {MaxBytesPerConsumer})";
        Assert.True(posted <= Consumers + MaxExtraItems, figures);
        Assert.True(perConsumer <= MaxBytesPerConsumer, figures);
    }

    private static readonly RtpCodecCapability Opus = new()
    {
        Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2, PreferredPayloadType = 100,
    };

    private static ProducerOptions AudioProducer => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = new RtpParameters
        {
            Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
            Encodings = [new RtpEncodingParameters { Ssrc = 1111 }],
        },
    };
}
