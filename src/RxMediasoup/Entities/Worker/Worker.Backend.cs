using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;

namespace RxMediasoup;

// A worker on a backend that pushes its frames on a scheduler (a simulated worker in virtual time).
public sealed partial class Worker
{
    /// <summary>The clock of the worker's own delays (close and kill timeouts); null: the real clock.</summary>
    private IScheduler? _clock;

    /// <summary>
    /// A worker on an already running backend whose transport pushes frames (<see cref="IPushWorkerTransport"/>):
    /// no start-up wait (the backend is running when it is handed over), no thread, and the worker's own delays run on
    /// the transport's scheduler.
    /// </summary>
    internal static Worker OnPushBackend(IWorkerBackend backend, WorkerSettings? settings = null)
    {
        if (backend.Transport is not IPushWorkerTransport push)
            throw new ArgumentException("the backend's transport does not push its frames", nameof(backend));
        settings ??= new WorkerSettings();
        settings.Validate();
        var loggerFactory = settings.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("RxMediasoup.Worker");
        var channel = new WorkerChannel(push, backend.Pid, loggerFactory, settings.RequestTimeout, settings.DeliveryWarningThreshold);
        channel.Start();
        var worker = new Worker(backend, channel, settings, logger) { _clock = push.Scheduler };
        worker.Monitor();
        return worker;
    }

    private Task Delay(TimeSpan delay)
        => _clock is null ? Task.Delay(delay) : Observable.Timer(delay, _clock).ToTask();
}
