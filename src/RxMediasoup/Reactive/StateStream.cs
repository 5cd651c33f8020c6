using System.Collections.Immutable;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxMediasoup.Reactive;

/// <summary>
/// The stream behind an entity's state streams (<c>IceState</c>, <c>DtlsState</c>, <c>Tuple</c>, …) and, with
/// <c>replay: false</c>, its hot event streams (<c>Trace</c>, <c>Rtcp</c>).
/// <list type="bullet">
/// <item>State mode: a subscriber first gets the current value (also after completion), then each distinct
/// change; <see cref="Complete"/> completes every subscriber.</item>
/// <item>Event mode: no replay and no distinctness; a late subscriber after completion only gets OnCompleted.</item>
/// <item>Values are delivered synchronously on the caller's thread (the channel's dispatch loop), in order, under
/// the stream's lock (so concurrent publishers — the dispatch loop and a closing thread — never interleave, and
/// nothing follows OnCompleted); a subscriber that throws is logged and removed, never breaking delivery to the
/// others. Never calls OnError.</item>
/// </list>
/// </summary>
internal sealed class StateStream<T> : IObservable<T>
{
    private readonly object _gate = new();
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly bool _replay;
    private readonly IEqualityComparer<T> _comparer;
    private ImmutableList<IObserver<T>> _observers = ImmutableList<IObserver<T>>.Empty;
    private T _value;
    private bool _completed;

    /// <summary>A state stream with an initial value.</summary>
    public StateStream(string name, T initial, ILogger? logger = null, IEqualityComparer<T>? comparer = null)
        : this(name, initial, true, logger, comparer)
    {
    }

    private StateStream(string name, T initial, bool replay, ILogger? logger, IEqualityComparer<T>? comparer)
    {
        _name = name;
        _value = initial;
        _replay = replay;
        _logger = logger ?? NullLogger.Instance;
        _comparer = comparer ?? EqualityComparer<T>.Default;
    }

    /// <summary>A hot event stream: no replay, every value delivered.</summary>
    public static StateStream<T> Events(string name, ILogger? logger = null) => new(name, default!, false, logger, null);

    /// <summary>The current value (state mode).</summary>
    public T Value { get { lock (_gate) return _value; } }

    /// <summary>True once completed.</summary>
    public bool IsCompleted { get { lock (_gate) return _completed; } }

    /// <summary>Current subscriber count (a diagnostic for leak checks).</summary>
    public int SubscriberCount => _observers.Count;

    /// <summary>
    /// Sets the value and delivers it, if it differs from the current one (state mode) — always (event mode).
    /// Ignored after completion. Returns true if delivered.
    /// </summary>
    public bool OnNext(T value)
    {
        // Delivery happens under the gate: a value published on one thread never overtakes another, and nothing
        // reaches a subscriber after its OnCompleted.
        lock (_gate)
        {
            if (_completed) return false;
            if (_replay)
            {
                if (_comparer.Equals(_value, value)) return false;
                _value = value;
            }
            foreach (var o in _observers)
            {
                // A subscriber may close the entity (or set a newer state) from its OnNext: stop delivering a
                // value that is no longer current.
                if (_completed || (_replay && !_comparer.Equals(_value, value))) break;
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

    /// <summary>Completes every subscriber; later values are ignored. Returns false if already completed.</summary>
    public bool Complete()
    {
        lock (_gate)
        {
            if (_completed) return false;
            _completed = true;
            var observers = _observers;
            _observers = ImmutableList<IObserver<T>>.Empty;
            foreach (var o in observers)
            {
                try { o.OnCompleted(); }
                catch (Exception e) { _logger.LogError(e, "a subscriber of {Stream} threw on completion", _name); }
            }
            return true;
        }
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        // The replayed value is delivered under the gate so that no change can overtake it.
        lock (_gate)
        {
            try
            {
                if (_replay) observer.OnNext(_value);
                if (_completed)
                {
                    observer.OnCompleted();
                    return Disposable.Empty;
                }
            }
            catch (Exception e)
            {
                _logger.LogError(e, "a subscriber of {Stream} threw on subscription; it was not added", _name);
                return Disposable.Empty;
            }
            _observers = _observers.Add(observer);
        }
        return new Subscription(this, observer);
    }

    private void Remove(IObserver<T> observer)
    {
        lock (_gate) _observers = _observers.Remove(observer);
    }

    private sealed class Subscription(StateStream<T> owner, IObserver<T> observer) : IDisposable
    {
        private StateStream<T>? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Remove(observer);
    }
}
