using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// The server's rooms, spread over a <see cref="WorkerManager"/> (one worker per core by default; a dead worker is
/// replaced and its rooms move). A room is created on first use and lives until the server stops.
/// Get it from DI (<c>app.Services.GetRequiredService&lt;Rooms&gt;()</c>) once <see cref="RoomServer.StartAsync"/> ran.
/// </summary>
public sealed class Rooms : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Room>>> _rooms = new();
    private readonly RoomServerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly TaskCompletionSource<WorkerManager> _workers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the registry; <see cref="StartAsync"/> starts its workers.</summary>
    public Rooms(RoomServerOptions options, ILoggerFactory loggerFactory)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        _log = loggerFactory.CreateLogger("RxMediasoup.Samples.Room.Rooms");
    }

    /// <summary>The worker manager, once started.</summary>
    public WorkerManager Workers => _workers.Task.IsCompletedSuccessfully
        ? _workers.Task.Result
        : throw new InvalidOperationException("the rooms are not started (RoomServer.StartAsync)");

    /// <summary>The rooms created so far.</summary>
    public IReadOnlyList<Room> All => [.. _rooms.Values.Where(l => l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result)];

    /// <summary>Builds the worker if needed (first run, progress on the terminal) and starts the workers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_workers.Task.IsCompleted) return;
        string workerBin = await WorkerBootstrap.EnsureWorkerAsync(Console.Out, cancellationToken).ConfigureAwait(false);
        var manager = await WorkerManager.CreateAsync(new WorkerManagerOptions
        {
            NumWorkers = Math.Max(1, _options.NumWorkers),
            WorkerSettings = new WorkerSettings { WorkerBin = workerBin, LogLevel = WorkerLogLevel.Warn, LoggerFactory = _loggerFactory },
            Respawn = new WorkerRespawnPolicy { Enabled = true, InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(5), FailureWindow = TimeSpan.FromSeconds(30) },
        }, cancellationToken).ConfigureAwait(false);
        manager.Respawns.Subscribe(r => _log.LogWarning("worker {Pid} died ({Death}); replacement: {Replacement}",
            r.Death.Pid, r.Death, r.Replacement?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? r.Error?.Message ?? "none"));
        _workers.TrySetResult(manager);
        _log.LogInformation("{Count} mediasoup workers started (pids {Pids})", manager.Workers.Count, string.Join(", ", manager.Workers.Items.Select(w => w.Pid)));
    }

    /// <summary>The room with this id, created (on the least loaded worker) on first use.</summary>
    public async Task<Room> GetOrCreateAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roomId);
        var manager = await _workers.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var lazy = _rooms.GetOrAdd(roomId, id => new Lazy<Task<Room>>(() =>
            Room.CreateAsync(id, manager, _options, _loggerFactory.CreateLogger("RxMediasoup.Samples.Room.Room"), CancellationToken.None)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            _rooms.TryRemove(new KeyValuePair<string, Lazy<Task<Room>>>(roomId, lazy));
            throw;
        }
    }

    /// <summary>The library's counters summed over the live workers (the tests compare them before and after a peer).</summary>
    public WorkerDiagnostics Diagnostics()
    {
        var workers = _workers.Task.IsCompletedSuccessfully ? _workers.Task.Result.Workers.Items : [];
        return new WorkerDiagnostics(
            workers.Sum(w => w.Diagnostics.RegisteredHandlers), workers.Sum(w => w.Diagnostics.PendingRequests),
            workers.Sum(w => w.Diagnostics.Subscribers), workers.Sum(w => w.Diagnostics.QueuedDeliveries));
    }

    /// <summary>Closes every room and the workers.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var room in All) await room.DisposeAsync().ConfigureAwait(false);
        _rooms.Clear();
        if (_workers.Task.IsCompletedSuccessfully) await _workers.Task.Result.CloseAsync().ConfigureAwait(false);
        else _workers.TrySetCanceled();
    }
}
