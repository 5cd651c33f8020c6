using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace RxMediasoup.Notebooks;

/// <summary>
/// Virtual time for notebooks: System.Reactive's own <see cref="HistoricalScheduler"/> (a
/// <c>VirtualTimeScheduler</c>, as Microsoft.Reactive.Testing's <c>TestScheduler</c> is), made safe to use from several
/// threads. A real worker answers requests on the library's channel thread, and the library then schedules its next
/// timer from there while the notebook may be advancing the clock; every access here holds one lock.
/// </summary>
/// <remarks>
/// Why not <c>TestScheduler</c>: the newest Microsoft.Reactive.Testing served (3.1.1) binds either to Rx 3's
/// assemblies or, through the 6.1 facades, to System.Reactive 6.1.0.0, while the notebook host has System.Reactive
/// 6.0.0.0 loaded; in the .dib the library then fails with <c>MissingMethodException</c>.
/// </remarks>
public sealed class VirtualClock : IScheduler
{
    private readonly HistoricalScheduler _scheduler = new(DateTimeOffset.UnixEpoch);
    private readonly object _gate = new();

    /// <summary>The virtual time.</summary>
    public DateTimeOffset Now { get { lock (_gate) return _scheduler.Now; } }

    /// <summary>Virtual seconds since the start.</summary>
    public double Seconds => (Now - DateTimeOffset.UnixEpoch).TotalSeconds;

    /// <summary>Runs every action due within <paramref name="time"/> from now, in order, and moves the clock there.</summary>
    public void AdvanceBy(TimeSpan time)
    {
        lock (_gate) _scheduler.AdvanceBy(time);
    }

    /// <inheritdoc />
    public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate) return Guard(_scheduler.Schedule(state, Wrap(action)));
    }

    /// <inheritdoc />
    public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate) return Guard(_scheduler.Schedule(state, dueTime, Wrap(action)));
    }

    /// <inheritdoc />
    public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        lock (_gate) return Guard(_scheduler.Schedule(state, dueTime, Wrap(action)));
    }

    // Actions see this clock (so what they schedule is locked too), not the inner scheduler.
    private Func<IScheduler, TState, IDisposable> Wrap<TState>(Func<IScheduler, TState, IDisposable> action) =>
        (_, s) => action(this, s);

    private IDisposable Guard(IDisposable inner) => Disposable.Create(() => { lock (_gate) inner.Dispose(); });
}
