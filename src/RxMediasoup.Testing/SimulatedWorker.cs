using System.Reactive.Concurrency;

namespace RxMediasoup.Testing;

/// <summary>
/// A simulated mediasoup worker: a real <see cref="Worker"/> (routers, transports, producers and consumers are the
/// library's own entities) whose requests are answered by a simulation running on an <see cref="IScheduler"/> —
/// typically a <c>TestScheduler</c>, so tests run in virtual time.
/// </summary>
/// <remarks>
/// <para>Every request is answered in a scheduler action after the given latency (none by default): with a
/// <c>TestScheduler</c>, <c>AdvanceBy(1)</c> answers everything sent so far, and the commands' tasks have completed
/// (their continuations run inside that action) when it returns. Request timeouts
/// (<see cref="WorkerSettings.RequestTimeout"/>) expire in virtual time. No thread, socket or real-clock timer is used.</para>
/// <para>Ids (routers, transports, producers, consumers...), ports and ICE parameters follow from the seed: the same
/// code with the same seed sees the same values.</para>
/// <para>Not every request of the worker is simulated yet: tests/SIMULATION.md lists what is. Others fail with a
/// <see cref="MediasoupException"/> saying "not simulated yet".</para>
/// </remarks>
public static class SimulatedWorker
{
    /// <summary>Creates a simulated worker on <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">The clock of the simulation (answers, notifications, timeouts).</param>
    /// <param name="seed">Makes ids, ports and ICE parameters deterministic.</param>
    /// <param name="settings">Worker settings (request timeout, logging, app data); the process settings are ignored.</param>
    /// <param name="latency">How long the simulated worker takes to answer each request (virtual time); zero when null.</param>
    /// <returns>The worker, already running (the task has completed).</returns>
    public static Task<Worker> CreateAsync(IScheduler scheduler, int seed = 0, WorkerSettings? settings = null, TimeSpan? latency = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (latency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(latency), latency, "a latency cannot be negative");
        var backend = new SimulatedBackend(scheduler, seed, latency ?? TimeSpan.Zero);
        return Task.FromResult(Worker.OnPushBackend(backend, settings));
    }
}
