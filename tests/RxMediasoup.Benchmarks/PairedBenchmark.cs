using System.Diagnostics;
using System.Text.Json;
using RxMediasoup;

/// <summary>
/// A listener's cost measured inside one process (scripts/bench-telemetry.sh's paired groups): after a warm-up, phases
/// of --count operations alternate without a listener and with --telemetry's (attached before its phase, disposed
/// after), in the order none X X none none X X none … so that a drift over the run weighs on both alike. Each pair of
/// neighbouring phases (one without, one with) gives a ratio; the JIT state, the worker and the process are the same
/// for both, and the phases are a second or so apart, which cancels most of what other processes on the machine do.
///
///   dotnet RxMediasoup.Benchmarks.dll paired dump|transports [--inflight N] [--count N] [--phases N] [--warmup-ms N] --telemetry MODE
///   dotnet RxMediasoup.Benchmarks.dll paired dump [--inflight N] … --base path/to/other/RxMediasoup.dll
///
/// With --base PATH (dumps only) the other phases run, instead of a listener, the same dumps through another build of
/// the library loaded beside this one (<see cref="BaselineLibrary"/>: the library before telemetry), mode "base".
///
/// Prints one JSON line: the phases (mode, ops/s, host CPU µs/op from clock_gettime, bytes allocated/op).
/// </summary>
internal static class PairedBenchmark
{
    private sealed record Phase(string Mode, double Ops, double HostUs, double Alloc);

    public static async Task<int> RunAsync(string[] args)
    {
        string workload = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "dump";
        int inFlight = 1, count = 10_000, phases = 12, warmupMs = 1500;
        string telemetry = "meters";
        string? basePath = null;
        for (int i = workload == args.FirstOrDefault() ? 1 : 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--inflight": inFlight = int.Parse(args[i + 1]); break;
                case "--count": count = int.Parse(args[i + 1]); break;
                case "--phases": phases = int.Parse(args[i + 1]); break;
                case "--warmup-ms": warmupMs = int.Parse(args[i + 1]); break;
                case "--telemetry": telemetry = args[i + 1]; break;
                case "--base": basePath = args[i + 1]; break;
                default: await Console.Error.WriteLineAsync($"paired: unknown option {args[i]}"); return 2;
            }
        }
        if (!TelemetryModes.All.Contains(telemetry) || phases < 2 || count < inFlight || (basePath is not null && workload != "dump"))
        {
            await Console.Error.WriteLineAsync("paired: need a known --telemetry, --phases >= 2, --count >= --inflight; --base with dump only");
            return 2;
        }

        // Both workers with the default settings, so that they differ by the library only.
        await using var worker = await Worker.CreateAsync();
        await using var baseline = basePath is null ? null : await BaselineLibrary.LoadAsync(basePath);
        if (baseline is not null) telemetry = "base";
        Func<Task> op = workload == "transports" ? await DumpBenchmark.TransportCycle(worker) : () => worker.DumpAsync();
        Func<Task> OpOf(string mode) => mode == "base" ? baseline!.Dump : op;
        IDisposable Attach(string mode) => TelemetryModes.Attach(mode == "base" ? "none" : mode);
        // Warm-up under both modes: the listener's own code paths (or the other library) are jitted and tiered up too.
        var warmup = Stopwatch.StartNew();
        for (int k = 0; warmup.ElapsedMilliseconds < warmupMs || k < 2; k++)
        {
            string mode = k % 2 == 0 ? "none" : telemetry;
            using (Attach(mode))
                await DumpBenchmark.RunLoopsAsync(OpOf(mode), inFlight, Math.Max(inFlight, count / 4), null);
        }

        var results = new List<Phase>();
        for (int p = 0; p < phases; p++)
        {
            string mode = (p + 1) / 2 % 2 == 0 ? "none" : telemetry;
            using var listener = Attach(mode);
            long allocated = GC.GetTotalAllocatedBytes(precise: false);
            double cpu = ProcStat.ProcessCpuSeconds();
            long t0 = Stopwatch.GetTimestamp();
            await DumpBenchmark.RunLoopsAsync(OpOf(mode), inFlight, count, null);
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            cpu = ProcStat.ProcessCpuSeconds() - cpu;
            allocated = GC.GetTotalAllocatedBytes(precise: false) - allocated;
            results.Add(new Phase(mode, Math.Round(count / seconds, 1), Math.Round(cpu * 1e6 / count, 3), Math.Round((double)allocated / count, 1)));
        }
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            lib = "rxmediasoup",
            workload,
            inflight = inFlight,
            count,
            telemetry,
            phases = results.Select(r => new { mode = r.Mode, ops = r.Ops, host_us = r.HostUs, alloc = r.Alloc }),
        }));
        return 0;
    }
}
