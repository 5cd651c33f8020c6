using RxMediasoup;

/// <summary>
/// Workload 2 of scripts/bench.sh: one router, then --transports WebRtcTransports (UDP on 127.0.0.1), --producers audio
/// producers (one on each of the first transports), --consumers consumers (on the remaining transports, each with ONE
/// Score subscription — the Node side adds one 'score' listener), --inflight requests outstanding in each phase.
/// Per phase: wall time, rate, host CPU per entity, allocations per entity, and the managed heap the phase's entities
/// keep (after full collections) per entity. First an unmeasured warm-up: the same at 1/16 the counts in a router that
/// is then closed.
///
///   dotnet RxMediasoup.Benchmarks.dll suite create [--transports 500] [--producers 250] [--consumers 1000] [--inflight 16]
/// </summary>
internal static class CreateBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = SuiteKit.Options(args, new() { ["transports"] = 500, ["producers"] = 250, ["consumers"] = 1000, ["inflight"] = 16 });
        if (o["producers"] < 1 || o["transports"] <= o["producers"] || o["consumers"] < 1)
            throw new ArgumentException("need --producers >= 1, --transports > --producers (the rest hold the consumers), --consumers >= 1");
        await using var worker = await SuiteKit.CreateWorkerAsync();
        var probe = new Probe(worker);

        var warm = await CreateAllAsync(worker, Scale(o, 16), null, null);
        await warm.Router.CloseAsync();

        var line = SuiteKit.Head("create", worker);
        line["inflight"] = o["inflight"];
        var phases = new Dictionary<string, object?>();
        var heap = new Dictionary<string, object?>();
        long heapStart = SuiteKit.HeapAfterFullGc();
        var entities = await CreateAllAsync(worker, o, probe, (phase, count, window, heapAfter) =>
        {
            phases[phase] = window;
            heap[phase] = heapAfter;
        });
        long heapEnd = SuiteKit.HeapAfterFullGc();
        line["measures"] = phases;
        line["heap_b"] = heap;
        line["heap_start_b"] = heapStart;
        int total = 1 + o["transports"] + o["producers"] + o["consumers"];
        line["entities"] = total;
        line["heap_b_per_entity"] = Math.Round((double)(heapEnd - heapStart) / total, 1);
        GC.KeepAlive(entities);
        await entities.Router.CloseAsync();
        SuiteKit.Print(line);
        return 0;
    }

    private static Dictionary<string, int> Scale(Dictionary<string, int> o, int by) => new()
    {
        ["transports"] = Math.Max(2, o["transports"] / by),
        ["producers"] = Math.Max(1, o["producers"] / by),
        ["consumers"] = Math.Max(1, o["consumers"] / by),
        ["inflight"] = o["inflight"],
    };

    private sealed record Entities(Router Router, WebRtcTransport[] Transports, Producer[] Producers, Consumer[] Consumers, IDisposable[] Subscriptions);

    /// <summary>
    /// Creates everything; when <paramref name="probe"/> is given, measures each phase and reports it with the heap per
    /// entity that phase added (after full collections, outside the timed window).
    /// </summary>
    private static async Task<Entities> CreateAllAsync(Worker worker, Dictionary<string, int> o, Probe? probe,
        Action<string, int, Dictionary<string, object?>, double>? report)
    {
        int inFlight = o["inflight"], nt = o["transports"], np = o["producers"], nc = o["consumers"];
        var transportOptions = new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = new PortRange(20000, 40000) }],
        };
        var transports = new WebRtcTransport[nt];
        var producers = new Producer[np];
        var consumers = new Consumer[nc];
        var subscriptions = new IDisposable[nc];
        long heap = probe is null ? 0 : SuiteKit.HeapAfterFullGc();
        Router router = null!;

        async Task Phase(string name, int count, Func<int, Task> create)
        {
            probe?.Start();
            await SuiteKit.ForEachAsync(count, inFlight, create);
            if (probe is null) return;
            var window = probe.Stop(count);
            long after = SuiteKit.HeapAfterFullGc();
            window["heap_b_per_entity"] = Math.Round((double)(after - heap) / count, 1);
            report!(name, count, window, after);
            heap = after;
        }

        await Phase("router", 1, async _ => router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [SuiteKit.Opus] }));
        await Phase("transports", nt, async i => transports[i] = await router.CreateWebRtcTransportAsync(transportOptions));
        await Phase("producers", np, async i => producers[i] = await transports[i].ProduceAsync(SuiteKit.AudioProducer((uint)(10_000 + i))));
        int consumerTransports = nt - np;
        await Phase("consumers", nc, async i =>
        {
            var consumer = await transports[np + i % consumerTransports].ConsumeAsync(new ConsumerOptions
            {
                ProducerId = producers[i % np].Id,
                RtpCapabilities = router.RtpCapabilities,
            });
            subscriptions[i] = consumer.Score.Subscribe(_ => { });
            consumers[i] = consumer;
        });
        return new Entities(router, transports, producers, consumers, subscriptions);
    }
}
