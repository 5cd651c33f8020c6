using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using RxMediasoup;

// The C# side of scripts/bench.sh's dump workload: worker.DumpAsync() round trips with N requests in flight; and of
// scripts/bench-telemetry.sh: the same, or WebRtcTransport create+close ("transports"), with a telemetry listener.
//
//   dotnet RxMediasoup.Benchmarks.dll dump --inflight 16 --count 100000 --warmup 5000 [--warmup-ms 2000]
//   dotnet RxMediasoup.Benchmarks.dll transports --count 2000 --telemetry activities
//   dotnet RxMediasoup.Benchmarks.dll paired dump --inflight 16 --count 10000 --phases 12 --telemetry meters
//   dotnet RxMediasoup.Benchmarks.dll suite create|fanout|direct|close [--option N …]   (scripts/bench.sh; Suite/)
//
// Built with -p:BenchBaseline=true (scripts/bench-telemetry.sh's no-telemetry reference, an older library) the
// BASELINE constant leaves out what that library lacks: in-process workers, the suite, the notification benchmark.
//
// --telemetry none|meters|activities|otel-metrics|otel (TelemetryModes.cs): what listens during the whole run.
//
// Warm-up (unmeasured): at least --warmup requests and at least --warmup-ms milliseconds of them (a request count alone
// warms the fast points, 256 in flight, for only a fraction of a second); then, on this side, until the JIT has
// settled (WarmUntilJitSettledAsync: pinned to one CPU, .NET's tiering takes far longer than the first second or two
// that V8 needs).
// Prints one JSON line; the same fields as tests/benchmarks-node/dump-bench.mjs, computed the same way:
// - exactly N requests outstanding: N async loops, each awaiting one DumpAsync at a time, until `count` completed;
// - per-request latency (send to completed await) in a preallocated array; p50/p99 by nearest rank;
// - CPU seconds (user+system) of this process and of the worker process over the measured window only,
//   from /proc/<pid>/stat (utime+stime) before and after;
// - machine_busy_s: non-idle CPU seconds of the whole machine in that window (/proc/stat), so that the CPU
//   taken by other processes (machine_busy_s - host_cpu_s - worker_cpu_s) shows how disturbed the run was.
// C#-only diagnostics: bytes allocated per request and the gen0/gen2 collections in the measured window.
#if !BASELINE
if (args.Length > 0 && args[0] == "notifications") return await NotificationBenchmark.RunAsync(args[1..]);
if (args.Length > 0 && args[0] == "suite") return await Suite.RunAsync(args[1..]);
#endif
if (args.Length > 0 && args[0] == "paired") return await PairedBenchmark.RunAsync(args[1..]);
return await Cli.RunAsync(args);

internal static class Cli
{
    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"bench: {e.Message}");
            await Console.Error.WriteLineAsync("usage: RxMediasoup.Benchmarks dump|transports [--inflight N] [--count N] [--warmup N] [--warmup-ms N] [--telemetry MODE]");
            return 2;
        }

        var result = await DumpBenchmark.RunAsync(options);
        Console.Out.WriteLine(JsonSerializer.Serialize(result, BenchJson.Default.DumpResult));
        return 0;
    }
}

internal sealed record Options(string Workload, int InFlight, int Count, int Warmup, int WarmupMs, string Telemetry = "none")
{
    public static Options Parse(string[] args)
    {
        var rest = new Queue<string>(args);
        string workload = rest.Count > 0 && !rest.Peek().StartsWith("--", StringComparison.Ordinal) ? rest.Dequeue() : "dump";
        int inFlight = 1, count = 100_000, warmup = 5_000, warmupMs = 0;
        string telemetry = "none";
        while (rest.Count > 0)
        {
            string key = rest.Dequeue();
            if (rest.Count == 0) throw new ArgumentException($"{key} needs a value");
            if (key == "--telemetry")
            {
                telemetry = rest.Dequeue();
                if (!TelemetryModes.All.Contains(telemetry)) throw new ArgumentException($"unknown telemetry mode {telemetry}");
                continue;
            }
            if (!int.TryParse(rest.Dequeue(), NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                throw new ArgumentException($"{key} needs a non-negative integer");
            switch (key)
            {
                case "--inflight": inFlight = value; break;
                case "--count": count = value; break;
                case "--warmup": warmup = value; break;
                case "--warmup-ms": warmupMs = value; break;
                default: throw new ArgumentException($"unknown option {key}");
            }
        }
        if (workload is not ("dump" or "transports")) throw new ArgumentException($"unknown workload {workload} (dump or transports)");
        if (inFlight < 1 || count < inFlight) throw new ArgumentException("need 1 <= --inflight <= --count");
        return new Options(workload, inFlight, count, warmup, warmupMs, telemetry);
    }
}

internal sealed record DumpResult(
    string Lib, string Workload, int Inflight, int Count, int Warmup, int WarmupMs, int WarmupDone,
    double Seconds, double Rps, double P50Us, double P99Us, double MaxUs,
    double HostCpuS, double WorkerCpuS, double MachineBusyS, int HostPid, int WorkerPid, string WorkerBin,
    double AllocBytesPerReq, int Gc0, int Gc2, string Runtime, string Telemetry = "none", double HostCpuPreciseS = 0);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DumpResult))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;

internal static class DumpBenchmark
{
    public static async Task<DumpResult> RunAsync(Options options)
    {
        using var telemetry = TelemetryModes.Attach(options.Telemetry);
        // BENCH_WORKER_MODE=InProcess: the worker runs on a thread of this process (libmediasoup-worker.so); its CPU is
        // that thread's (/proc/self/task/<tid>/stat) and the host's is the process's minus it.
#if BASELINE
        await using var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        bool inProcess = false; // the baseline library has no in-process workers
#else
        var mode = SuiteKit.Mode;
        await using var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn, Mode = mode });
        bool inProcess = mode == WorkerMode.InProcess;
#endif
        Func<Task> op = options.Workload == "transports" ? await TransportCycle(worker) : () => worker.DumpAsync();
        string workerStat = inProcess ? $"/proc/self/task/{worker.Pid.ToString(CultureInfo.InvariantCulture)}/stat" : ProcStat.StatPath(worker.Pid);
        string workerBin = inProcess ? ProcStat.InProcessWorkerLibrary()
            : File.ResolveLinkTarget($"/proc/{worker.Pid.ToString(CultureInfo.InvariantCulture)}/exe", false)?.FullName ?? "?";

        int warmupDone = 0;
        long warmupStart = Stopwatch.GetTimestamp();
        while (warmupDone < options.Warmup || Stopwatch.GetElapsedTime(warmupStart).TotalMilliseconds < options.WarmupMs)
        {
            int chunk = Math.Max(options.InFlight, Math.Min(options.Warmup > 0 ? options.Warmup : 10_000, 10_000));
            await RunLoopsAsync(op, options.InFlight, chunk, null);
            warmupDone += chunk;
        }
        warmupDone += await WarmUntilJitSettledAsync(op, options.InFlight, options.WarmupMs);
        var latencies = new long[options.Count];

        double machineBefore = ProcStat.MachineBusySeconds();
        double hostBefore = ProcStat.CpuSeconds(ProcStat.StatPath(Environment.ProcessId));
        double hostPreciseBefore = ProcStat.ProcessCpuSeconds();
        double workerBefore = ProcStat.CpuSeconds(workerStat);
        double workerPreciseBefore = inProcess ? ProcStat.ThreadCpuSeconds(worker.Pid) : 0;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        int gen0Before = GC.CollectionCount(0), gen2Before = GC.CollectionCount(2);
        long t0 = Stopwatch.GetTimestamp();
        await RunLoopsAsync(op, options.InFlight, options.Count, latencies);
        long elapsed = Stopwatch.GetTimestamp() - t0;
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        int gen0 = GC.CollectionCount(0) - gen0Before, gen2 = GC.CollectionCount(2) - gen2Before;
        double hostPrecise = ProcStat.ProcessCpuSeconds() - hostPreciseBefore;
        double hostCpu = ProcStat.CpuSeconds(ProcStat.StatPath(Environment.ProcessId)) - hostBefore;
        double workerCpu = ProcStat.CpuSeconds(workerStat) - workerBefore;
        if (inProcess) { hostCpu -= workerCpu; hostPrecise -= ProcStat.ThreadCpuSeconds(worker.Pid) - workerPreciseBefore; }
        double machineBusy = ProcStat.MachineBusySeconds() - machineBefore;

        Array.Sort(latencies);
        double seconds = (double)elapsed / Stopwatch.Frequency;
        double Us(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        return new DumpResult(
            Lib: inProcess ? "rxmediasoup-inprocess" : "rxmediasoup",
            Workload: options.Workload,
            Inflight: options.InFlight,
            Count: options.Count,
            Warmup: options.Warmup,
            WarmupMs: options.WarmupMs,
            WarmupDone: warmupDone,
            Seconds: Math.Round(seconds, 4),
            Rps: Math.Round(options.Count / seconds, 1),
            P50Us: Math.Round(Us(Percentile(latencies, 0.50)), 1),
            P99Us: Math.Round(Us(Percentile(latencies, 0.99)), 1),
            MaxUs: Math.Round(Us(latencies[^1]), 1),
            HostCpuS: Math.Round(hostCpu, 2),
            WorkerCpuS: Math.Round(workerCpu, 2),
            MachineBusyS: Math.Round(machineBusy, 2),
            HostPid: Environment.ProcessId,
            WorkerPid: worker.Pid,
            WorkerBin: workerBin,
            AllocBytesPerReq: Math.Round((double)allocated / options.Count, 0),
            Gc0: gen0,
            Gc2: gen2,
            Runtime: $".NET {Environment.Version} {(GCSettings.IsServerGC ? "server" : "workstation")} GC",
            Telemetry: options.Telemetry,
            HostCpuPreciseS: Math.Round(hostPrecise, 5));
    }

    /// <summary>Quiet spell of the JIT that counts as settled (see <see cref="WarmUntilJitSettledAsync"/>), at most.</summary>
    private const int JitQuietMs = 4_000;

    /// <summary>Longest the warm-up goes on waiting for the JIT to settle, at most.</summary>
    private const int JitSettleMaxMs = 30_000;

    /// <summary>
    /// Goes on warming up until the JIT has compiled nothing for <see cref="JitQuietMs"/> (at most
    /// <see cref="JitSettleMaxMs"/> more; both scaled down for a short --warmup-ms: 2× and 15× it, so a smoke run stays
    /// short); returns the operations run. .NET's tiered compilation promotes hot methods
    /// (tier 0 → instrumented → optimized) only after a quiet spell of call counting, and a process limited to ONE
    /// CPU waits ten times longer (TC_DelaySingleProcMultiplier): pinned, the fixed warm-up ended with the channel's
    /// code still at tier 0 (perf: ~30 % of the samples in QuickJitted/instrumented frames, 3–6× the host CPU per
    /// request of a settled process). Node's V8 optimizes within its fixed warm-up (with a 12 s warm-up it
    /// measures the same host CPU per request), so this evens out the state both sides are measured in.
    /// </summary>
    private static async Task<int> WarmUntilJitSettledAsync(Func<Task> op, int inFlight, int warmupMs)
    {
        int quietMs = Math.Min(JitQuietMs, 2 * warmupMs), maxMs = Math.Min(JitSettleMaxMs, 15 * warmupMs);
        int done = 0;
        long start = Stopwatch.GetTimestamp(), lastChange = start;
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (Stopwatch.GetElapsedTime(lastChange).TotalMilliseconds < quietMs
            && Stopwatch.GetElapsedTime(start).TotalMilliseconds < maxMs)
        {
            int chunk = Math.Max(inFlight, 2_000);
            await RunLoopsAsync(op, inFlight, chunk, null);
            done += chunk;
            long now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                lastChange = Stopwatch.GetTimestamp();
            }
        }
        return done;
    }

    /// <summary>One WebRtcTransport created and closed (a UDP listen info on 127.0.0.1) in a router of its own.</summary>
    internal static async Task<Func<Task>> TransportCycle(Worker worker)
    {
        var router = await worker.CreateRouterAsync();
        var transportOptions = new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = new PortRange(20000, 40000) }],
        };
        return async () =>
        {
            var transport = await router.CreateWebRtcTransportAsync(transportOptions).ConfigureAwait(false);
            await transport.CloseAsync().ConfigureAwait(false);
        };
    }

    /// <summary>Runs <paramref name="count"/> operations (dumps) with <paramref name="inFlight"/> outstanding.</summary>
    internal static Task RunLoopsAsync(Func<Task> op, int inFlight, int count, long[]? latencies)
    {
        var next = new StrongBox(-1);
        var loops = new Task[inFlight];
        for (int k = 0; k < inFlight; k++) loops[k] = Task.Run(() => LoopAsync(op, count, latencies, next));
        return Task.WhenAll(loops);
    }

    private static async Task LoopAsync(Func<Task> op, int count, long[]? latencies, StrongBox next)
    {
        while (true)
        {
            int i = Interlocked.Increment(ref next.Value);
            if (i >= count) return;
            long t0 = Stopwatch.GetTimestamp();
            await op().ConfigureAwait(false);
            if (latencies is not null) latencies[i] = Stopwatch.GetTimestamp() - t0;
        }
    }

    private static long Percentile(long[] sorted, double p)
    {
        int rank = Math.Max(1, (int)Math.Ceiling(p * sorted.Length));
        return sorted[rank - 1];
    }

    private sealed class StrongBox(int value)
    {
        public int Value = value;
    }
}

internal static class ProcStat
{
    private static readonly double ClockTicks = ReadClockTicks();

    public static string StatPath(int pid) => $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat";

    /// <summary>utime+stime in seconds, from a /proc/&lt;pid&gt;/stat (a process) or /proc/self/task/&lt;tid&gt;/stat (a thread).</summary>
    public static double CpuSeconds(string statPath)
    {
        string stat = File.ReadAllText(statPath);
        // The command name (field 2) may contain spaces: the fields after it start after the last ')'.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / ClockTicks;
    }

    /// <summary>
    /// CPU seconds (user+system, all threads) of this process from clock_gettime(CLOCK_PROCESS_CPUTIME_ID): nanosecond
    /// resolution, where /proc's utime+stime count 10 ms ticks (too coarse for a 1 % difference over a few seconds).
    /// </summary>
    public static unsafe double ProcessCpuSeconds()
    {
        const int CLOCK_PROCESS_CPUTIME_ID = 2;
        long* ts = stackalloc long[2]; // struct timespec { time_t tv_sec; long tv_nsec; } on 64-bit Linux
        if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, ts) != 0) return double.NaN;
        return ts[0] + ts[1] / 1e9;
    }

    /// <summary>
    /// CPU seconds of one thread of this process (the in-process worker's, by its tid), with the same nanosecond
    /// resolution as <see cref="ProcessCpuSeconds"/>: the kernel's per-thread CPU clock id, (~tid &lt;&lt; 3) | 6
    /// (CPUCLOCK_SCHED | CPUCLOCK_PERTHREAD_MASK). Subtracting a 10 ms-tick thread figure from the nanosecond process one
    /// came out negative in a short window.
    /// </summary>
    public static unsafe double ThreadCpuSeconds(int tid)
    {
        long* ts = stackalloc long[2];
        if (clock_gettime((~tid << 3) | 6, ts) != 0) return double.NaN;
        return ts[0] + ts[1] / 1e9;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern unsafe int clock_gettime(int clock, long* timespec);

    /// <summary>"in-process:" and the path of the worker library mapped into this process (/proc/self/maps).</summary>
    public static string InProcessWorkerLibrary() =>
        "in-process:" + (File.ReadLines("/proc/self/maps").Select(l => l[(l.IndexOf('/') is var i and >= 0 ? i : l.Length)..])
            .FirstOrDefault(path => path.EndsWith("/libmediasoup-worker.so", StringComparison.Ordinal)) ?? "?");

    /// <summary>Non-idle CPU seconds of the whole machine (all CPUs; steal counts as busy), from /proc/stat.</summary>
    public static double MachineBusySeconds()
    {
        string first = File.ReadLines("/proc/stat").First();
        long[] f = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return (f.Sum() - f[3] - f[4]) / ClockTicks; // minus idle and iowait
    }

    private static double ReadClockTicks()
    {
        try
        {
            using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
            string output = getconf.StandardOutput.ReadToEnd();
            getconf.WaitForExit();
            return double.TryParse(output.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out double ticks) && ticks > 0
                ? ticks
                : 100;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return 100;
        }
    }
}
