using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// Owns a pool of workers (default: one per core): places new routers on the least-loaded worker, replaces
/// workers that die (exponential back-off, see <see cref="WorkerRespawnPolicy"/>), and closes everything when
/// disposed.
/// </summary>
/// <remarks>
/// It has the lifecycle members of every entity (<see cref="IsClosed"/>, <see cref="Closed"/>, <see cref="CloseAsync"/>,
/// <see cref="DisposeAsync"/>) but no worker channel of its own, so it is not a <see cref="MediasoupEntity"/>. Its
/// streams are delivered in order, with no lock held, and complete when it closes; <see cref="Closed"/> is the last
/// thing they deliver.
/// </remarks>
public sealed class WorkerManager : IAsyncDisposable
{
    private readonly WorkerManagerOptions _options;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly StreamSubject<WorkerRespawn> _respawns;
    private readonly StreamSubject<CloseReason> _closed;
    private readonly CompositeDisposable _subscriptions = new();
    private readonly Dictionary<int, TimeSpan> _lastCpu = new();
    private readonly Queue<DateTimeOffset> _recentDeaths = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _placement = new(1, 1);
    private int _isClosed;

    private WorkerManager(WorkerManagerOptions options)
    {
        _options = options;
        _scheduler = options.Scheduler ?? DefaultScheduler.Instance;
        _logger = options.WorkerSettings.LoggerFactory?.CreateLogger("RxMediasoup.WorkerManager") ?? NullLogger.Instance;
        var deliveries = new DeliveryQueue(_logger);
        _respawns = StreamSubject<WorkerRespawn>.Events("WorkerManager.Respawns", deliveries, _logger);
        _closed = StreamSubject<CloseReason>.Signal("WorkerManager.Closed", deliveries, _logger);
        Workers = new EntityCollection<Worker>(static w => w.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), _logger);
    }

    /// <summary>Starts <see cref="WorkerManagerOptions.NumWorkers"/> workers.</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="MediasoupException">A worker could not be started (the ones already started are closed).</exception>
    public static async Task<WorkerManager> CreateAsync(WorkerManagerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WorkerManagerOptions();
        options.Validate();
        var manager = new WorkerManager(options);
        try
        {
            var workers = await Task.WhenAll(Enumerable.Range(0, options.NumWorkers)
                .Select(_ => manager.StartWorkerAsync(cancellationToken))).ConfigureAwait(false);
            foreach (var worker in workers) manager.Adopt(worker);
        }
        catch
        {
            await manager.CloseAsync().ConfigureAwait(false);
            throw;
        }
        return manager;
    }

    /// <summary>The live workers, keyed by pid (a dead worker leaves; its replacement joins).</summary>
    public EntityCollection<Worker> Workers { get; }

    /// <summary>True once closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>
    /// Emits each death of a worker with its replacement (or the error that prevented one), after the back-off
    /// delay; completes when the manager closes. Hot; no replay.
    /// <code>
    /// died:      --x-------------y------
    /// respawns:  -----(x,w2)--------(y,w3)--|   (delay 1 s, then 2 s: y died within the failure window)
    /// </code>
    /// </summary>
    public IObservable<WorkerRespawn> Respawns => _respawns;

    /// <summary>
    /// Emits <see cref="CloseReason.Explicit"/> once the manager closed (its workers closed, <see cref="Respawns"/> and
    /// the <see cref="Workers"/> stream completed), then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(Explicit|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>Subscribers of the manager's own streams (a diagnostic for leak checks; workers have <see cref="Worker.Diagnostics"/>).</summary>
    internal int SubscriberCount => _respawns.SubscriberCount + _closed.SubscriberCount + Workers.SubscriberCount;

    /// <summary>
    /// The least-loaded live worker according to <see cref="WorkerManagerOptions.LoadMetric"/>.
    /// </summary>
    /// <exception cref="WorkerClosedException">The manager is closed or has no live worker (all died, respawns pending).</exception>
    public async Task<Worker> GetLeastLoadedWorkerAsync(CancellationToken cancellationToken = default)
    {
        await _placement.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PickAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _placement.Release();
        }
    }

    /// <summary>Creates a router on the least-loaded worker.</summary>
    /// <exception cref="WorkerClosedException">The manager is closed or has no live worker.</exception>
    public async Task<Router> CreateRouterAsync(RouterOptions? options = null, CancellationToken cancellationToken = default)
    {
        await _placement.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Placement and creation under one lock, so concurrent calls see each other's routers.
            var worker = await PickAsync(cancellationToken).ConfigureAwait(false);
            return await worker.CreateRouterAsync(options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _placement.Release();
        }
    }

    /// <summary>
    /// Closes every worker (and so everything they host) and stops respawning; then <see cref="Closed"/> emits
    /// <see cref="CloseReason.Explicit"/>. Idempotent; completes when the workers' processes have exited.
    /// </summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return;
        _subscriptions.Dispose();
        var workers = Workers.Items;
        await Task.WhenAll(workers.Select(w => w.CloseAsync())).ConfigureAwait(false);
        foreach (var w in workers) Workers.Remove(w);
        Workers.Complete();
        _respawns.Complete();
        _closed.OnNext(CloseReason.Explicit);
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    private async Task<Worker> PickAsync(CancellationToken cancellationToken)
    {
        if (IsClosed) throw new WorkerClosedException("WorkerManager closed");
        var live = Workers.Items.Where(w => !w.IsClosed).ToList();
        if (live.Count == 0) throw new WorkerClosedException("WorkerManager has no live worker (respawns pending)");
        if (_options.LoadMetric == WorkerLoadMetric.RouterCount || live.Count == 1)
            return live.OrderBy(w => w.Routers.Count).ThenBy(w => w.Pid).First();

        var usages = await Task.WhenAll(live.Select(async w =>
        {
            try
            {
                var u = await w.GetResourceUsageAsync(cancellationToken).ConfigureAwait(false);
                return (Worker: w, Cpu: u.UserCpuTime + u.SystemCpuTime);
            }
            catch (WorkerClosedException)
            {
                return (Worker: w, Cpu: TimeSpan.MaxValue);
            }
        })).ConfigureAwait(false);
        lock (_gate)
        {
            var ranked = usages.Select(x =>
            {
                var previous = _lastCpu.GetValueOrDefault(x.Worker.Pid);
                var delta = x.Cpu == TimeSpan.MaxValue ? TimeSpan.MaxValue : x.Cpu - previous;
                _lastCpu[x.Worker.Pid] = x.Cpu;
                return (x.Worker, Delta: delta);
            }).ToList();
            return ranked.OrderBy(x => x.Delta).ThenBy(x => x.Worker.Routers.Count).ThenBy(x => x.Worker.Pid).First().Worker;
        }
    }

    private Task<Worker> StartWorkerAsync(CancellationToken cancellationToken)
        => _options.WorkerFactory is { } factory
            ? factory(_options.WorkerSettings, cancellationToken)
            : Worker.CreateAsync(_options.WorkerSettings, cancellationToken);

    private void Adopt(Worker worker)
    {
        if (IsClosed || !Workers.Add(worker))
        {
            _ = worker.CloseAsync();
            return;
        }
        var subscription = new SingleAssignmentDisposable();
        _subscriptions.Add(subscription);
        subscription.Disposable = worker.Died.Subscribe(death => OnWorkerDied(worker, death));
    }

    private void OnWorkerDied(Worker worker, WorkerDeath death)
    {
        Workers.Remove(worker);
        lock (_gate) _lastCpu.Remove(worker.Pid);
        if (IsClosed) return;
        _logger.LogError("worker {Death} died", death);
        if (!_options.Respawn.Enabled)
        {
            _respawns.OnNext(new WorkerRespawn(death, TimeSpan.Zero, null, null));
            return;
        }
        TimeSpan delay;
        lock (_gate)
        {
            var now = _scheduler.Now;
            while (_recentDeaths.Count > 0 && now - _recentDeaths.Peek() > _options.Respawn.FailureWindow) _recentDeaths.Dequeue();
            _recentDeaths.Enqueue(now);
            delay = _options.Respawn.DelayFor(_recentDeaths.Count);
        }
        _subscriptions.Add(_scheduler.Schedule(delay, () => _ = RespawnAsync(death, delay)));
    }

    private async Task RespawnAsync(WorkerDeath death, TimeSpan delay)
    {
        if (IsClosed) return;
        Worker replacement;
        try
        {
            replacement = await StartWorkerAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "could not replace worker {Death}", death);
            if (!IsClosed) _respawns.OnNext(new WorkerRespawn(death, delay, null, e));
            CountRespawn("error");
            return;
        }
        if (IsClosed)
        {
            await replacement.CloseAsync().ConfigureAwait(false);
            return;
        }
        Adopt(replacement);
        _logger.LogInformation("worker {Death} replaced by pid {Pid} after {Delay}", death, replacement.Pid, delay);
        CountRespawn("ok");
        _respawns.OnNext(new WorkerRespawn(death, delay, replacement, null));
    }

    private static void CountRespawn(string outcome)
    {
        if (Diagnostics.Telemetry.WorkerRespawns.Enabled)
            Diagnostics.Telemetry.WorkerRespawns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }
}
