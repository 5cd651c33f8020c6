using System.Globalization;
using System.Reactive;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;
using RxMediasoup.Channel.Native;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A mediasoup-worker process: the C++ media server that hosts routers, transports, producers and consumers.
/// Create one with <see cref="CreateAsync"/>; close it with <see cref="CloseAsync"/> or <c>await using</c>.
/// </summary>
/// <remarks>
/// Lifecycle: a worker closes once, either explicitly (<see cref="CloseReason.Explicit"/>) or because its
/// process died (<see cref="CloseReason.WorkerDied"/>). Either way every pending command fails with
/// <see cref="WorkerClosedException"/>, later commands throw it, and the streams complete.
/// </remarks>
public sealed class Worker : IAsyncDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(3);

    private readonly WorkerProcess _process;
    private readonly WorkerChannel _channel;
    private readonly ILogger _logger;
    private readonly LifecycleSignal<WorkerDeath> _died;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly LifecycleSignal<Unit> _subprocessClosed;
    private readonly TaskCompletionSource _closeCompletion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _gate = new();
    private bool _isClosed;
    private bool _hasDied;
    private volatile bool _isSubprocessClosed;
    private int _exitHandled;

    private Worker(WorkerProcess process, WorkerChannel channel, WorkerSettings settings, ILogger logger)
    {
        _process = process;
        _channel = channel;
        _logger = logger;
        Pid = process.Pid;
        AppData = settings.AppData ?? new Dictionary<string, object?>();
        _died = new LifecycleSignal<WorkerDeath>("Worker.Died", logger);
        _closed = new LifecycleSignal<CloseReason>("Worker.Closed", logger);
        _subprocessClosed = new LifecycleSignal<Unit>("Worker.SubprocessClosed", logger);
        Routers = new EntityCollection<Router>(static r => r.Id, logger);
        WebRtcServers = new EntityCollection<WebRtcServer>(static s => s.Id, logger);
    }

    /// <summary>
    /// Spawns a worker and waits until it reports it is running.
    /// </summary>
    /// <param name="settings">Worker settings; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the start-up (the half-started process is killed).</param>
    /// <exception cref="ArgumentException">Invalid settings, found before spawning or reported by the worker (exit code 42).</exception>
    /// <exception cref="WorkerBinaryNotFoundException">No mediasoup-worker binary; the message says how to build it.</exception>
    /// <exception cref="MediasoupException">The process could not be spawned or exited during start-up.</exception>
    /// <exception cref="TimeoutException">The worker did not report it was running within <see cref="WorkerSettings.StartupTimeout"/>.</exception>
    public static async Task<Worker> CreateAsync(WorkerSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new WorkerSettings();
        settings.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        var loggerFactory = settings.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("RxMediasoup.Worker");
        string binary = WorkerBinary.Locate(settings.WorkerBin);

        var process = WorkerProcess.Spawn(binary, settings.ToArguments(),
            new Dictionary<string, string> { ["MEDIASOUP_VERSION"] = MediasoupInfo.WorkerVersion }, logger);
        var channel = new WorkerChannel(process.ChannelSocket, process.Pid, loggerFactory, settings.RequestTimeout, settings.DeliveryWarningThreshold);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string pidHandler = process.Pid.ToString(CultureInfo.InvariantCulture);
        channel.RegisterHandler(pidHandler, WorkerProtocol.RunningSink(() => running.TrySetResult()));
        channel.Start();

        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(settings.StartupTimeout);
        var gaveUp = Task.Delay(Timeout.Infinite, startup.Token);
        var first = await Task.WhenAny(running.Task, process.Exited, gaveUp).ConfigureAwait(false);
        channel.UnregisterHandler(pidHandler);

        if (first == running.Task)
        {
            logger.LogDebug("worker process running [pid:{Pid}]", process.Pid);
            var worker = new Worker(process, channel, settings, logger);
            worker.Monitor();
            return worker;
        }

        channel.Close();
        if (first == process.Exited)
        {
            var exit = await process.Exited.ConfigureAwait(false);
            await Task.WhenAny(process.OutputDrained, Task.Delay(200, CancellationToken.None)).ConfigureAwait(false);
            process.Dispose();
            string stderr = string.Join(" | ", process.RecentStderr);
            string detail = stderr.Length > 0 ? $": {stderr}" : "";
            if (exit.ExitCode == 42)
            {
                logger.LogError("worker process failed due to wrong settings [pid:{Pid}]{Detail}", process.Pid, detail);
                throw new ArgumentException($"wrong settings (the worker exited with code 42){detail}", nameof(settings));
            }
            var death = new WorkerDeath(process.Pid, exit.ExitCode, exit.Signal);
            logger.LogError("worker process failed unexpectedly {Death}{Detail}", death, detail);
            throw new MediasoupException($"worker process failed unexpectedly {death}{detail}");
        }

        process.Signal(LibC.SIGKILL);
        await process.Exited.WaitAsync(ExitTimeout, CancellationToken.None).ConfigureAwait(false);
        process.Dispose();
        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException(
            $"mediasoup-worker [pid:{process.Pid}] did not report it was running within {settings.StartupTimeout.TotalSeconds:0.###} s");
    }

    /// <summary>The worker's process id.</summary>
    public int Pid { get; }

    /// <summary>True once the worker is closed (explicitly, or because its process died).</summary>
    public bool IsClosed { get { lock (_gate) return _isClosed; } }

    /// <summary>True if the worker process died unexpectedly.</summary>
    public bool HasDied { get { lock (_gate) return _hasDied; } }

    /// <summary>True once the worker process has exited and been reaped.</summary>
    public bool IsSubprocessClosed => _isSubprocessClosed;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>A snapshot of the channel's handler table and pending requests (for leak checks).</summary>
    public WorkerDiagnostics Diagnostics => new(_channel.HandlerCount, _channel.PendingCount);

    /// <summary>
    /// Emits how the process died, once, if it dies unexpectedly; then completes. Completes without a value
    /// when the worker is closed explicitly. Late subscribers get the same outcome (replayed).
    /// When it fires, <see cref="IsClosed"/> is already true; it fires before <see cref="Closed"/>.
    /// <code>
    /// died:       ----------(death|)      the process died
    /// explicit:   ----------|             CloseAsync
    /// </code>
    /// </summary>
    public IObservable<WorkerDeath> Died => _died;

    /// <summary>
    /// Emits the reason the worker closed (<see cref="CloseReason.Explicit"/> or
    /// <see cref="CloseReason.WorkerDied"/>), once, then completes; replayed to late subscribers. Never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// Emits once, then completes, when the worker process has exited and been reaped (Node's
    /// <c>subprocessclose</c>); replayed to late subscribers.
    /// </summary>
    public IObservable<Unit> SubprocessClosed => _subprocessClosed;

    /// <summary>
    /// The worker's routers as a live collection: <c>Routers.Items</c> is the snapshot, <c>Routers.Connect()</c>
    /// the change-set stream (snapshot, then each router created or closed; completes when the worker closes).
    /// </summary>
    public EntityCollection<Router> Routers { get; }

    /// <summary>
    /// The worker's WebRTC servers as a live collection: snapshot (<c>Items</c>), then each server created or closed
    /// (<c>Connect()</c>); completes when the worker closes.
    /// </summary>
    public EntityCollection<WebRtcServer> WebRtcServers { get; }

    /// <summary>The channel, for the entities this worker hosts.</summary>
    internal WorkerChannel Channel => _channel;

    /// <summary>Dumps the worker's internal state.</summary>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<WorkerDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return WorkerProtocol.DumpAsync(_channel, cancellationToken);
    }

    /// <summary>Gets the worker process's resource usage.</summary>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<WorkerResourceUsage> GetResourceUsageAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return WorkerProtocol.GetResourceUsageAsync(_channel, cancellationToken);
    }

    /// <summary>Changes the log level and/or log tags of the running worker.</summary>
    /// <exception cref="ArgumentException">Invalid settings.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task UpdateSettingsAsync(WorkerUpdateableSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ThrowIfClosed();
        return WorkerProtocol.UpdateSettingsAsync(_channel, settings, cancellationToken);
    }

    /// <summary>
    /// Creates a router with the given media codecs. Its RTP capabilities are computed locally
    /// (<see cref="Ortc.GenerateRouterRtpCapabilities"/>) before anything is sent to the worker.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="UnsupportedException">A media codec mediasoup does not support.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<Router> CreateRouterAsync(RouterOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RouterOptions();
        ArgumentNullException.ThrowIfNull(options.MediaCodecs, nameof(options.MediaCodecs));
        var rtpCapabilities = Ortc.GenerateRouterRtpCapabilities(options.MediaCodecs);
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string routerId = Guid.NewGuid().ToString();
        await EntityCreation.AwaitCreatedAsync(
            RouterProtocol.CreateAsync(_channel, routerId, CancellationToken.None),
            () => RouterProtocol.CloseAsync(_channel, routerId, CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
        var router = new Router(this, routerId, rtpCapabilities, options.AppData, _logger);
        if (!Routers.Add(router))
        {
            router.OnWorkerClosed(HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed);
            throw new WorkerClosedException($"Worker closed while creating a router [pid:{Pid}]");
        }
        return router;
    }

    /// <summary>
    /// Creates a WebRTC server: UDP/TCP sockets that many WebRTC transports can share.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not open the sockets (e.g. a port in use or an IP it cannot bind).</exception>
    public async Task<WebRtcServer> CreateWebRtcServerAsync(WebRtcServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string serverId = Guid.NewGuid().ToString();
        await EntityCreation.AwaitCreatedAsync(
            WebRtcServerProtocol.CreateAsync(_channel, serverId, options.ListenInfos, CancellationToken.None),
            () => WebRtcServerProtocol.CloseAsync(_channel, serverId, CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
        var server = new WebRtcServer(this, serverId, options.AppData, _logger);
        if (!WebRtcServers.Add(server))
        {
            server.OnWorkerClosed(HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed);
            throw new WorkerClosedException($"Worker closed while creating a WebRTC server [pid:{Pid}]");
        }
        return server;
    }

    /// <summary>
    /// A WebRTC server that exists while the subscription lives: created (<see cref="CreateWebRtcServerAsync"/>) on
    /// subscribe and emitted once; disposing the subscription closes it (its transports close with
    /// <see cref="CloseReason.ListenServerClosed"/>); the stream completes if the worker closes or dies. A creation
    /// failure is the stream's error. See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------s------          dispose: server.CloseAsync()
    /// worker closed:           ------s----|
    /// </code>
    /// </summary>
    /// <param name="options">The server options.</param>
    public IObservable<WebRtcServer> UsingWebRtcServer(WebRtcServerOptions options)
        => EntityLifetime.Using(ct => CreateWebRtcServerAsync(options, ct), static s => s.Closed);

    /// <summary>
    /// Closes the worker: everything it hosts closes, pending commands fail with
    /// <see cref="WorkerClosedException"/>, <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>.
    /// Completes when the process has exited (it is killed if it does not exit within a few seconds).
    /// Idempotent and safe to call from any thread; every call returns the same completion.
    /// </summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            if (_isClosed) return _closeCompletion.Task;
            _isClosed = true;
        }
        _ = CloseCoreAsync();
        return _closeCompletion.Task;
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"Worker[pid:{Pid}]";

    private async Task CloseCoreAsync()
    {
        _logger.LogDebug("closing worker [pid:{Pid}]", Pid);
        try
        {
            try
            {
                WorkerProtocol.NotifyClose(_channel);
            }
            catch (WorkerClosedException)
            {
                // The channel broke already; the process is going away.
            }
            CloseChildren(CloseReason.WorkerClosed);
            var flushed = _channel.CloseGracefullyAsync(FlushTimeout);
            _died.Complete();
            _closed.EmitAndComplete(CloseReason.Explicit);
            await flushed.ConfigureAwait(false);
            await WaitForExitAsync().ConfigureAwait(false);
            if (_process.Exited.IsCompleted) OnProcessExited(_process.Exited.Result);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "error while closing worker [pid:{Pid}]", Pid);
        }
        finally
        {
            _closeCompletion.TrySetResult();
        }
    }

    private async Task WaitForExitAsync()
    {
        if (await Exits(ExitTimeout).ConfigureAwait(false)) return;
        _logger.LogWarning("worker [pid:{Pid}] did not exit after close; sending SIGKILL", Pid);
        _process.Signal(LibC.SIGKILL);
        await Exits(ExitTimeout).ConfigureAwait(false);

        async Task<bool> Exits(TimeSpan timeout)
            => await Task.WhenAny(_process.Exited, Task.Delay(timeout)).ConfigureAwait(false) == _process.Exited;
    }

    private void Monitor()
    {
        _process.Exited.ContinueWith(static (t, s) => ((Worker)s!).OnProcessExited(t.Result), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _channel.Closed.ContinueWith(static (t, s) => ((Worker)s!).OnChannelClosed(t.Result), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnChannelClosed(Exception? cause)
    {
        if (IsClosed || _process.HasExited) return;
        // The channel broke while the worker was open: its pending requests already failed. A worker whose
        // channel is gone is useless; if the process does not exit by itself promptly, it is killed, and its
        // exit is reported through Died.
        _logger.LogError("worker [pid:{Pid}] channel closed unexpectedly: {Cause}", Pid, cause?.Message);
        _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => _process.Signal(LibC.SIGKILL), TaskScheduler.Default);
    }

    private void OnProcessExited(ProcessExit exit)
    {
        if (Interlocked.Exchange(ref _exitHandled, 1) != 0) return;
        bool died;
        lock (_gate)
        {
            died = !_isClosed;
            if (died)
            {
                _isClosed = true;
                _hasDied = true;
            }
            _isSubprocessClosed = true;
        }
        _process.Dispose();
        if (!died)
        {
            _logger.LogDebug("worker process exited [pid:{Pid}, code:{Code}, signal:{Signal}]", Pid, exit.ExitCode, exit.Signal);
            _subprocessClosed.EmitAndComplete(Unit.Default);
            return;
        }
        var death = new WorkerDeath(Pid, exit.ExitCode, exit.Signal);
        _logger.LogError("worker process died unexpectedly {Death}", death);
        _channel.Close(new EndOfStreamException($"the worker process died {death}"));
        CloseChildren(CloseReason.WorkerDied);
        _died.EmitAndComplete(death);
        _subprocessClosed.EmitAndComplete(Unit.Default);
        _closed.EmitAndComplete(CloseReason.WorkerDied);
        _closeCompletion.TrySetResult();
    }

    private void CloseChildren(CloseReason reason)
    {
        foreach (var router in Routers.Items) router.OnWorkerClosed(reason);
        Routers.Complete();
        foreach (var server in WebRtcServers.Items) server.OnWorkerClosed(reason);
        WebRtcServers.Complete();
    }

    private void ThrowIfClosed()
    {
        if (IsClosed) throw new WorkerClosedException($"Worker closed [pid:{Pid}]");
    }
}
