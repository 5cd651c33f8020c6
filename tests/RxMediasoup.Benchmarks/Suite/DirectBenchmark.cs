using RxMediasoup;

/// <summary>
/// Workload 4 of scripts/bench.sh, on one DirectTransport:
/// - "data": --count messages of --size bytes from a DataProducer to a DataConsumer of it (host → worker → host);
/// - "rtp": --count RTP packets of --size bytes from a DirectProducer to a Consumer of it on the same transport.
/// At most --window items are outstanding (sent, not yet received); when the window is full the sender waits until
/// half of it has arrived. Each after an unmeasured warm-up of --warmup items. Measured: items per second, host CPU
/// and allocations per item.
///
///   dotnet RxMediasoup.Benchmarks.dll suite direct [--count 100000] [--size 512] [--window 256] [--warmup 10000]
/// </summary>
internal static class DirectBenchmark
{
    private const int Ring = 4096; // buffers reused round-robin; more than any window, so none is reused while in flight

    public static async Task<int> RunAsync(string[] args)
    {
        var o = SuiteKit.Options(args, new() { ["count"] = 100_000, ["size"] = 512, ["window"] = 256, ["warmup"] = 10_000 });
        if (o["window"] < 2 || o["window"] > Ring / 2 || o["count"] < 1) throw new ArgumentException($"need 2 <= --window <= {Ring / 2}, --count >= 1");
        await using var worker = await SuiteKit.CreateWorkerAsync();
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [SuiteKit.Opus] });
        var transport = await router.CreateDirectTransportAsync();
        var line = SuiteKit.Head("direct", worker);
        line["size"] = o["size"];
        line["window"] = o["window"];
        var measures = new Dictionary<string, object?>();

        var dataProducer = await transport.ProduceDataAsync();
        var dataConsumer = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var messages = Enumerable.Range(0, Ring).Select(_ => new byte[o["size"]]).ToArray();
        measures["data"] = await MeasureAsync(worker, o, dataConsumer.Messages, i => dataProducer.Send(messages[i % Ring]));

        var producer = (DirectProducer)await transport.ProduceAsync(SuiteKit.AudioProducer(2222));
        var consumer = await transport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });
        var packets = Enumerable.Range(0, Ring).Select(_ => SuiteKit.RtpPacket(o["size"], 0, 2222)).ToArray();
        int seq = 0;
        measures["rtp"] = await MeasureAsync(worker, o, consumer.Rtp, i =>
        {
            var packet = packets[i % Ring];
            SuiteKit.SetSequence(packet, seq++);
            producer.Send(packet);
        });

        line["measures"] = measures;
        await router.CloseAsync();
        SuiteKit.Print(line);
        return 0;
    }

    /// <summary>Warm-up, then the measured run of --count sends through <paramref name="send"/>, received on <paramref name="received"/>.</summary>
    private static async Task<Dictionary<string, object?>> MeasureAsync<T>(Worker worker, Dictionary<string, int> o, IObservable<T> received, Action<int> send)
    {
        var flow = new Flow();
        using var subscription = received.Subscribe(_ => flow.OnReceived());
        long total = 0;
        async Task RunAsync(int count)
        {
            int window = o["window"];
            long end = total + count;
            for (; total < end; total++)
            {
                if (total - flow.Received >= window) await flow.UntilAsync(total - window / 2);
                send((int)(total % int.MaxValue));
            }
            await flow.UntilAsync(end).WaitAsync(TimeSpan.FromMinutes(2));
        }
        await RunAsync(o["warmup"]);
        var probe = new Probe(worker).Start();
        await RunAsync(o["count"]);
        return probe.Stop(o["count"]);
    }
}
