using RxMediasoup;

/// <summary>
/// Workload 5 of scripts/bench.sh: close a router holding --consumers consumers (the fan-out's ConsumerFarm, no
/// traffic) and time it from the close call until every consumer's Closed stream has completed. The first cycle in
/// this fresh process is "cold" (the close path never ran); then --warm-cycles unmeasured cycles; the last is "warm".
/// Setting up each router is outside the timed window.
///
///   dotnet RxMediasoup.Benchmarks.dll suite close [--consumers 1000] [--warm-cycles 3]
/// </summary>
internal static class CloseBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var o = SuiteKit.Options(args, new() { ["consumers"] = 1000, ["warm-cycles"] = 3, ["inflight"] = 16 });
        await using var worker = await SuiteKit.CreateWorkerAsync();
        var measures = new Dictionary<string, object?>();
        for (int cycle = 0; cycle < o["warm-cycles"] + 2; cycle++)
        {
            var farm = await ConsumerFarm.CreateAsync(worker, o["consumers"], o["inflight"]);
            int open = farm.Consumers.Length;
            var allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            foreach (var consumer in farm.Consumers)
                consumer.Closed.Subscribe(_ => { }, () => { if (Interlocked.Decrement(ref open) == 0) allClosed.TrySetResult(); });
            long jitMethods0 = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitTime0 = System.Runtime.JitInfo.GetCompilationTime();
            var probe = new Probe(worker).Start();
            var closing = farm.Router.CloseAsync();
            await allClosed.Task.WaitAsync(TimeSpan.FromMinutes(1));
            var window = probe.Stop(farm.Consumers.Length);
            // Diagnostics (read after the window, not in it): methods the JIT compiled during the close, and its time.
            window["jit_methods"] = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods0;
            window["jit_ms"] = Math.Round((System.Runtime.JitInfo.GetCompilationTime() - jitTime0).TotalMilliseconds, 2);
            await closing;
            if (cycle == 0) measures["close_cold"] = window;
            else if (cycle == o["warm-cycles"] + 1) measures["close_warm"] = window;
        }
        var line = SuiteKit.Head("close", worker);
        line["consumers"] = o["consumers"];
        line["measures"] = measures;
        SuiteKit.Print(line);
        return 0;
    }
}
