using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using RxMediasoup.Diagnostics;

namespace RxMediasoup;

/// <summary>
/// An opt-in bounded buffer between a hot, high-rate source (delivered synchronously on the channel's dispatch loop)
/// and a subscriber that may be slower: each subscription gets its own queue of at most <c>capacity</c> values,
/// drained on a scheduler. When the queue is full the OLDEST value is dropped (for media the freshest packet is worth
/// more), <c>onDropped</c> is called and the drop is counted in rxmediasoup.notifications.dropped (reason
/// <c>buffer_full</c>, tagged with <c>entityType</c>). Source completion is delivered after the queued values. A subscriber that
/// throws is logged and unsubscribed.
/// </summary>
internal sealed class BoundedObservable<T>(IObservable<T> source, int capacity, IScheduler scheduler, Action onDropped, ILogger logger,
    string entityType, string name)
    : IObservable<T>
{
    private readonly int _capacity = capacity;
    private readonly IScheduler _scheduler = scheduler;
    private readonly Action _onDropped = onDropped;
    private readonly ILogger _logger = logger;
    private readonly string _entityType = entityType;
    private readonly string _name = name;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var sink = new Sink(this, observer);
        sink.Upstream.Disposable = source.Subscribe(sink);
        return sink;
    }

    private sealed class Sink(BoundedObservable<T> owner, IObserver<T> observer) : IObserver<T>, IDisposable
    {
        private readonly object _gate = new();
        private readonly Queue<T> _queue = new();
        private bool _completed;
        private bool _terminated;
        private bool _draining;
        private bool _disposed;

        public SingleAssignmentDisposable Upstream { get; } = new();

        public void OnNext(T value)
        {
            bool dropped = false, schedule = false;
            lock (_gate)
            {
                if (_disposed || _completed) return;
                if (_queue.Count >= owner._capacity)
                {
                    _queue.Dequeue();
                    owner._onDropped();
                    dropped = true;
                }
                _queue.Enqueue(value);
                if (!_draining) _draining = schedule = true;
            }
            if (dropped) Telemetry.CountBufferDrop(owner._entityType); // outside the lock: a listener's callback runs here
            if (schedule) owner._scheduler.Schedule(Drain);
        }

        public void OnError(Exception error) => OnCompleted(); // the entities' streams never error

        public void OnCompleted()
        {
            lock (_gate)
            {
                if (_disposed || _completed) return;
                _completed = true;
                if (_draining) return;
                _draining = true;
            }
            owner._scheduler.Schedule(Drain);
        }

        private void Drain()
        {
            while (true)
            {
                T item;
                bool complete = false;
                lock (_gate)
                {
                    if (_disposed) return;
                    if (_queue.Count > 0)
                    {
                        item = _queue.Dequeue();
                    }
                    else
                    {
                        _draining = false;
                        if (!_completed || _terminated) return;
                        _terminated = true;
                        complete = true;
                        item = default!;
                    }
                }
                try
                {
                    if (complete)
                    {
                        observer.OnCompleted();
                        return;
                    }
                    observer.OnNext(item);
                }
                catch (Exception e)
                {
                    owner._logger.LogError(e, "a subscriber of {Stream} threw; it was removed", owner._name);
                    Dispose();
                    return;
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                _queue.Clear();
            }
            Upstream.Dispose();
        }
    }
}
