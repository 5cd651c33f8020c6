using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// Turns a request (<c>GetStatsAsync</c>, <c>GetResourceUsageAsync</c>, …) into a stream of periodic results:
/// the primitive behind every <c>PollStats</c> / <c>PollResourceUsage</c>.
/// </summary>
/// <remarks>
/// <para>Cadence (fixed delay): the first request is made as soon as the stream is subscribed (scheduled on
/// the scheduler at its current time, not after one period), and each next request one
/// <c>period</c> after the previous result <em>arrived</em>. So requests never overlap, a slow worker is never
/// sent a second request while one is in flight, and no burst of catch-up requests follows a slow answer; the
/// price is that the cadence stretches by the request latency.</para>
/// <code>
/// period 3; every request takes 1 tick, except the third, which takes 5:
/// time:      0    1    4    5    8    13   16   17
/// request:   r1        r2        r3        r4
/// value:          a         b         c         d
/// </code>
/// <para>Termination: the stream completes (it never errors for lifecycle reasons) when the
/// <c>closed</c> signal emits or ends, or when a request fails with <see cref="WorkerClosedException"/> or
/// <see cref="NotFoundException"/> (the owner closed, or its worker did, while the request was in flight). Any
/// other failure of a request is delivered as <c>OnError</c>.</para>
/// <para>Delivery: a result is delivered synchronously on the thread that completed the request (for entity
/// commands, the channel's dispatch loop); slow work belongs behind <c>ObserveOn</c>.</para>
/// <para>Unsubscribing (or the end of the stream) cancels the request in flight (its token is cancelled) and
/// the pending timer. A subscriber that throws from <c>OnNext</c> is isolated: the loop stops for it and the
/// exception is logged.</para>
/// </remarks>
public static class Polling
{
    private static readonly ConditionalWeakTable<object, Dictionary<SharedKey, object>> SharedLoops = new();

    /// <summary>
    /// Polls <paramref name="fetch"/> every <paramref name="period"/> (fixed delay, first request at subscribe;
    /// see <see cref="Polling"/>). Each subscription runs its own loop.
    /// </summary>
    /// <param name="fetch">The request; it receives a token cancelled when the subscription ends.</param>
    /// <param name="period">The delay between a result and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers; <see cref="DefaultScheduler"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public static IObservable<T> Poll<T>(Func<CancellationToken, Task<T>> fetch, TimeSpan period, IScheduler? scheduler = null)
        => Poll(fetch, period, Observable.Never<Unit>(), scheduler);

    /// <summary>
    /// Polls <paramref name="fetch"/> every <paramref name="period"/> until <paramref name="closed"/> fires
    /// (emits a value or ends), then completes; see <see cref="Polling"/> for the cadence and error mapping.
    /// <code>
    /// closed:     ------------x
    /// result:     a---b---c---|
    /// </code>
    /// </summary>
    /// <param name="fetch">The request; it receives a token cancelled when the subscription ends.</param>
    /// <param name="period">The delay between a result and the next request; positive.</param>
    /// <param name="closed">The owner's close signal (e.g. <see cref="MediasoupEntity.Closed"/>); a replayed signal that
    /// already fired completes the stream at once, without a request.</param>
    /// <param name="scheduler">The scheduler of the timers; <see cref="DefaultScheduler"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public static IObservable<T> Poll<T, TSignal>(Func<CancellationToken, Task<T>> fetch, TimeSpan period,
        IObservable<TSignal> closed, IScheduler? scheduler = null)
        => Poll(fetch, period, closed, scheduler, null);

    internal static IObservable<T> Poll<T, TSignal>(Func<CancellationToken, Task<T>> fetch, TimeSpan period,
        IObservable<TSignal> closed, IScheduler? scheduler, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(closed);
        ValidatePeriod(period);
        var sched = scheduler ?? DefaultScheduler.Instance;
        var log = logger ?? NullLogger.Instance;
        return Observable.Create<T>(observer =>
        {
            var loop = new PollLoop<T>(fetch, period, sched, observer, log);
            loop.Start(closed);
            return loop;
        });
    }

    /// <summary>
    /// Like <see cref="Poll{T, TSignal}(Func{CancellationToken, Task{T}}, TimeSpan, IObservable{TSignal}, IScheduler?)"/>,
    /// but shared: all subscribers to the same <paramref name="owner"/>, <paramref name="name"/>,
    /// <paramref name="period"/> and scheduler share ONE polling loop (Publish/RefCount). The loop starts with
    /// the first subscriber, stops (cancelling its request in flight) when the last one leaves, and a later
    /// subscriber starts a fresh one. Values are not replayed: a subscriber joining a running loop gets the
    /// next result. When the loop ends (owner closed, or a request failed) every subscriber gets that end.
    /// <code>
    /// period 3, instant requests; A subscribes at 0 and leaves at 8, B subscribes at 4 and leaves at 11:
    /// time:      0    3    4    6    8    9    11
    /// request:   r1   r2        r3        r4         one loop; none at 12 (nobody is left)
    /// A:         a    b         c    x               x: unsubscribed
    /// B:                   -    c         d    x
    /// </code>
    /// </summary>
    /// <param name="owner">The entity the loop belongs to (held weakly).</param>
    /// <param name="name">Identifies what is polled (e.g. <c>"Worker.ResourceUsage"</c>); one result type per name.</param>
    /// <param name="fetch">The request; the first subscriber's loop uses the <paramref name="fetch"/> it was given.</param>
    /// <param name="period">The delay between a result and the next request; positive.</param>
    /// <param name="closed">The owner's close signal.</param>
    /// <param name="scheduler">The scheduler of the timers; <see cref="DefaultScheduler"/> when null.</param>
    /// <param name="logger">Where a subscriber that throws is logged.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    internal static IObservable<T> PollShared<T, TSignal>(object owner, string name, Func<CancellationToken, Task<T>> fetch,
        TimeSpan period, IObservable<TSignal> closed, IScheduler? scheduler = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentNullException.ThrowIfNull(closed);
        ValidatePeriod(period);
        var sched = scheduler ?? DefaultScheduler.Instance;
        var key = new SharedKey(name, period, sched);
        return Clocked.On(Observable.Create<T>(observer =>
        {
            var table = SharedLoops.GetValue(owner, static _ => []);
            SharedLoop<T> loop;
            bool connect = false;
            lock (table)
            {
                if (!table.TryGetValue(key, out var existing))
                {
                    existing = new SharedLoop<T>(name, logger);
                    table.Add(key, existing);
                    connect = true;
                }
                loop = existing as SharedLoop<T> ?? throw new InvalidOperationException(
                    $"'{name}' is already polled with another result type than {typeof(T).Name}");
                loop.Count++;
            }
            var subscription = loop.Publisher.Subscribe(observer);
            if (connect)
            {
                loop.Connection.Disposable = Poll(fetch, period, closed, sched, logger)
                    .Subscribe(new SharedForwarder<T>(table, key, loop));
            }
            return Disposable.Create(() =>
            {
                subscription.Dispose();
                bool last;
                lock (table)
                {
                    last = --loop.Count == 0;
                    if (last && table.TryGetValue(key, out var current) && ReferenceEquals(current, loop)) table.Remove(key);
                }
                if (last) loop.Connection.Dispose();
            });
        }), scheduler); // the stats operators applied to it default to the clock it polls on (see Clocked)
    }

    /// <summary>Number of shared loops currently running for <paramref name="owner"/> (a leak-check diagnostic).</summary>
    internal static int SharedLoopCount(object owner)
    {
        if (!SharedLoops.TryGetValue(owner, out var table)) return 0;
        lock (table) return table.Count;
    }

    /// <summary>True for the failures that mean "the owner is gone": they complete a poll instead of failing it.</summary>
    internal static bool IsLifecycleEnd(Exception e) => e is WorkerClosedException or NotFoundException;

    private static void ValidatePeriod(TimeSpan period)
    {
        if (period <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(period), period, "the polling period must be positive");
    }

    private readonly record struct SharedKey(string Name, TimeSpan Period, IScheduler Scheduler);

    private sealed class SharedLoop<T>(string name, ILogger? logger)
    {
        // The multicast: hot, values in order, a throwing subscriber isolated, the end (completion or a failed
        // request) replayed to late subscribers.
        public readonly StreamSubject<T> Publisher = StreamSubject<T>.Events(name, null, logger);
        public readonly SingleAssignmentDisposable Connection = new();
        public int Count;
    }

    private sealed class SharedForwarder<T>(Dictionary<SharedKey, object> table, SharedKey key, SharedLoop<T> loop) : IObserver<T>
    {
        public void OnNext(T value) => loop.Publisher.OnNext(value);

        public void OnCompleted()
        {
            Detach();
            loop.Publisher.Complete();
        }

        public void OnError(Exception error)
        {
            Detach();
            loop.Publisher.Fail(error);
        }

        // A finished loop leaves the table first, so the next subscriber starts a fresh one.
        private void Detach()
        {
            lock (table)
            {
                if (table.TryGetValue(key, out var current) && ReferenceEquals(current, loop)) table.Remove(key);
            }
        }
    }
}
