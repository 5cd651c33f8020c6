using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>One subscription's loop: request, wait for the answer, deliver, wait one period, repeat.</summary>
internal sealed class PollLoop<T>(Func<CancellationToken, Task<T>> fetch, TimeSpan period, IScheduler scheduler,
    IObserver<T> observer, ILogger logger) : IDisposable
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _cancellation = new();
    private readonly SerialDisposable _timer = new();
    private readonly SingleAssignmentDisposable _closedSubscription = new();
    private bool _done;

    public void Start<TSignal>(IObservable<TSignal> closed)
    {
        // Subscribed first: a signal that already fired (replayed) ends the loop before any request.
        _closedSubscription.Disposable = closed.Subscribe(_ => Finish(null), _ => Finish(null), () => Finish(null));
        lock (_gate)
        {
            if (_done) return;
            _timer.Disposable = scheduler.Schedule(Fetch);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_done) return;
            _done = true;
        }
        Stop();
    }

    private void Fetch()
    {
        Task<T> task;
        lock (_gate)
        {
            if (_done) return;
            try
            {
                task = fetch(_cancellation.Token) ?? throw new InvalidOperationException("the poll's fetch returned no task");
            }
            catch (Exception e)
            {
                Fail(e);
                return;
            }
        }
        task.ContinueWith(static (t, s) => ((PollLoop<T>)s!).OnFetched(t), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnFetched(Task<T> task)
    {
        lock (_gate)
        {
            if (_done)
            {
                _ = task.Exception; // observed: a request that failed after the end is of no interest
                return;
            }
            if (!task.IsCompletedSuccessfully)
            {
                // Our token is only cancelled once _done is set: a cancelled task here is someone else's.
                Fail(task.IsCanceled ? new OperationCanceledException("the poll's request was cancelled") : Unwrap(task.Exception!));
                return;
            }
            try
            {
                observer.OnNext(task.Result);
            }
            catch (Exception e)
            {
                logger.LogError(e, "a subscriber of a poll threw; its polling loop was stopped");
                _done = true;
                Stop();
                return;
            }
            if (_done) return;
            _timer.Disposable = scheduler.Schedule(period, Fetch);
        }
    }

    private void Fail(Exception error) => Finish(Polling.IsLifecycleEnd(error) ? null : error);

    private void Finish(Exception? error)
    {
        lock (_gate)
        {
            if (_done) return;
            _done = true;
            Stop();
            try
            {
                if (error is null) observer.OnCompleted();
                else observer.OnError(error);
            }
            catch (Exception e)
            {
                logger.LogError(e, "a subscriber of a poll threw on completion");
            }
        }
    }

    private void Stop()
    {
        _timer.Dispose();
        _closedSubscription.Dispose();
        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException e)
        {
            logger.LogError(e, "a cancellation callback of a poll's request threw");
        }
    }

    private static Exception Unwrap(AggregateException e) => e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e;
}
