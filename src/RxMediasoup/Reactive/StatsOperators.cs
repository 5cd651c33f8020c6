using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// Operators that derive rates and health from stats streams (e.g. <c>PollStats</c> results). They are generic
/// over selectors, so they work on any stats record: <c>stats.Bitrate(s =&gt; s.ByteCount, s =&gt; s.Timestamp)</c>.
/// Counters are cumulative (monotonically increasing); a counter that goes down is taken as a reset (the stream
/// was recreated): it restarted from zero, so the increase over that interval is its new value (Prometheus'
/// <c>rate()</c> rule). An exception thrown by a selector is the stream's error.
/// </summary>
public static class StatsOperators
{
    /// <summary>
    /// The bitrate, in bits per second, between each sample and the previous one, from a cumulative byte counter
    /// and the samples' own timestamps. The first sample emits nothing (it is the baseline); a sample whose
    /// timestamp is not later than the previous one is skipped.
    /// <code>
    /// (bytes@seconds): (0@0)---(1000@1)---(1500@2)---(200@3)      200 &lt; 1500: a reset
    /// bitrate:         --------8000-------4000-------1600
    /// </code>
    /// </summary>
    /// <param name="source">The stats samples.</param>
    /// <param name="byteCount">The cumulative byte counter of a sample.</param>
    /// <param name="timestamp">When a sample was taken.</param>
    public static IObservable<double> Bitrate<T>(this IObservable<T> source, Func<T, long> byteCount, Func<T, DateTimeOffset> timestamp)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(byteCount);
        ArgumentNullException.ThrowIfNull(timestamp);
        return Clocked.As(Observable.Create<double>(observer =>
        {
            bool hasPrevious = false;
            long previousBytes = 0;
            DateTimeOffset previousTime = default;
            return source.Subscribe(sample =>
            {
                long bytes;
                DateTimeOffset time;
                try
                {
                    bytes = byteCount(sample);
                    time = timestamp(sample);
                }
                catch (Exception e)
                {
                    observer.OnError(e);
                    return;
                }
                if (!hasPrevious)
                {
                    hasPrevious = true;
                    previousBytes = bytes;
                    previousTime = time;
                    return;
                }
                double seconds = (time - previousTime).TotalSeconds;
                if (seconds <= 0) return;
                long delta = Increase(previousBytes, bytes);
                previousBytes = bytes;
                previousTime = time;
                observer.OnNext(delta * 8 / seconds);
            }, observer.OnError, observer.OnCompleted);
        }), source);
    }

    /// <summary>
    /// The bitrate, in bits per second, between each sample and the previous one, from a cumulative byte counter;
    /// a sample's time is when it arrived, read from <paramref name="scheduler"/> (virtual time in tests). Otherwise
    /// as <see cref="Bitrate{T}(IObservable{T}, Func{T, long}, Func{T, DateTimeOffset})"/>.
    /// <code>
    /// bytes at second: 0@0---1000@1---1500@2
    /// bitrate:         ------8000-----4000
    /// </code>
    /// </summary>
    /// <param name="source">The stats samples.</param>
    /// <param name="byteCount">The cumulative byte counter of a sample.</param>
    /// <param name="scheduler">The clock; when null, the one <paramref name="source"/> polls on if it is an entity's
    /// <c>PollStats</c> (or a stats operator's result on one) — a simulated worker's scheduler, or the one given to
    /// <c>PollStats</c> — else the default scheduler.</param>
    public static IObservable<double> Bitrate<T>(this IObservable<T> source, Func<T, long> byteCount, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(byteCount);
        var clock = scheduler ?? Clocked.Of(source) ?? DefaultScheduler.Instance;
        return Clocked.As(source.Timestamp(clock).Bitrate(s => byteCount(s.Value), static s => s.Timestamp), source, clock);
    }

    /// <summary>
    /// The fraction of packets lost (0 to 1) between each sample and the previous one, from cumulative received and
    /// lost counters: <c>Δlost / (Δreceived + Δlost)</c>. The first sample emits nothing (baseline); an interval
    /// without packets emits 0. A received counter that goes down is a reset (both counters restart from zero).
    /// RTCP's cumulative loss may go down without a reset (duplicates); such an interval counts no loss.
    /// <code>
    /// (received, lost): (0,0)---(90,10)---(180,10)---(180,10)
    /// loss:             --------0.1-------0----------0
    /// </code>
    /// </summary>
    /// <param name="source">The stats samples.</param>
    /// <param name="packetsReceived">The cumulative count of packets received.</param>
    /// <param name="packetsLost">The cumulative count of packets lost.</param>
    public static IObservable<double> PacketLossRate<T>(this IObservable<T> source, Func<T, long> packetsReceived, Func<T, long> packetsLost)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(packetsReceived);
        ArgumentNullException.ThrowIfNull(packetsLost);
        return Clocked.As(Observable.Create<double>(observer =>
        {
            bool hasPrevious = false;
            long previousReceived = 0, previousLost = 0;
            return source.Subscribe(sample =>
            {
                long received, lost;
                try
                {
                    received = packetsReceived(sample);
                    lost = packetsLost(sample);
                }
                catch (Exception e)
                {
                    observer.OnError(e);
                    return;
                }
                if (!hasPrevious)
                {
                    hasPrevious = true;
                    previousReceived = received;
                    previousLost = lost;
                    return;
                }
                long receivedDelta, lostDelta;
                if (received < previousReceived)
                {
                    receivedDelta = received;
                    lostDelta = Math.Max(0, lost);
                }
                else
                {
                    receivedDelta = received - previousReceived;
                    lostDelta = Math.Max(0, lost - previousLost);
                }
                previousReceived = received;
                previousLost = lost;
                long total = receivedDelta + lostDelta;
                observer.OnNext(total == 0 ? 0 : (double)lostDelta / total);
            }, observer.OnError, observer.OnCompleted);
        }), source);
    }

    /// <summary>
    /// Whether a counter is stalled: <c>false</c> at the first sample, <c>true</c> once the counter has not changed
    /// for <paramref name="threshold"/> (measured on <paramref name="scheduler"/> from the last change, or from the
    /// first sample; a timer, so it fires even when no sample arrives), <c>false</c> again at the next change.
    /// Distinct: only transitions are emitted. A reset (the counter going down) counts as a change. Completes or
    /// fails with the source. Typical use: a consumer whose packet count stops growing.
    /// <code>
    /// threshold 3; counter: 1-2-2-2-2-2-5-
    /// time:                 0 1 2 3 4 5 6
    /// stalled:              f-------t---f          t at 1 + 3 = 4
    /// </code>
    /// </summary>
    /// <param name="source">The stats samples.</param>
    /// <param name="counter">The cumulative counter of a sample (packets, bytes, frames…).</param>
    /// <param name="threshold">How long without a change means stalled; positive.</param>
    /// <param name="scheduler">The clock of the timer (virtual time in tests); when null, the one <paramref name="source"/>
    /// polls on if it is an entity's <c>PollStats</c> (or a stats operator's result on one) — a simulated worker's
    /// scheduler, or the one given to <c>PollStats</c> — else the default scheduler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not positive.</exception>
    public static IObservable<bool> Stalled<T>(this IObservable<T> source, Func<T, long> counter, TimeSpan threshold, IScheduler? scheduler = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(counter);
        if (threshold <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "the stall threshold must be positive");
        var sched = scheduler ?? Clocked.Of(source) ?? DefaultScheduler.Instance;
        return Clocked.As(Observable.Create<bool>(observer =>
        {
            var gate = new object();
            var timer = new SerialDisposable();
            bool hasPrevious = false, stalled = false, done = false;
            long previous = 0;

            void Arm() => timer.Disposable = sched.Schedule(threshold, () =>
            {
                lock (gate)
                {
                    if (done || stalled) return;
                    stalled = true;
                    observer.OnNext(true);
                }
            });

            var subscription = source.Subscribe(sample =>
            {
                lock (gate)
                {
                    if (done) return;
                    long value;
                    try
                    {
                        value = counter(sample);
                    }
                    catch (Exception e)
                    {
                        done = true;
                        timer.Dispose();
                        observer.OnError(e);
                        return;
                    }
                    if (!hasPrevious)
                    {
                        hasPrevious = true;
                        previous = value;
                        observer.OnNext(false);
                        Arm();
                        return;
                    }
                    if (value == previous) return;
                    previous = value;
                    Arm();
                    if (!stalled) return;
                    stalled = false;
                    observer.OnNext(false);
                }
            }, error =>
            {
                lock (gate)
                {
                    if (done) return;
                    done = true;
                    timer.Dispose();
                    observer.OnError(error);
                }
            }, () =>
            {
                lock (gate)
                {
                    if (done) return;
                    done = true;
                    timer.Dispose();
                    observer.OnCompleted();
                }
            });
            return new CompositeDisposable(subscription, timer, Disposable.Create(() => { lock (gate) done = true; }));
        }), source, sched);
    }

    /// <summary>The increase of a cumulative counter; a counter that went down was reset (restarted from zero).</summary>
    internal static long Increase(long previous, long current) => current >= previous ? current - previous : current;
}
