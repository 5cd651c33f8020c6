using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace RxMediasoup.Hosting;

/// <summary>
/// Runs the <see cref="WorkerManager"/> for the host: its workers (and their WebRTC servers, if configured) are
/// started before any other hosted service starts (<see cref="StartingAsync"/>; <see cref="StartAsync"/> awaits
/// the same start), and closed when the host stops, within its shutdown timeout.
/// </summary>
/// <remarks>
/// Registered by <see cref="MediasoupServiceCollectionExtensions"/>; resolve <see cref="WorkerManager"/> (a singleton
/// that is this service's <see cref="Manager"/>) once the host has started. Logs under <c>RxMediasoup.Hosting</c>.
/// </remarks>
public sealed class MediasoupHostedService : IHostedLifecycleService, IAsyncDisposable
{
    private readonly IOptions<MediasoupOptions> _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly ILogger _logger;
    private readonly MediasoupWebRtcServers _servers;
    private readonly SerialDisposable _respawnSubscription = new();
    private readonly Queue<DateTimeOffset> _respawns = new();
    private readonly object _gate = new();
    private Task<WorkerManager>? _start;
    private WorkerManager? _manager;

    /// <summary>Creates the service (done by dependency injection).</summary>
    public MediasoupHostedService(IOptions<MediasoupOptions> options, MediasoupWebRtcServers servers, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _servers = servers;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory?.CreateLogger("RxMediasoup.Hosting") ?? NullLogger.Instance;
    }

    /// <summary>The running manager.</summary>
    /// <exception cref="InvalidOperationException">The host has not started it (yet).</exception>
    public WorkerManager Manager => Volatile.Read(ref _manager)
        ?? throw new InvalidOperationException("the mediasoup WorkerManager is not running: it starts with the host (IHost.StartAsync/RunAsync)");

    /// <summary>True once the workers run (until the host stops).</summary>
    public bool IsRunning => Volatile.Read(ref _manager) is { IsClosed: false };

    /// <summary>Starts the workers (the first of the host's start steps, so they run before the app serves).</summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        lock (_gate) _start ??= StartWorkersAsync(cancellationToken);
        return _start;
    }

    /// <summary>Awaits the start begun by <see cref="StartingAsync"/> (or begins it).</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartingAsync(cancellationToken);

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes every worker; returns when their processes have exited or <paramref name="cancellationToken"/> (the host's shutdown timeout) fires.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var manager = Volatile.Read(ref _manager);
        if (manager is null) return;
        _respawnSubscription.Dispose();
        int count = manager.Workers.Count;
        _logger.LogInformation("closing {Count} mediasoup workers", count);
        var close = manager.CloseAsync();
        try
        {
            await close.WaitAsync(cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("mediasoup workers closed");
        }
        catch (OperationCanceledException)
        {
            // The close goes on (a worker that does not exit is killed within seconds); the host stops waiting.
            _logger.LogWarning("mediasoup workers still closing when the shutdown timeout passed");
        }
    }

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Closes the manager if the host did not (idempotent).</summary>
    public async ValueTask DisposeAsync()
    {
        _respawnSubscription.Dispose();
        if (Volatile.Read(ref _manager) is { } manager) await manager.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>True once the start of the workers has begun (for tests: validation failures stop the host before).</summary>
    internal bool StartBegun
    {
        get { lock (_gate) return _start is not null; }
    }

    /// <summary>Worker deaths (each is followed by a respawn or a failed one) within <paramref name="window"/> before now.</summary>
    internal int RecentRespawns(TimeSpan window)
    {
        lock (_respawns)
        {
            var now = DateTimeOffset.UtcNow;
            while (_respawns.Count > 0 && now - _respawns.Peek() > window) _respawns.Dequeue();
            return _respawns.Count;
        }
    }

    private async Task<WorkerManager> StartWorkersAsync(CancellationToken cancellationToken)
    {
        var options = _options.Value;
        var managerOptions = MediasoupOptionsValidator.ToWorkerManagerOptions(options, _loggerFactory);
        _logger.LogInformation("starting {Count} mediasoup workers", managerOptions.NumWorkers);
        var manager = await WorkerManager.CreateAsync(managerOptions, cancellationToken).ConfigureAwait(false);
        try
        {
            _respawnSubscription.Disposable = manager.Respawns
                .Select(r => Observable.FromAsync(() => OnRespawnAsync(r, options)))
                .Concat()
                .Subscribe(_ => { }, e => _logger.LogError(e, "respawn handling failed"));
            if (options.WebRtcServer is { } server)
            {
                int slot = 0;
                foreach (var worker in manager.Workers.Items.OrderBy(w => w.Pid))
                    await _servers.CreateAsync(worker, slot++, server, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            _respawnSubscription.Dispose();
            await manager.CloseAsync().ConfigureAwait(false);
            throw;
        }
        _logger.LogInformation("mediasoup workers running [pids:{Pids}]", string.Join(",", manager.Workers.Items.Select(w => w.Pid)));
        Volatile.Write(ref _manager, manager);
        return manager;
    }

    private async Task OnRespawnAsync(WorkerRespawn respawn, MediasoupOptions options)
    {
        lock (_respawns) _respawns.Enqueue(DateTimeOffset.UtcNow);
        int? slot = _servers.Release(respawn.Death.Pid);
        if (options.WebRtcServer is not { } server || respawn.Replacement is not { } replacement) return;
        try
        {
            await _servers.CreateAsync(replacement, slot ?? _servers.FreeSlot(), server, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MediasoupException or ArgumentException or TimeoutException)
        {
            _logger.LogError(e, "could not create the WebRTC server of worker [pid:{Pid}]", replacement.Pid);
        }
    }
}
