using System.Reactive.Concurrency;

namespace RxMediasoup.Testing;

/// <summary>
/// Runs a test's own async code in virtual time: inside <see cref="Run"/>, every <c>await</c> continues in an action
/// of the scheduler (not on the test framework's context or the thread pool), so the code advances as the scheduler
/// does and has run when <c>AdvanceBy</c> returns.
/// </summary>
/// <example>
/// <code>
/// var run = VirtualTime.Run(scheduler, async () =&gt; { var router = await worker.CreateRouterAsync(); ... });
/// scheduler.AdvanceBy(10);
/// await run; // completed inside AdvanceBy
/// </code>
/// </example>
public static class VirtualTime
{
    /// <summary>Starts <paramref name="body"/> now, with its continuations posted to <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">The virtual clock (a <c>TestScheduler</c>: a continuation runs one tick after it is posted).</param>
    /// <param name="body">The code (its synchronous part runs before this returns).</param>
    /// <returns>The body's task.</returns>
    public static Task Run(IScheduler scheduler, Func<Task> body) => Run(scheduler, async () =>
    {
        await body().ConfigureAwait(true);
        return true;
    });

    /// <inheritdoc cref="Run(IScheduler, Func{Task})"/>
    /// <typeparam name="T">The body's result.</typeparam>
    public static Task<T> Run<T>(IScheduler scheduler, Func<Task<T>> body)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(body);
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(new SchedulerContext(scheduler));
        try
        {
            return body();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Posts onto the scheduler; runs each callback with itself current, so the next await comes back too.</summary>
    private sealed class SchedulerContext(IScheduler scheduler) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
            => scheduler.Schedule(() =>
            {
                var previous = Current;
                SetSynchronizationContext(this);
                try
                {
                    d(state);
                }
                finally
                {
                    SetSynchronizationContext(previous);
                }
            });

        public override void Send(SendOrPostCallback d, object? state) => d(state);

        public override SynchronizationContext CreateCopy() => this;
    }
}
