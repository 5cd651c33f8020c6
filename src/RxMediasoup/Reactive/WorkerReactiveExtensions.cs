using System.Reactive.Concurrency;

namespace RxMediasoup;

/// <summary>Reactive API of <see cref="Worker"/>: resource-usage polling and router lifetimes.</summary>
public static class WorkerReactiveExtensions
{
    /// <summary>
    /// The worker's resource usage (<see cref="Worker.GetResourceUsageAsync"/>) every <paramref name="period"/>:
    /// the first request at subscribe, each next one <paramref name="period"/> after the previous answer (requests
    /// never overlap). One shared loop per worker, period and scheduler: subscribers share it and it stops when the
    /// last one leaves. Completes when the worker closes or dies; a failed request other than "worker closed" is
    /// an error. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  u0--1s--u1--1s--u2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="worker">The worker.</param>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); the default scheduler when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public static IObservable<WorkerResourceUsage> PollResourceUsage(this Worker worker, TimeSpan period, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return Polling.PollShared(worker, "Worker.ResourceUsage", worker.GetResourceUsageAsync, period, worker.Closed, scheduler);
    }

    /// <summary>
    /// A router that exists while the subscription lives: created (<see cref="Worker.CreateRouterAsync"/>) on
    /// subscribe and emitted once; disposing the subscription closes it; the stream completes if the router
    /// closes by itself (its worker closed or died). A creation failure (bad options, worker closed) is the
    /// stream's error. See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... router created:  ------r------          dispose: router.CloseAsync()
    /// worker closed:                 ------r----|
    /// invalid options:               ---#
    /// </code>
    /// </summary>
    /// <param name="worker">The worker.</param>
    /// <param name="options">The router options; null for defaults.</param>
    public static IObservable<Router> UsingRouter(this Worker worker, RouterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return EntityLifetime.Using(ct => worker.CreateRouterAsync(options, ct), static router => router.Closed);
    }
}
