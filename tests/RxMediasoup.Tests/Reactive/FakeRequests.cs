using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Tests.Reactive;

/// <summary>
/// A request double in virtual time: each call records when it started and completes after
/// <see cref="Latency"/> ticks (at once when 0) of the <see cref="TestScheduler"/> (from a scheduled action, so nothing sleeps), with
/// <see cref="Result"/> or the exception of <see cref="Error"/>. Tracks cancellations and the peak concurrency.
/// </summary>
internal sealed class FakeRequests<T>(TestScheduler scheduler, Func<int, T> result)
{
    public List<long> Starts { get; } = [];
    public List<long> Cancels { get; } = [];
    public int InFlight { get; private set; }
    public int MaxInFlight { get; private set; }
    public Func<int, long> Latency { get; init; } = _ => 0;
    public Func<int, Exception?> Error { get; init; } = _ => null;

    public Task<T> Fetch(CancellationToken cancellationToken)
    {
        int index = Starts.Count;
        Starts.Add(scheduler.Clock);
        InFlight++;
        MaxInFlight = Math.Max(MaxInFlight, InFlight);
        long latency = Latency(index);
        if (latency == 0)
        {
            // Answered at once (a completed task), like a cached value.
            InFlight--;
            return Error(index) is { } immediateError ? Task.FromException<T>(immediateError) : Task.FromResult(result(index));
        }
        var tcs = new TaskCompletionSource<T>();
        var registration = cancellationToken.Register(() =>
        {
            if (!tcs.TrySetCanceled(cancellationToken)) return;
            Cancels.Add(scheduler.Clock);
            InFlight--;
        });
        scheduler.ScheduleRelative(latency, () =>
        {
            if (tcs.Task.IsCompleted) return;
            InFlight--;
            registration.Dispose();
            if (Error(index) is { } error) tcs.SetException(error);
            else tcs.SetResult(result(index));
        });
        return tcs.Task;
    }
}
