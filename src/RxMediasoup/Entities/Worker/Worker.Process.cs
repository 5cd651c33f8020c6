using System.Reactive;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;
using RxMediasoup.Channel.Native;
using RxMediasoup.Protocol;

namespace RxMediasoup;

// The worker process: spawning, the close sequence, and what happens when it exits.
public sealed partial class Worker
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Test runs only: when set, <see cref="CreateAsync"/> hands the validated settings to it instead of starting a
    /// worker (the library's own suite sets it to run on simulated workers, <c>RXMEDIASOUP_TEST_WORKER_MODE=Simulated</c>).
    /// </summary>
    internal static Func<WorkerSettings, Task<Worker>>? TestFactory { get; set; }

    /// <summary>
    /// Starts a worker (a subprocess, or in this process: <see cref="WorkerSettings.Mode"/>) and waits until it
    /// reports it is running.
    /// </summary>
    /// <param name="settings">Worker settings; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the start-up (the half-started process is killed).</param>
    /// <exception cref="ArgumentException">Invalid settings, found before spawning or reported by the worker (exit code 42).</exception>
    /// <exception cref="WorkerBinaryNotFoundException">No mediasoup-worker binary (or library, in-process); the message says how to build it.</exception>
    /// <exception cref="MediasoupException">The process could not be spawned or exited during start-up.</exception>
    /// <exception cref="TimeoutException">The worker did not report it was running within <see cref="WorkerSettings.StartupTimeout"/>.</exception>
    public static async Task<Worker> CreateAsync(WorkerSettings? settings = null, CancellationToken cancellationToken = default)
    {
        settings ??= new WorkerSettings();
        settings.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        if (TestFactory is { } factory) return await factory(settings).ConfigureAwait(false);
        var logger = (settings.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("RxMediasoup.Worker");
        IWorkerBackend process = settings.Mode == WorkerMode.InProcess
            ? InProcessWorker.Start(WorkerLibrary.Locate(settings.WorkerBin), settings.ToArguments())
            : WorkerProcess.Spawn(WorkerBinary.Locate(settings.WorkerBin), settings.ToArguments(),
                new Dictionary<string, string> { ["MEDIASOUP_VERSION"] = MediasoupInfo.WorkerVersion }, logger);
        return await StartOnAsync(process, settings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the channel of a started backend (read by its own reader thread) and waits until the worker reports it
    /// is running; on failure the backend is killed and disposed. <see cref="CreateAsync"/>'s second half; also how a
    /// simulated worker in real time is started (RxMediasoup.Testing).
    /// </summary>
    internal static async Task<Worker> StartOnAsync(IWorkerBackend process, WorkerSettings settings, CancellationToken cancellationToken)
    {
        var loggerFactory = settings.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("RxMediasoup.Worker");
        var transport = settings.TransportDecorator?.Invoke(process.Transport) ?? process.Transport;
        var channel = new WorkerChannel(transport, process.Pid, loggerFactory, settings.RequestTimeout, settings.DeliveryWarningThreshold);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string pidHandler = process.RunningHandlerId;
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

        process.Kill();
        await process.Exited.WaitAsync(ExitTimeout, CancellationToken.None).ConfigureAwait(false);
        process.Dispose();
        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException(
            $"mediasoup-worker [pid:{process.Pid}] did not report it was running within {settings.StartupTimeout.TotalSeconds:0.###} s");
    }

    /// <summary>
    /// The worker's close sequence, after everything it hosts closed and <see cref="MediasoupEntity.Closed"/> emitted:
    /// tell the process to close, flush the channel (pending commands fail with <see cref="WorkerClosedException"/>),
    /// wait for the exit (SIGKILL if it does not exit within a few seconds), then <see cref="SubprocessClosed"/>.
    /// </summary>
    private protected override async Task SendCloseAsync()
    {
        Logger.LogDebug("closing worker [pid:{Pid}]", Pid);
        try
        {
            try
            {
                WorkerProtocol.NotifyClose(Channel);
            }
            catch (WorkerClosedException)
            {
                // The channel broke already; the process is going away.
            }
            await Channel.CloseGracefullyAsync(FlushTimeout).ConfigureAwait(false);
            if (!await ExitsWithin(ExitTimeout).ConfigureAwait(false))
            {
                Logger.LogWarning("worker [pid:{Pid}] did not exit after close; sending SIGKILL", Pid);
                _process.Kill();
                await ExitsWithin(ExitTimeout).ConfigureAwait(false);
            }
            if (_process.Exited.IsCompleted) OnProcessExited(_process.Exited.Result);
        }
        catch (Exception e)
        {
            Logger.LogError(e, "error while closing worker [pid:{Pid}]", Pid);
        }

        async Task<bool> ExitsWithin(TimeSpan timeout)
            => _process.Exited.IsCompleted
               || await Task.WhenAny(_process.Exited, Delay(timeout)).ConfigureAwait(false) == _process.Exited;
    }

    private void Monitor()
    {
        _process.Exited.ContinueWith(static (t, s) => ((Worker)s!).OnProcessExited(t.Result), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Channel.Closed.ContinueWith(static (t, s) => ((Worker)s!).OnChannelClosed(t.Result), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnChannelClosed(Exception? cause)
    {
        if (IsClosed || _process.HasExited) return;
        // The channel broke while the worker was open: its pending requests already failed. A worker whose
        // channel is gone is useless; if the process does not exit by itself promptly, it is killed, and its
        // exit is reported through Died.
        Logger.LogError("worker [pid:{Pid}] channel closed unexpectedly: {Cause}", Pid, cause?.Message);
        // Synchronously where the delay ends (a simulated worker's scheduler action, or a timer thread): a kill is one call.
        _ = Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => _process.Kill(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// The process exited: after <see cref="MediasoupEntity.CloseAsync"/>, only <see cref="SubprocessClosed"/>; else it
    /// died: the channel closes, <see cref="Died"/> and <see cref="SubprocessClosed"/> emit, then everything the worker
    /// hosts closes with <see cref="CloseReason.WorkerDied"/>, every stream completes and <see cref="MediasoupEntity.Closed"/>
    /// emits <see cref="CloseReason.WorkerDied"/>.
    /// </summary>
    private void OnProcessExited(ProcessExit exit)
    {
        // After a close, whichever of CloseAsync and the exit monitor comes second still sees the flag set.
        if (IsClosed) _isSubprocessClosed = true;
        if (Interlocked.Exchange(ref _exitHandled, 1) != 0) return;
        _process.Dispose();
        if (IsClosed)
        {
            Logger.LogDebug("worker process exited [pid:{Pid}, code:{Code}, signal:{Signal}]", Pid, exit.ExitCode, exit.Signal);
            _isSubprocessClosed = true;
            _subprocessClosed.OnNext(Unit.Default);
            return;
        }
        _death = new WorkerDeath(Pid, exit.ExitCode, exit.Signal);
        Logger.LogError("worker process died unexpectedly {Death}", _death);
        Channel.Close(new EndOfStreamException($"the worker process died {_death}"));
        if (!CloseCore(CloseReason.WorkerDied))
        {
            // CloseAsync won the race: the exit it waits for is this one.
            _death = null;
            _isSubprocessClosed = true;
            _subprocessClosed.OnNext(Unit.Default);
        }
    }

    private protected override void OnClosing(CloseReason reason)
    {
        if (reason != CloseReason.WorkerDied || _death is not { } death) return;
        if (RxMediasoup.Diagnostics.Telemetry.WorkerDeaths.Enabled) RxMediasoup.Diagnostics.Telemetry.WorkerDeaths.Add(1);
        _died.OnNext(death);
        _isSubprocessClosed = true;
        _subprocessClosed.OnNext(Unit.Default);
    }

    private protected override void CloseChildren(CloseReason reason)
    {
        var childReason = reason == CloseReason.WorkerDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed;
        Routers.CloseAll(router => router.CloseCore(childReason));
        WebRtcServers.CloseAll(server => server.CloseCore(childReason));
    }
}
