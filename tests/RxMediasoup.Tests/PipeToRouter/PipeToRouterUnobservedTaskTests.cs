using RxMediasoup.Tests.Infrastructure;

namespace RxMediasoup.Tests.PipeToRouter;

/// <summary>
/// Regression (issue 7 §6.1): every pipe transport pair created by <c>PipeToRouterAsync</c> left a faulted seed
/// task nobody observed, so <see cref="TaskScheduler.UnobservedTaskException"/> fired once per pair.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PipeToRouterUnobservedTaskTests
{
    [Fact]
    public async Task PipingToNewRoutersLeavesNoUnobservedTaskException()
    {
        // Earlier tests' garbage is finalized before listening, so what is seen below comes from these calls.
        CollectAndFinalize();
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> handler = (_, e) => { lock (unobserved) unobserved.Add(e.Exception); };
        TaskScheduler.UnobservedTaskException += handler;
        try
        {
            await PipeAsync(pairs: 5);
            CollectAndFinalize();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= handler;
        }
        lock (unobserved) Assert.Empty(unobserved);
    }

    /// <summary>Creates <paramref name="pairs"/> pipe transport pairs (one per new router) and closes everything.</summary>
    private static async Task PipeAsync(int pairs)
    {
        // The targets are on a second worker; KeepId = false since a worker takes one id once (several targets there).
        var worker = await RxMediasoup.Worker.CreateAsync();
        var worker2 = await RxMediasoup.Worker.CreateAsync();
        try
        {
            var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = PipeToRouterTests.MediaCodecs });
            var transport = await router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
            {
                ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
            });
            var producer = await transport.ProduceAsync(PipeToRouterTests.AudioProducerOptions);
            for (int i = 0; i < pairs; i++)
            {
                var target = await worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = PipeToRouterTests.MediaCodecs });
                var result = await router.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = producer.Id, Router = target, KeepId = false });
                Assert.NotNull(result.PipeConsumer);
                Assert.NotNull(result.PipeProducer);
            }
        }
        finally
        {
            await worker.CloseAsync();
            await worker2.CloseAsync();
        }
    }

    private static void CollectAndFinalize()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
