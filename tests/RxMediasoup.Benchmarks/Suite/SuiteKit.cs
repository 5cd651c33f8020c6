using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using RxMediasoup;

/// <summary>
/// What the workloads of scripts/bench.sh (issue 10 §2: create, fanout, direct, close) share with their Node twins in
/// tests/benchmarks-node/suite-bench.mjs: options, the worker, the measured window and the JSON line.
/// Every number is computed the same way on both sides:
/// - host CPU: the harness process's user+system CPU time (clock_gettime(CLOCK_PROCESS_CPUTIME_ID) here,
///   process.cpuUsage() in Node: both µs-exact or better), the worker's NOT included; in-process mode subtracts the
///   worker thread's own CPU (/proc/self/task/&lt;tid&gt;/stat) so that "host" means the same thing in both modes;
/// - worker CPU: /proc/&lt;pid&gt;/stat utime+stime of the worker process (or thread), reported separately;
/// - machine busy: non-idle CPU seconds of the machine (/proc/stat), so the summary can show what others took;
/// - allocations: GC.GetTotalAllocatedBytes(precise: true) per operation (Node has no equivalent: it reports its
///   heap used instead).
/// </summary>
internal static class SuiteKit
{
    public static readonly RtpCodecCapability Opus = new()
    {
        Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2, PreferredPayloadType = 100,
    };

    /// <summary>BENCH_WORKER_MODE=InProcess|Subprocess (default), as the dump workload reads it.</summary>
    public static WorkerMode Mode => Enum.Parse<WorkerMode>(
        Environment.GetEnvironmentVariable("BENCH_WORKER_MODE") ?? nameof(WorkerMode.Subprocess), ignoreCase: true);

    public static Task<Worker> CreateWorkerAsync() =>
        Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn, Mode = Mode });

    /// <summary>An audio producer's parameters: opus, payload type 100, one encoding with <paramref name="ssrc"/>.</summary>
    public static ProducerOptions AudioProducer(uint ssrc) => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = new RtpParameters
        {
            Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
            Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
        },
    };

    /// <summary>An opus RTP packet of <paramref name="size"/> bytes (12-byte header) with sequence number <paramref name="seq"/>.</summary>
    public static byte[] RtpPacket(int size, ushort seq, uint ssrc)
    {
        var packet = new byte[Math.Max(size, 13)];
        packet[0] = 0x80;
        packet[1] = 100;
        SetSequence(packet, seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        return packet;
    }

    /// <summary>Sequence number and a timestamp 960 samples (20 ms of opus) per packet.</summary>
    public static void SetSequence(byte[] packet, int seq)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)seq * 960);
    }

    /// <summary>Runs <paramref name="op"/>(0 … count-1) with at most <paramref name="inFlight"/> outstanding.</summary>
    public static Task ForEachAsync(int count, int inFlight, Func<int, Task> op)
    {
        int next = -1;
        async Task Loop()
        {
            for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                await op(i).ConfigureAwait(false);
        }
        var loops = new Task[Math.Max(1, Math.Min(inFlight, count))];
        for (int k = 0; k < loops.Length; k++) loops[k] = Task.Run(Loop);
        return Task.WhenAll(loops);
    }

    /// <summary>Heap after full blocking collections: what the live objects take.</summary>
    public static long HeapAfterFullGc()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The JSON line's common head: library, workload, runtime, worker pid and binary.</summary>
    public static Dictionary<string, object?> Head(string workload, Worker worker)
    {
        bool inProcess = Mode == WorkerMode.InProcess;
        return new Dictionary<string, object?>
        {
            ["lib"] = inProcess ? "rxmediasoup-inprocess" : "rxmediasoup",
            ["workload"] = workload,
            ["runtime"] = $".NET {Environment.Version} {(GCSettings.IsServerGC ? "server" : "workstation")} GC",
            ["worker_pid"] = worker.Pid,
            ["worker_bin"] = inProcess ? ProcStat.InProcessWorkerLibrary()
                : File.ResolveLinkTarget($"/proc/{worker.Pid.ToString(CultureInfo.InvariantCulture)}/exe", false)?.FullName ?? "?",
        };
    }

    public static void Print(Dictionary<string, object?> line) => Console.Out.WriteLine(JsonSerializer.Serialize(line));

    /// <summary>Parses "--name value" integer options over <paramref name="defaults"/> (unknown names are errors).</summary>
    public static Dictionary<string, int> Options(string[] args, Dictionary<string, int> defaults)
    {
        var options = new Dictionary<string, int>(defaults);
        for (int i = 0; i < args.Length; i += 2)
        {
            string key = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : throw new ArgumentException($"expected an option, got {args[i]}");
            if (!options.ContainsKey(key)) throw new ArgumentException($"unknown option --{key} (known: {string.Join(", ", defaults.Keys)})");
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int value))
                throw new ArgumentException($"--{key} needs a non-negative integer");
            options[key] = value;
        }
        return options;
    }
}

/// <summary>One measured window: wall time, host and worker CPU, machine busy time and allocations.</summary>
internal sealed class Probe
{
    private readonly string _workerStat;
    private readonly bool _inProcess;
    private long _t0, _alloc0;
    private double _host0, _worker0, _machine0;
    private int _gen0;

    public Probe(Worker worker)
    {
        _inProcess = SuiteKit.Mode == WorkerMode.InProcess;
        _workerStat = _inProcess ? $"/proc/self/task/{worker.Pid.ToString(CultureInfo.InvariantCulture)}/stat" : ProcStat.StatPath(worker.Pid);
    }

    public Probe Start()
    {
        _machine0 = ProcStat.MachineBusySeconds();
        _worker0 = ProcStat.CpuSeconds(_workerStat);
        _host0 = ProcStat.ProcessCpuSeconds();
        _alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        _gen0 = GC.CollectionCount(0);
        _t0 = Stopwatch.GetTimestamp();
        return this;
    }

    /// <summary>Ends the window: <paramref name="ops"/> operations happened in it.</summary>
    public Dictionary<string, object?> Stop(long ops)
    {
        double seconds = Stopwatch.GetElapsedTime(_t0).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _alloc0;
        int gen0 = GC.CollectionCount(0) - _gen0;
        double host = ProcStat.ProcessCpuSeconds() - _host0;
        double worker = ProcStat.CpuSeconds(_workerStat) - _worker0;
        double machine = ProcStat.MachineBusySeconds() - _machine0;
        if (_inProcess) host -= worker;
        double perOp = Math.Max(ops, 1);
        return new Dictionary<string, object?>
        {
            ["ops"] = ops,
            ["seconds"] = Math.Round(seconds, 6),
            ["rate"] = Math.Round(ops / seconds, 1),
            ["host_cpu_s"] = Math.Round(host, 6),
            ["worker_cpu_s"] = Math.Round(worker, 2),
            ["machine_busy_s"] = Math.Round(machine, 2),
            ["host_us_per_op"] = Math.Round(host * 1e6 / perOp, 3),
            ["worker_us_per_op"] = Math.Round(worker * 1e6 / perOp, 3),
            ["alloc_b_per_op"] = Math.Round(allocated / perOp, 1),
            ["gc0"] = gen0,
        };
    }
}

/// <summary>
/// Flow control for fire-and-forget sends (data messages, RTP): the sender waits until the receiver has caught up to a
/// mark; the receiver counts and wakes it. The same scheme as the Node side (a promise resolved by the listener).
/// </summary>
internal sealed class Flow
{
    private long _received;
    private long _wake = long.MaxValue;
    private TaskCompletionSource? _waiter;

    public long Received => Volatile.Read(ref _received);

    /// <summary>Called by the subscriber for every item it receives (any thread).</summary>
    public void OnReceived()
    {
        long received = Interlocked.Increment(ref _received);
        if (received >= Volatile.Read(ref _wake))
        {
            Volatile.Write(ref _wake, long.MaxValue);
            Volatile.Read(ref _waiter)?.TrySetResult();
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> items were received.</summary>
    public Task UntilAsync(long count)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _waiter, waiter);
        Volatile.Write(ref _wake, count);
        if (Received >= count) waiter.TrySetResult();
        return waiter.Task;
    }
}
