using System.Collections.Immutable;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxMediasoup.Reactive;

/// <summary>
/// A hot multicast source with the library's delivery rules: values reach subscribers synchronously and in
/// order (delivery happens under the publisher's lock, so a value published on one thread never overtakes
/// another); a subscriber that throws is isolated (logged and removed) and never breaks delivery to the others;
/// a terminated publisher replays its end (and, in state mode, its last value) to late subscribers.
/// </summary>
/// <remarks>
/// Two modes: an <em>event</em> publisher (<c>replayLatest: false</c>) is a plain <c>Subject</c> without the
/// throw propagation; a <em>state</em> publisher (<c>replayLatest: true</c>) replays its current value on
/// subscribe and, with a comparer, suppresses values equal to the current one (distinct changes):
/// <code>
/// state:   publish a, a, b; subscriber S joins after b; publish b, c; complete
/// S:       b-----c|
/// </code>
/// </remarks>
internal sealed class StatePublisher<T> : IObservable<T>
{
    private readonly object _gate = new();
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly bool _replayLatest;
    private readonly IEqualityComparer<T>? _distinct;
    private ImmutableList<IObserver<T>> _observers = ImmutableList<IObserver<T>>.Empty;
    private bool _hasValue;
    private T _value = default!;
    private bool _terminated;
    private Exception? _error;

    public StatePublisher(string name, ILogger? logger = null, bool replayLatest = false, IEqualityComparer<T>? distinct = null)
    {
        _name = name;
        _logger = logger ?? NullLogger.Instance;
        _replayLatest = replayLatest;
        _distinct = distinct;
    }

    /// <summary>Current subscriber count (a diagnostic for leak checks).</summary>
    public int SubscriberCount => _observers.Count;

    /// <summary>True once completed or failed.</summary>
    public bool IsTerminated { get { lock (_gate) return _terminated; } }

    /// <summary>The current value, when there is one (state mode keeps it; event mode keeps the last one too).</summary>
    public bool TryGetValue(out T value)
    {
        lock (_gate)
        {
            value = _value;
            return _hasValue;
        }
    }

    /// <summary>
    /// Publishes <paramref name="value"/>. Returns false when it was suppressed: the publisher terminated, or
    /// (with a comparer) it equals the current value.
    /// </summary>
    public bool Publish(T value)
    {
        lock (_gate)
        {
            if (_terminated) return false;
            if (_distinct is not null && _hasValue && _distinct.Equals(_value, value)) return false;
            _hasValue = true;
            _value = value;
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
                Deliver(observer, _replayLatest && _hasValue, _value, _error);
                return Disposable.Empty;
            }
            if (_replayLatest && _hasValue)
            {
                try
                {
                    observer.OnNext(_value);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "a subscriber of {Stream} threw; it was removed", _name);
                    return Disposable.Empty;
                }
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
            foreach (var o in observers) Deliver(o, false, default!, error);
            return true;
        }
    }

    private void Deliver(IObserver<T> observer, bool hasValue, T value, Exception? error)
    {
        try
        {
            if (hasValue) observer.OnNext(value);
            if (error is null) observer.OnCompleted();
            else observer.OnError(error);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "a subscriber of {Stream} threw; it was skipped", _name);
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
