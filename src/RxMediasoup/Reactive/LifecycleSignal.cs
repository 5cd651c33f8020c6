using System.Collections.Immutable;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxMediasoup.Reactive;

/// <summary>
/// A stream that emits at most one value and then completes, and replays that outcome to late subscribers
/// (<c>AsyncSubject</c> semantics) — used for lifecycle streams such as <c>Closed</c> and <c>Died</c>.
/// Differences from <c>AsyncSubject</c>: the value is delivered as soon as it is set (not only on completion),
/// and a subscriber that throws is isolated: logged and skipped, never breaking delivery to the others.
/// It never calls OnError.
/// </summary>
internal sealed class LifecycleSignal<T> : IObservable<T>
{
    private readonly object _gate = new();
    private readonly ILogger _logger;
    private readonly string _name;
    private ImmutableList<IObserver<T>> _observers = ImmutableList<IObserver<T>>.Empty;
    private bool _completed;
    private bool _hasValue;
    private T _value = default!;

    public LifecycleSignal(string name, ILogger? logger = null)
    {
        _name = name;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Current subscriber count (a diagnostic for leak checks).</summary>
    public int SubscriberCount => _observers.Count;

    public bool IsCompleted { get { lock (_gate) return _completed; } }

    /// <summary>Emits <paramref name="value"/> and completes. Returns false if already completed.</summary>
    public bool EmitAndComplete(T value)
    {
        ImmutableList<IObserver<T>> observers;
        lock (_gate)
        {
            if (_completed) return false;
            _completed = true;
            _hasValue = true;
            _value = value;
            observers = _observers;
            _observers = ImmutableList<IObserver<T>>.Empty;
        }
        foreach (var o in observers) Deliver(o, true, value);
        return true;
    }

    /// <summary>Completes without a value. Returns false if already completed.</summary>
    public bool Complete()
    {
        ImmutableList<IObserver<T>> observers;
        lock (_gate)
        {
            if (_completed) return false;
            _completed = true;
            observers = _observers;
            _observers = ImmutableList<IObserver<T>>.Empty;
        }
        foreach (var o in observers) Deliver(o, false, default!);
        return true;
    }

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        bool hasValue;
        T value;
        lock (_gate)
        {
            if (!_completed)
            {
                _observers = _observers.Add(observer);
                return new Subscription(this, observer);
            }
            hasValue = _hasValue;
            value = _value;
        }
        Deliver(observer, hasValue, value);
        return Disposable.Empty;
    }

    private void Deliver(IObserver<T> observer, bool hasValue, T value)
    {
        try
        {
            if (hasValue) observer.OnNext(value);
            observer.OnCompleted();
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

    private sealed class Subscription(LifecycleSignal<T> owner, IObserver<T> observer) : IDisposable
    {
        private LifecycleSignal<T>? _owner = owner;

        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Remove(observer);
    }
}
