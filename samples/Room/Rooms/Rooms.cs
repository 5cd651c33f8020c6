using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxMediasoup.Hosting;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// The server's rooms, spread over the hosted <see cref="WorkerManager"/> (RxMediasoup.Hosting: one worker per core by
/// default; a dead worker is replaced and its rooms move). A room is created on first use and lives until the server
/// stops. A hosted service registered after the workers' (<see cref="RoomServer.CreateBuilder"/>): it starts after
/// them and, on stop, closes every room before the workers close.
/// Get it from DI (<c>app.Services.GetRequiredService&lt;Rooms&gt;()</c>) once <see cref="RoomServer.StartAsync"/> ran.
/// Without a host (the room's unit tests: simulated workers in virtual time), <see cref="Create"/> serves rooms on a
/// given <see cref="WorkerManager"/> and <see cref="IScheduler"/>.
/// </summary>
public sealed class Rooms : IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<Room>>> _rooms = new();
    private readonly RoomServerOptions _options;
    private readonly MediasoupHostedService? _mediasoup;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _log;
    private readonly TaskCompletionSource<WorkerManager> _workers = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _respawns;

    /// <summary>Creates the registry (done by dependency injection); the host starts it after its workers.</summary>
    public Rooms(RoomServerOptions options, MediasoupHostedService mediasoup, ILoggerFactory loggerFactory)
        : this(options, loggerFactory, DefaultScheduler.Instance) => _mediasoup = mediasoup;

    private Rooms(RoomServerOptions options, ILoggerFactory loggerFactory, IScheduler scheduler)
    {
        _options = options;
        _loggerFactory = loggerFactory;
        Scheduler = scheduler;
        _log = loggerFactory.CreateLogger("RxMediasoup.Samples.Room.Rooms");
    }

    /// <summary>Cluster mode: creates a room through the cluster instead of on a router of its own (RoomClusterHosting).</summary>
    internal Func<string, WorkerManager, IScheduler, CancellationToken, Task<Room>>? CreateRoom { get; set; }

    /// <summary>Rooms served on <paramref name="workers"/> (already started), their delays on <paramref name="scheduler"/>.</summary>
    /// <param name="workers">The workers (e.g. simulated: RxMediasoup.Testing's <c>SimulatedWorkerFactory.CreateManagerAsync</c>).</param>
    /// <param name="options">The room server's options (stall detection, stats periods, listen IP).</param>
    /// <param name="loggerFactory">Logs.</param>
    /// <param name="scheduler">The clock of the rooms' delays; the default scheduler when null.</param>
    public static Rooms Create(WorkerManager workers, RoomServerOptions options, ILoggerFactory loggerFactory, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var rooms = new Rooms(options, loggerFactory, scheduler ?? DefaultScheduler.Instance);
        rooms.Serve(workers);
        return rooms;
    }

    /// <summary>The clock of the rooms' delays (stats polling, stall threshold, retries): the default scheduler in production.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The worker manager, once started.</summary>
    public WorkerManager Workers => _workers.Task.IsCompletedSuccessfully
        ? _workers.Task.Result
        : throw new InvalidOperationException("the rooms are not started (RoomServer.StartAsync)");

    /// <summary>The rooms created so far.</summary>
    public IReadOnlyList<Room> All => [.. _rooms.Values.Where(l => l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result)];

    /// <summary>Takes the hosted workers (awaiting their start) and serves rooms on them.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_workers.Task.IsCompleted || _mediasoup is null) return;
        await _mediasoup.StartAsync(cancellationToken).ConfigureAwait(false);
        Serve(_mediasoup.Manager);
    }

    private void Serve(WorkerManager manager)
    {
        _respawns = manager.Respawns.Subscribe(r => _log.LogWarning("worker {Pid} died ({Death}); replacement: {Replacement}",
            r.Death.Pid, r.Death, r.Replacement?.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? r.Error?.Message ?? "none"));
        _workers.TrySetResult(manager);
    }

    /// <summary>Closes every room (the host closes the workers after this).</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await CloseRoomsAsync().ConfigureAwait(false);

    /// <summary>The room with this id, created (on the least loaded worker) on first use.</summary>
    public async Task<Room> GetOrCreateAsync(string roomId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roomId);
        var manager = await _workers.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var lazy = _rooms.GetOrAdd(roomId, id => new Lazy<Task<Room>>(() => CreateRoom?.Invoke(id, manager, Scheduler, CancellationToken.None) ??
            Room.CreateAsync(id, manager, _options, Scheduler, _loggerFactory.CreateLogger("RxMediasoup.Samples.Room.Room"), CancellationToken.None)));
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

    /// <summary>Closes every room (the workers are the host's: it closes them when it stops).</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseRoomsAsync().ConfigureAwait(false);
        _workers.TrySetCanceled();
    }

    private async Task CloseRoomsAsync()
    {
        _respawns?.Dispose();
        foreach (var room in All) await room.DisposeAsync().ConfigureAwait(false);
        _rooms.Clear();
    }
}
