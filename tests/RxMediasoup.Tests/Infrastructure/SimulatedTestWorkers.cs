using System.Reactive.Concurrency;
using RxMediasoup.Testing;

namespace RxMediasoup.Tests.Infrastructure;

/// <summary>
/// The workers of a simulated run (<c>RXMEDIASOUP_TEST_WORKER_MODE=Simulated</c>): each <see cref="Worker.CreateAsync"/>
/// returns a simulated worker on its own <see cref="EventLoopScheduler"/> — a real-time clock whose one thread runs the
/// simulation's actions in order (the simulation is single-threaded by contract) — read by the channel's reader thread
/// as a real worker is (<see cref="ThreadedSimulatedBackend"/>), so the suite's real-time awaits, timeouts and delivery
/// checks work unchanged. Each worker gets its own seed (unique fake pids and ids); its thread ends after it exited.
/// </summary>
public static class SimulatedTestWorkers
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, SimulatedBackend> Backends = new();
    private static int _seed;

    /// <summary>The simulated worker whose fake pid is <paramref name="pid"/>, while it runs; null for any other pid.</summary>
    internal static SimulatedBackend? TryGet(int pid) => Backends.TryGetValue(pid, out var backend) ? backend : null;

    /// <summary>Creates a simulated worker with <paramref name="settings"/> (the process settings are ignored).</summary>
    public static async Task<Worker> CreateAsync(WorkerSettings settings)
    {
        var scheduler = new EventLoopScheduler(start => new Thread(start) { IsBackground = true, Name = "simulated worker" });
        // Read like a real worker (a reader thread, the real clock for timeouts): the suite checks the library's
        // delivery machinery too, e.g. a subscriber that blocks inside OnNext while the worker answers.
        var backend = new SimulatedBackend(scheduler, Interlocked.Increment(ref _seed), TimeSpan.Zero);
        var threaded = new ThreadedSimulatedBackend(backend);
        threaded.Start();
        var worker = await Worker.StartOnAsync(threaded, settings, CancellationToken.None).ConfigureAwait(false);
        Backends[worker.Pid] = backend;
        _ = backend.Exited.ContinueWith(_ => Backends.TryRemove(worker.Pid, out SimulatedBackend? _), TaskScheduler.Default);
        // The worker's close sequence may still schedule its last steps right after the exit: end the thread a little later.
        _ = worker.Backend.Exited.ContinueWith(_ => Task.Delay(TimeSpan.FromSeconds(2)).ContinueWith(_ => scheduler.Dispose()),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return worker;
    }
}
