using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;

namespace RxMediasoup.Reactive;

/// <summary>
/// The one stream primitive behind every entity stream, in three modes:
/// <list type="bullet">
/// <item><see cref="State"/> (<c>Paused</c>, <c>Score</c>, <c>IceState</c>…): replays the current value on subscribe,
/// then distinct changes; <see cref="Value"/> is synchronous.</item>
/// <item><see cref="Events"/> (<c>Trace</c>, <c>Rtp</c>, <c>Message</c>…): hot, no replay, every value; may
/// <see cref="Fail"/> (shared stats polls).</item>
/// <item><see cref="Signal"/> (<c>Closed</c>, <c>Died</c>): at most one value then completion, both replayed to late
/// subscribers.</item>
/// </list>
/// Rules shared by all modes: subscribers are called with no lock held, through a <see cref="DeliveryQueue"/> (the
/// worker's, for entity streams), so deliveries are serial and in publish order: a publisher that finds a delivery
/// in progress enqueues, and the delivering thread drains. A subscriber only gets values published after it
/// subscribed (its replay comes first). A subscriber that throws is logged and removed. Nothing follows completion.
/// Entity streams never fail.
/// </summary>
internal sealed partial class StreamSubject<T> : IObservableState<T>, IStreamCompletion
{
    private enum Mode { State, Events, Signal }

    private readonly string _name;
    private readonly Mode _mode;
    private readonly DeliveryQueue _queue;
    private readonly ILogger _logger;
    private readonly IEqualityComparer<T> _comparer;
    private Subscriber[] _subscribers = [];
    private T _value;
    private bool _hasValue;
    private long _version;
    private bool _terminated;
    private Exception? _error;

    private StreamSubject(string name, Mode mode, T initial, bool hasValue, DeliveryQueue? queue, ILogger? logger,
        IEqualityComparer<T>? comparer, bool completed = false)
    {
        _name = name;
        _mode = mode;
        _value = initial;
        _hasValue = hasValue;
        _terminated = completed;
        _queue = queue ?? new DeliveryQueue(logger);
        _logger = logger ?? NullLogger.Instance;
        _comparer = comparer ?? EqualityComparer<T>.Default;
    }

    /// <summary>
    /// A state stream with an initial value; when <paramref name="completed"/>, already completed (a stream created
    /// lazily after its entity closed: subscribers get <paramref name="initial"/>, the final value, then completion).
    /// </summary>
    public static StreamSubject<T> State(string name, T initial, DeliveryQueue? queue = null, ILogger? logger = null,
        IEqualityComparer<T>? comparer = null, bool completed = false)
        => new(name, Mode.State, initial, true, queue, logger, comparer, completed);

    /// <summary>A hot event stream; when <paramref name="completed"/>, already completed (created after its entity closed).</summary>
    public static StreamSubject<T> Events(string name, DeliveryQueue? queue = null, ILogger? logger = null, bool completed = false)
        => new(name, Mode.Events, default!, false, queue, logger, null, completed);

    /// <summary>A lifecycle signal: one value, then completion, replayed to late subscribers.</summary>
    public static StreamSubject<T> Signal(string name, DeliveryQueue? queue = null, ILogger? logger = null)
        => new(name, Mode.Signal, default!, false, queue, logger, null);

    /// <summary>A lifecycle signal that has fired already (created after the fact): replays <paramref name="value"/> and completion.</summary>
    public static StreamSubject<T> Fired(string name, T value, DeliveryQueue? queue = null, ILogger? logger = null)
        => new(name, Mode.Signal, value, true, queue, logger, null, completed: true);

    private object Gate => StripedGates.For(this); // no lock object per stream

    /// <summary>The stream's name (logged when a subscriber throws or holds delivery).</summary>
    public string Name => _name;

    /// <inheritdoc />
    public T Value { get { lock (Gate) return _value; } }

    /// <summary>True once completed or failed.</summary>
    public bool IsCompleted { get { lock (Gate) return _terminated; } }

    /// <summary>Current subscriber count (a diagnostic for leak checks).</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>
    /// Publishes a value: state mode sets <see cref="Value"/> at once and delivers it if it differs; event mode
    /// delivers every value; signal mode emits it and completes. False when ignored (completed, or not a change).
    /// </summary>
    public bool OnNext(T value)
    {
        bool run, inline = false;
        lock (Gate)
        {
            if (_terminated) return false;
            if (_mode == Mode.State && _comparer.Equals(_value, value)) return false;
            long version = ++_version;
            if (_mode == Mode.Events)
            {
                // The hot path (RTP, data messages): no allocation beyond boxing a value type. An event reaches whoever is
                // subscribed when it is delivered. Published by the entity's notification handler (running as an item of
                // this queue, at the notification's place): delivered right here, so nothing the reader posted since —
                // a later command's state — reaches subscribers first.
                inline = _queue.InHandlerHere;
                run = !inline && _queue.Enqueue(static (s, v) => ((StreamSubject<T>)s!).DeliverEvent((T)v!), this, value, _name);
            }
            else
            {
                _value = value;
                _hasValue = true;
                if (_mode == Mode.Signal) _terminated = true;
                // Enqueued under the lock: the queue's order is the order of the changes, whichever thread publishes.
                // Nobody subscribed: nothing to deliver (a later subscriber only gets the replay).
                run = HasSubscribers && _queue.Enqueue(DeliverItem, this,
                    new Delivery(version, value, _mode == Mode.Signal ? Kind.NextCompleted : Kind.Next), _name);
            }
        }
        if (inline)
        {
            var handler = DeliveryQueue.SuspendHandler(); // what subscribers publish is queued as usual
            try { DeliverEvent(value); }
            finally { DeliveryQueue.ExitHandler(handler); }
        }
        else if (run) _queue.Run();
        return true;
    }

    /// <summary>
    /// State mode: changes the current value with <paramref name="next"/>, under the stream's lock. It returns null for
    /// no change, else the new current value (what <see cref="Value"/> returns and later subscribers replay) and what
    /// the current subscribers get (e.g. a live collection: its snapshot, and the change). After completion the value
    /// still changes, and nothing is delivered. False when <paramref name="next"/> returned null.
    /// </summary>
    internal bool Update<TArg>(Func<T, TArg, (T Current, T Delivered)?> next, TArg arg)
    {
        if (_mode != Mode.State) throw new InvalidOperationException($"{_name} is not a state stream");
        bool run;
        lock (Gate)
        {
            if (next(_value, arg) is not { } change) return false;
            _value = change.Current;
            ++_version; // a later subscriber starts after this change
            if (_terminated || !HasSubscribers) return true;
            run = _queue.Enqueue(DeliverItem, this, new Delivery(_version, change.Delivered, Kind.Next), _name);
        }
        if (run) _queue.Run();
        return true;
    }

    private static readonly Action<object?, object?> DeliverItem = static (s, v) => ((StreamSubject<T>)s!).Deliver((Delivery)v!);

    /// <summary>Completes every subscriber after the values already published; false if already terminated.</summary>
    public bool Complete() => Terminate(null);

    /// <summary>Fails every subscriber (event mode only: a stats poll whose request failed); false if already terminated.</summary>
    public bool Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (_mode != Mode.Events) throw new InvalidOperationException($"{_name} never fails");
        return Terminate(error);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        Subscriber subscriber;
        Replay pendingReplay;
        lock (Gate)
        {
            bool replay = _mode == Mode.State || (_mode == Mode.Signal && _hasValue);
            // With a replay pending the subscriber starts busy: values delivered before the replay ran wait behind it.
            subscriber = new Subscriber(this, observer, _version, replayPending: replay || _terminated);
            var replayValue = _value;
            var terminated = _terminated;
            var error = _error;
            if (!terminated) _subscribers = [.. _subscribers, subscriber];
            if (!replay && !terminated) return subscriber;
            pendingReplay = new Replay(replay, replayValue, terminated, error);
        }
        // The replay runs here, synchronously (as a BehaviorSubject's does); a value delivered to this subscriber
        // meanwhile waits in its own queue, so it never overtakes the replay nor overlaps it.
        subscriber.Replay(pendingReplay);
        return subscriber;
    }

    private bool Terminate(Exception? error)
    {
        bool run;
        lock (Gate)
        {
            if (_terminated) return false;
            _terminated = true;
            _error = error;
            ++_version;
            if (!HasSubscribers) return true; // nobody to complete: no delivery item (the close cascade's common case)
            run = _queue.Enqueue(DeliverItem, this,
                new Delivery(_version, default!, error is null ? Kind.Completed : Kind.Failed, error), _name);
        }
        if (run) _queue.Run();
        return true;
    }

    // Under _gate: whether a delivery item would reach anyone (subscribers join under _gate, with the current version).
    private bool HasSubscribers => _subscribers.Length != 0;

    private void Deliver(Delivery delivery)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        foreach (var s in subscribers)
        {
            if (s.StartVersion >= delivery.Version || s.IsDisposed) continue;
            if (delivery.Kind == Kind.NextCompleted)
            {
                // A signal: its value then its completion, in one item.
                s.Deliver(Kind.Next, delivery.Value, null);
                s.Deliver(Kind.Completed, default!, null);
            }
            else s.Deliver(delivery);
        }
        if (delivery.Kind != Kind.Next)
        {
            lock (Gate) _subscribers = [];
        }
    }

    private void DeliverEvent(T value)
    {
        foreach (var s in Volatile.Read(ref _subscribers))
            if (!s.IsDisposed) s.Deliver(Kind.Next, value, null);
    }

    private void Remove(Subscriber subscriber)
    {
        lock (Gate)
        {
            int i = Array.IndexOf(_subscribers, subscriber);
            if (i < 0) return;
            _subscribers = [.. _subscribers[..i], .. _subscribers[(i + 1)..]];
        }
    }

    private enum Kind { Next, Completed, Failed, NextCompleted }

    private sealed record Delivery(long Version, T Value, Kind Kind, Exception? Error = null);

    private sealed record Replay(bool HasValue, T Value, bool Terminated, Exception? Error);
}
