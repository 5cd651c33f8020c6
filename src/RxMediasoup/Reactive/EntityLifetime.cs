using System.Reactive;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace RxMediasoup;

/// <summary>
/// Lifetimes tied to subscriptions (the <c>Observable.Using</c> pattern): an entity created when the stream is
/// subscribed and closed when the subscription is disposed.
/// </summary>
/// <remarks>
/// <code>
/// subscribe:  create()...created
/// stream:     ------------e--------------       one value, the entity (no completion while it lives)
/// dispose:                        ^             DisposeAsync() on the entity (fire and forget)
/// entity closed by itself (its worker died, …):
/// stream:     ------------e-------|             completes; lifecycle is never an error
/// creation failed:
/// stream:     ------------#                     the one place OnError is right: the subscriber asked for it
/// </code>
/// Disposing before the creation completed cancels it (the creation token is cancelled); if the entity gets
/// created anyway it is closed at once and never emitted. Every subscription creates its own entity (cold); use
/// <c>Publish().RefCount()</c> to share one. Operators that end the subscription after the first value
/// (<c>Take(1)</c>, <c>FirstAsync()</c>) therefore end the entity's lifetime too. The entity is not completed on purpose after its value: in Rx a
/// completed stream disposes its subscription, which would close the entity.
/// </remarks>
public static class EntityLifetime
{
    /// <summary>
    /// An entity created by <paramref name="create"/> on subscribe, emitted once, and closed
    /// (<see cref="IAsyncDisposable.DisposeAsync"/>) when the subscription is disposed; see <see cref="EntityLifetime"/>.
    /// The stream never completes by itself.
    /// </summary>
    /// <param name="create">Creates the entity; its token is cancelled when the subscription is disposed first.</param>
    public static IObservable<TEntity> Using<TEntity>(Func<CancellationToken, Task<TEntity>> create)
        where TEntity : IAsyncDisposable
        => Using(create, static _ => Observable.Never<Unit>());

    /// <summary>
    /// An entity created by <paramref name="create"/> on subscribe, emitted once, and closed
    /// (<see cref="IAsyncDisposable.DisposeAsync"/>) when the subscription is disposed; the stream completes when
    /// the entity's <paramref name="closed"/> signal fires (emits or ends): the entity closed by itself.
    /// See <see cref="EntityLifetime"/>.
    /// </summary>
    /// <param name="create">Creates the entity; its token is cancelled when the subscription is disposed first.</param>
    /// <param name="closed">The entity's close signal (e.g. <c>router =&gt; router.Closed</c>).</param>
    public static IObservable<TEntity> Using<TEntity, TSignal>(Func<CancellationToken, Task<TEntity>> create,
        Func<TEntity, IObservable<TSignal>> closed)
        where TEntity : IAsyncDisposable
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(closed);
        return Observable.Create<TEntity>(observer =>
        {
            var lifetime = new Lifetime<TEntity, TSignal>(observer, closed);
            lifetime.Start(create);
            return lifetime;
        });
    }

    /// <summary>Closes <paramref name="entity"/> without waiting; a failure to close is observed and dropped.</summary>
    internal static void CloseInBackground(IAsyncDisposable entity)
    {
        try
        {
            var closing = entity.DisposeAsync();
            if (!closing.IsCompleted)
            {
                _ = closing.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else if (closing.IsFaulted)
            {
                _ = closing.AsTask().Exception;
            }
        }
        catch (Exception)
        {
            // Closing is best effort: the subscriber has gone and nobody can be told.
        }
    }

    private sealed class Lifetime<TEntity, TSignal>(IObserver<TEntity> observer, Func<TEntity, IObservable<TSignal>> closed)
        : IDisposable where TEntity : IAsyncDisposable
    {
        private readonly object _gate = new();
        private readonly CancellationTokenSource _cancellation = new();
        private readonly SingleAssignmentDisposable _closedSubscription = new();
        private bool _disposed;
        private bool _hasEntity;
        private TEntity _entity = default!;

        public void Start(Func<CancellationToken, Task<TEntity>> create)
        {
            Task<TEntity> task;
            try
            {
                task = create(_cancellation.Token) ?? throw new InvalidOperationException("the entity factory returned no task");
            }
            catch (Exception e)
            {
                observer.OnError(e);
                return;
            }
            task.ContinueWith(static (t, s) => ((Lifetime<TEntity, TSignal>)s!).OnCreated(t), this,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        public void Dispose()
        {
            bool close;
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                close = _hasEntity;
            }
            try
            {
                _cancellation.Cancel();
            }
            catch (AggregateException)
            {
                // A cancellation callback of the factory threw; the subscriber has gone and nobody can be told.
            }
            _closedSubscription.Dispose();
            if (close) CloseInBackground(_entity);
        }

        private void OnCreated(Task<TEntity> task)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    // Disposed while creating: close what got created anyway, drop a failure.
                    if (task.IsCompletedSuccessfully) CloseInBackground(task.Result);
                    else _ = task.Exception;
                    return;
                }
                if (!task.IsCompletedSuccessfully)
                {
                    Exception error = task.IsCanceled
                        ? new OperationCanceledException("the entity's creation was cancelled")
                        : task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerExceptions[0] : task.Exception;
                    observer.OnError(error);
                    return;
                }
                _hasEntity = true;
                _entity = task.Result;
                try
                {
                    observer.OnNext(_entity);
                }
                catch (Exception)
                {
                    // Observable.Create's observer disposed the subscription (closing the entity) before rethrowing.
                    return;
                }
                if (_disposed) return;
            }
            // The entity's own close completes the stream (outside the lock: a replayed signal fires at once).
            _closedSubscription.Disposable = closed(_entity).Subscribe(
                _ => observer.OnCompleted(), _ => observer.OnCompleted(), observer.OnCompleted);
        }
    }
}
