using System.Diagnostics;
using RxMediasoup;

/// <summary>
/// A router whose DirectTransport producer (opus) is consumed --consumers times on ONE PlainTransport connected to
/// 127.0.0.1:9 (nothing listens there: the worker sends the RTP into the void, and nothing in the harness reads it).
/// Shared by the fan-out and close workloads, and built the same way by the Node side.
/// </summary>
internal sealed record ConsumerFarm(Router Router, DirectProducer Producer, PlainTransport Sink, Consumer[] Consumers)
{
    public static async Task<ConsumerFarm> CreateAsync(Worker worker, int consumers, int inFlight)
    {
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [SuiteKit.Opus] });
        var direct = await router.CreateDirectTransportAsync();
        var producer = (DirectProducer)await direct.ProduceAsync(SuiteKit.AudioProducer(1111));
        var sink = await router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
            RtcpMux = true,
            Comedia = false,
        });
        await sink.ConnectAsync("127.0.0.1", 9);
        var all = new Consumer[consumers];
        await SuiteKit.ForEachAsync(consumers, inFlight, async i =>
            all[i] = await sink.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities }));
        return new ConsumerFarm(router, producer, sink, all);
    }
}

/// <summary>
/// Workload 3 of scripts/bench.sh: notification fan-out. --consumers consumers with the 'rtp' trace event enabled and
/// one Trace subscription each; the producer is fed --rate packets per second (a fixed rate: the worker's pace is not
/// what is measured) for --ms milliseconds after a warm-up of --warmup-ms at the same rate. Measured from the first
/// packet until every notification arrived (or --drain-ms more passed): notifications per second delivered to
/// subscribers and host CPU per notification (which includes the feeding loop: 50 sends and 200 timer ticks a second,
/// negligible against 50,000 notifications).
///
///   dotnet RxMediasoup.Benchmarks.dll suite fanout [--consumers 1000] [--rate 50] [--ms 5000] [--warmup-ms 1000]
/// </summary>
internal static class FanoutBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = SuiteKit.Options(args, new()
        {
            ["consumers"] = 1000, ["rate"] = 50, ["ms"] = 5000, ["warmup-ms"] = 1000, ["drain-ms"] = 5000, ["inflight"] = 16, ["size"] = 200,
        });
        await using var worker = await SuiteKit.CreateWorkerAsync();
        var farm = await ConsumerFarm.CreateAsync(worker, o["consumers"], o["inflight"]);
        long delivered = 0;
        var subscriptions = new List<IDisposable>();
        await SuiteKit.ForEachAsync(farm.Consumers.Length, o["inflight"], c => farm.Consumers[c].EnableTraceEventAsync([ConsumerTraceEventType.Rtp]));
        foreach (var consumer in farm.Consumers)
            subscriptions.Add(consumer.Trace.Subscribe(_ => Interlocked.Increment(ref delivered)));

        var packet = SuiteKit.RtpPacket(o["size"], 0, 1111);
        int seq = 0;
        async Task<(long Sent, long Expected)> FeedAsync(int ms)
        {
            long start = Stopwatch.GetTimestamp(), sent = 0;
            for (double elapsed = 0; elapsed < ms; elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds)
            {
                long due = (long)(elapsed * o["rate"] / 1000) + 1;
                for (; sent < due; sent++)
                {
                    // A fresh copy per packet: Send may hand the bytes to the writer after it returns.
                    var copy = (byte[])packet.Clone();
                    SuiteKit.SetSequence(copy, seq++);
                    farm.Producer.Send(copy);
                }
                await Task.Delay(5);
            }
            return (sent, sent * farm.Consumers.Length);
        }
        async Task DrainAsync(long target)
        {
            long start = Stopwatch.GetTimestamp();
            while (Interlocked.Read(ref delivered) < target && Stopwatch.GetElapsedTime(start).TotalMilliseconds < o["drain-ms"])
                await Task.Delay(2);
        }

        var (_, warmExpected) = await FeedAsync(o["warmup-ms"]);
        await DrainAsync(warmExpected);
        Interlocked.Exchange(ref delivered, 0);

        var probe = new Probe(worker).Start();
        var (sent, expected) = await FeedAsync(o["ms"]);
        await DrainAsync(expected);
        long got = Interlocked.Read(ref delivered);
        var window = probe.Stop(got);
        window["packets"] = sent;
        window["expected"] = expected;
        window["offered_per_s"] = Math.Round(o["rate"] * (double)farm.Consumers.Length, 1);

        var line = SuiteKit.Head("fanout", worker);
        line["consumers"] = farm.Consumers.Length;
        line["rate_pps"] = o["rate"];
        line["measures"] = new Dictionary<string, object?> { ["fanout"] = window };
        foreach (var s in subscriptions) s.Dispose();
        await farm.Router.CloseAsync();
        SuiteKit.Print(line);
        // Not a failure: a starved machine may not drain in time; the summary shows delivered against expected.
        if (got != expected) Console.Error.WriteLine($"fanout: {got} of {expected} notifications delivered");
        return 0;
    }
}
