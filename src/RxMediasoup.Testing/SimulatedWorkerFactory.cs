using System.Reactive.Concurrency;
using System.Reactive.Subjects;

namespace RxMediasoup.Testing;

/// <summary>
/// Makes simulated workers for a <see cref="WorkerManager"/> (its <see cref="WorkerManagerOptions.WorkerFactory"/>,
/// or <c>MediasoupOptions.WorkerFactory</c> with RxMediasoup.Hosting): each worker the manager starts — the initial
/// ones and every replacement of a dead one — is a new <see cref="Simulation"/> on the same scheduler, with its own
/// seed (<c>seed + n</c> for the n-th worker, 0-based), so ids and fake pids are distinct and deterministic.
/// </summary>
/// <example>
/// <code>
/// var scheduler = new TestScheduler();
/// var workers = new SimulatedWorkerFactory(scheduler, seed: 1);
/// var manager = await workers.CreateManagerAsync(new WorkerManagerOptions { NumWorkers = 2 });
/// workers.Of(manager.Workers.Items.First()).Die();   // replaced after the back-off, in virtual time
/// scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
/// </code>
/// </example>
public sealed class SimulatedWorkerFactory
{
    private readonly int _seed;
    private readonly TimeSpan _latency;
    private readonly List<Simulation> _simulations = [];
    private readonly ReplaySubject<Simulation> _created = new();

    /// <summary>Creates a factory of simulated workers on <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">The clock of every simulation (answers, notifications, timeouts) and of the manager's respawns.</param>
    /// <param name="seed">The first worker's seed; the n-th worker's is <c>seed + n</c>.</param>
    /// <param name="latency">How long each simulated worker takes to answer a request (virtual time); zero when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="latency"/> is negative.</exception>
    public SimulatedWorkerFactory(IScheduler scheduler, int seed = 0, TimeSpan? latency = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (latency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(latency), latency, "a latency cannot be negative");
        Scheduler = scheduler;
        _seed = seed;
        _latency = latency ?? TimeSpan.Zero;
    }

    /// <summary>The clock of the simulations.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Every simulation made so far, in order (dead ones included).</summary>
    public IReadOnlyList<Simulation> Simulations => _simulations;

    /// <summary>Each simulation as it is made, replayed (synchronously) to late subscribers; never completes.</summary>
    public IObservable<Simulation> Created => _created;

    /// <summary>Makes the next simulated worker (the <see cref="WorkerFactory"/> signature).</summary>
    /// <param name="settings">Worker settings (request timeout, logging, app data); the process settings are ignored.</param>
    /// <param name="cancellationToken">Not used: the worker is made synchronously.</param>
    /// <returns>The running worker (the task has completed).</returns>
    public Task<Worker> CreateWorkerAsync(WorkerSettings settings, CancellationToken cancellationToken)
    {
        var simulation = Simulation.Create(Scheduler, unchecked(_seed + _simulations.Count), settings, _latency);
        _simulations.Add(simulation);
        _created.OnNext(simulation);
        return Task.FromResult(simulation.Worker);
    }

    /// <summary>The simulation behind <paramref name="worker"/> (to script its media, network and death).</summary>
    /// <exception cref="ArgumentException">This factory did not make <paramref name="worker"/>.</exception>
    public Simulation Of(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _simulations.Find(s => ReferenceEquals(s.Worker, worker))
            ?? throw new ArgumentException($"worker [pid:{worker.Pid}] was not made by this factory", nameof(worker));
    }

    /// <summary>The simulation hosting <paramref name="router"/>.</summary>
    /// <exception cref="ArgumentException">No live simulation of this factory hosts it (a dead worker's routers are gone).</exception>
    public Simulation Of(Router router)
    {
        ArgumentNullException.ThrowIfNull(router);
        return _simulations.Find(s => ReferenceEquals(s.Worker.Routers.Lookup(router.Id), router))
            ?? throw new ArgumentException($"router {router.Id} is not on a worker of this factory", nameof(router));
    }

    /// <summary>
    /// <paramref name="options"/> (defaults when null) with this factory as <see cref="WorkerManagerOptions.WorkerFactory"/>
    /// and its scheduler as <see cref="WorkerManagerOptions.Scheduler"/> (respawn back-off in virtual time).
    /// </summary>
    public WorkerManagerOptions Configure(WorkerManagerOptions? options = null)
        => (options ?? new WorkerManagerOptions()) with { WorkerFactory = CreateWorkerAsync, Scheduler = Scheduler };

    /// <summary>A <see cref="WorkerManager"/> of simulated workers (see <see cref="Configure"/>); the task has completed when it returns.</summary>
    /// <param name="options">The manager's options (NumWorkers, respawn policy, load metric, worker settings); defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public Task<WorkerManager> CreateManagerAsync(WorkerManagerOptions? options = null, CancellationToken cancellationToken = default)
        => WorkerManager.CreateAsync(Configure(options), cancellationToken);
}
