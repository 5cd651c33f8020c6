using System.Reactive.Concurrency;

namespace RxMediasoup.Reactive;

/// <summary>
/// A stream that knows the clock it runs on: an entity's <c>PollStats</c> polls on a scheduler (a simulated worker's
/// own when none is given), and the stats operators applied directly to it (<see cref="StatsOperators"/>) default to
/// that scheduler, so on a simulated worker everything runs in virtual time without passing the scheduler twice.
/// </summary>
internal sealed class Clocked<T>(IObservable<T> source, IScheduler clock) : IObservable<T>, IClocked
{
    public IScheduler Clock { get; } = clock;

    public IDisposable Subscribe(IObserver<T> observer) => source.Subscribe(observer);
}

/// <summary>What <see cref="Clocked{T}"/> tells: the scheduler of a stream.</summary>
internal interface IClocked
{
    IScheduler Clock { get; }
}

internal static class Clocked
{
    /// <summary><paramref name="source"/> tagged with <paramref name="clock"/> (itself when null).</summary>
    public static IObservable<T> On<T>(IObservable<T> source, IScheduler? clock) => clock is null ? source : new Clocked<T>(source, clock);

    /// <summary>The clock of <paramref name="source"/>, if it is tagged with one.</summary>
    public static IScheduler? Of(object source) => (source as IClocked)?.Clock;

    /// <summary><paramref name="result"/>, tagged with the clock of the stream it was computed from (if any).</summary>
    public static IObservable<TResult> As<TResult>(IObservable<TResult> result, object source, IScheduler? clock = null)
        => On(result, clock ?? Of(source));
}
