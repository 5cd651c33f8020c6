using System.Runtime.CompilerServices;

namespace RxMediasoup.Tests.Infrastructure;

/// <summary>
/// The worker mode of a test run: <c>RXMEDIASOUP_TEST_WORKER_MODE=InProcess</c> makes every worker the tests create
/// (through <see cref="WorkerSettings"/>' default <see cref="WorkerSettings.Mode"/>) an in-process one. Tests about the
/// subprocess itself (signals, process groups, pids) carry <c>[Trait("WorkerMode", "SubprocessOnly")]</c> and are
/// filtered out of that run (<c>--filter "WorkerMode!=SubprocessOnly"</c>).
/// <c>RXMEDIASOUP_TEST_WORKER_MODE=Simulated</c> makes every worker a simulated one (RxMediasoup.Testing, on a
/// real-time scheduler: <see cref="SimulatedTestWorkers"/>); tests that need the real worker carry
/// <c>[Trait("Backend", "RealOnly")]</c> (<see cref="RealOnly"/>) and are filtered out of that run
/// (<c>--filter "Backend!=RealOnly"</c>).
/// </summary>
public static class TestWorkerMode
{
    public const string EnvironmentVariable = "RXMEDIASOUP_TEST_WORKER_MODE";

    /// <summary>The trait value of tests that only make sense with a worker process.</summary>
    public const string SubprocessOnly = "SubprocessOnly";

    /// <summary>The trait naming the backends a test runs on: <see cref="RealOnly"/> tests are filtered out of the simulated run.</summary>
    public const string Backend = "Backend";

    /// <summary>The <see cref="Backend"/> value of tests that need the real worker (with a <see cref="RealOnlyCategory"/>).</summary>
    public const string RealOnly = "RealOnly";

    /// <summary>The trait saying why a test is <see cref="RealOnly"/>: one of <see cref="RealOnlyCategories"/>.</summary>
    public const string RealOnlyCategory = "RealOnlyCategory";

    /// <summary>The value of <see cref="EnvironmentVariable"/> that runs the suite on simulated workers.</summary>
    public const string SimulatedValue = "Simulated";

    [ModuleInitializer]
    internal static void Apply()
    {
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(value)) return;
        if (value.Equals(SimulatedValue, StringComparison.OrdinalIgnoreCase))
        {
            Simulated = true;
            Worker.TestFactory = SimulatedTestWorkers.CreateAsync;
            return;
        }
        if (!Enum.TryParse<WorkerMode>(value, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
            throw new InvalidOperationException($"{EnvironmentVariable}={value}: expected {string.Join(", ", Enum.GetNames<WorkerMode>())} or {SimulatedValue}");
        WorkerSettings.DefaultMode = mode;
    }

    /// <summary>True when this run's workers are in-process.</summary>
    public static bool InProcess => !Simulated && WorkerSettings.DefaultMode == WorkerMode.InProcess;

    /// <summary>True when this run's workers are simulated (RxMediasoup.Testing).</summary>
    public static bool Simulated { get; private set; }

    /// <summary>The pid the worker reports in its dump: its process's (an in-process worker's is the test host's).</summary>
    public static int DumpPid(Worker worker) => worker.Backend is RxMediasoup.Channel.InProcessWorker ? Environment.ProcessId : worker.Pid;

    /// <summary>
    /// Ends <paramref name="worker"/> without its cooperation, so that it dies: SIGKILL for a process; an in-process
    /// worker's run is ended through the backend's hook (the worker handles a close it was not asked for by
    /// <see cref="MediasoupEntity.CloseAsync"/>).
    /// </summary>
    public static void Kill(Worker worker) => Assert.True(worker.Backend.Kill(), $"worker {worker.Pid} had already ended");
}

/// <summary>Why a test runs only on the real worker (issue 12 §4's categories).</summary>
public static class RealOnlyCategories
{
    /// <summary>Real media: RTP/RTCP, SRTP, ICE, DTLS or SCTP exchanged with ffmpeg, a DTLS/ICE/SCTP peer or between workers' sockets.</summary>
    public const string Media = "real media";

    /// <summary>OS sockets and ports: what the kernel decides across workers, or SCTP over a PipeTransport pair's UDP sockets.</summary>
    public const string Sockets = "OS sockets and ports";

    /// <summary>The worker process (or library): binaries, exit codes, stderr, /proc, in-process workers.</summary>
    public const string Process = "process";

    /// <summary>Every category, in the order tests/SIMULATION.md lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Media, Sockets, Process];
}
