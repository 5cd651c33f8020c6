using System.Collections.Immutable;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxMediasoup.Reactive;

/// <summary>
/// The multicast behind shared polls (<see cref="Polling.PollShared{T, TSignal}(object, string, Func{CancellationToken, Task{T}}, TimeSpan, IObservable{TSignal}, System.Reactive.Concurrency.IScheduler?)"/>):
/// a hot subject with the library's delivery rules — values reach subscribers synchronously and in order
/// (delivery happens under the publisher's lock, so a value published on one thread never overtakes another); a
/// subscriber that throws is isolated (logged and removed) and never breaks delivery to the others; a terminated
/// publisher replays its end to late subscribers. Unlike <see cref="StateStream{T}"/> (entity state and event
/// streams, which never fail) it has no current value and can end with an error: a stats request that failed.
/// <code>
/// publish:    a---b---c---#
/// S1:         a---b---c---#
/// S2 (joins after a):  b---c---#
/// S3 (joins after #):          #
/// </code>
/// </summary>
internal sealed class StatePublisher<T> : IObservable<T>
{
    private readonly object _gate = new();
    private readonly string _name;
    private readonly ILogger _logger;
    private ImmutableList<IObserver<T>> _observers = ImmutableList<IObserver<T>>.Empty;
    private bool _terminated;
    private Exception? _error;

    public StatePublisher(string name, ILogger? logger = null)
    {
        _name = name;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Current subscriber count (a diagnostic for leak checks).</summary>
    public int SubscriberCount => _observers.Count;

    /// <summary>True once completed or failed.</summary>
    public bool IsTerminated { get { lock (_gate) return _terminated; } }

    /// <summary>Delivers <paramref name="value"/> to every subscriber; false once terminated.</summary>
    public bool Publish(T value)
    {
        lock (_gate)
        {
            if (_terminated) return false;
            foreach (var o in _observers)
            {
                try
                {
                    o.OnNext(value);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "a subscriber of {Stream} threw; it was removed", _name);
                    _observers = _observers.Remove(o);
                }
            }
            return true;
        }
    }

    /// <summary>Completes every subscriber; false if already terminated.</summary>
    public bool Complete() => Terminate(null);

    /// <summary>
    /// Fails every subscriber with <paramref name="error"/>; false if already terminated. Lifecycle never goes
    /// through here (entities complete); this is for genuine failures such as a stats request that failed.
    /// </summary>
    public bool Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Terminate(error);
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            if (_terminated)
            {
                Deliver(observer, _error);
                return Disposable.Empty;
            }
            _observers = _observers.Add(observer);
        }
        return new Subscription(this, observer);
    }

    private bool Terminate(Exception? error)
    {
        lock (_gate)
        {
            if (_terminated) return false;
            _terminated = true;
            _error = error;
            var observers = _observers;
            _observers = ImmutableList<IObserver<T>>.Empty;
            foreach (var o in observers) Deliver(o, error);
            return true;
        }
    }

    private void Deliver(IObserver<T> observer, Exception? error)
    {
        try
        {
            if (error is null) observer.OnCompleted();
            else observer.OnError(error);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "a subscriber of {Stream} threw on termination", _name);
        }
    }

    private void Remove(IObserver<T> observer)
    {
        lock (_gate) _observers = _observers.Remove(observer);
    }

    private sealed class Subscription(StatePublisher<T> owner, IObserver<T> observer) : IDisposable
    {
        private StatePublisher<T>? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Remove(observer);
    }
}
