using System.Reactive.Concurrency;

namespace RxMediasoup;

/// <summary>Options of a <see cref="WorkerManager"/>.</summary>
public sealed record WorkerManagerOptions
{
    /// <summary>How many workers to run. Default: one per core (<see cref="Environment.ProcessorCount"/>).</summary>
    public int NumWorkers { get; init; } = Environment.ProcessorCount;

    /// <summary>Settings every worker is created with. Default: <see cref="WorkerSettings"/>'s defaults.</summary>
    public WorkerSettings WorkerSettings { get; init; } = new();

    /// <summary>How the least-loaded worker is chosen. Default <see cref="WorkerLoadMetric.RouterCount"/>.</summary>
    public WorkerLoadMetric LoadMetric { get; init; } = WorkerLoadMetric.RouterCount;

    /// <summary>Whether and how a worker that died is replaced. Default: replaced, with exponential back-off.</summary>
    public WorkerRespawnPolicy Respawn { get; init; } = new();

    /// <summary>Scheduler of the respawn back-off delays (virtual time in tests). Default <see cref="DefaultScheduler.Instance"/>.</summary>
    public IScheduler? Scheduler { get; init; }

    /// <summary>
    /// Creates each worker (the initial ones and the replacements). Default (null): <see cref="Worker.CreateAsync"/>
    /// with <see cref="WorkerSettings"/>. With simulated workers, set <see cref="Scheduler"/> to the simulation's
    /// scheduler too, so respawns happen in virtual time.
    /// </summary>
    public WorkerFactory? WorkerFactory { get; init; }

    internal void Validate()
    {
        if (NumWorkers < 1)
            throw new ArgumentOutOfRangeException(nameof(NumWorkers), NumWorkers, "numWorkers must be at least 1");
        ArgumentNullException.ThrowIfNull(WorkerSettings, nameof(WorkerSettings));
        ArgumentNullException.ThrowIfNull(Respawn, nameof(Respawn));
        if (!Enum.IsDefined(LoadMetric))
            throw new ArgumentOutOfRangeException(nameof(LoadMetric), LoadMetric, "invalid load metric");
        Respawn.Validate();
        WorkerSettings.Validate();
    }
}

/// <summary>What "least loaded" means when a <see cref="WorkerManager"/> places a new router.</summary>
public enum WorkerLoadMetric
{
    /// <summary>The worker hosting the fewest routers (cheap, deterministic).</summary>
    RouterCount,

    /// <summary>
    /// The worker that used the least CPU time since the previous placement decision (one resource-usage
    /// request per worker per decision); ties go to the fewest routers.
    /// </summary>
    CpuTime,
}

/// <summary>How a <see cref="WorkerManager"/> replaces workers that die.</summary>
public sealed record WorkerRespawnPolicy
{
    /// <summary>Replace dead workers. Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Delay before the first respawn attempt. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the delay. Default 30 seconds.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The delay doubles with each death in this window (a crash loop backs off), and falls back to
    /// <see cref="InitialDelay"/> once deaths are rarer. Default 1 minute.
    /// </summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(1);

    internal void Validate()
    {
        if (InitialDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "initialDelay cannot be negative");
        if (MaxDelay < InitialDelay)
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "maxDelay cannot be less than initialDelay");
        if (FailureWindow <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(FailureWindow), FailureWindow, "failureWindow must be positive");
    }

    /// <summary>The back-off delay after <paramref name="recentDeaths"/> deaths (1 = the first) in the window.</summary>
    internal TimeSpan DelayFor(int recentDeaths)
    {
        double factor = Math.Pow(2, Math.Clamp(recentDeaths - 1, 0, 30));
        double ms = InitialDelay.TotalMilliseconds * factor;
        return ms >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(ms);
    }
}
