using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace RxMediasoup.Channel;

/// <summary>
/// A serial queue of deliveries (calls into subscribers and entity handlers) with no dedicated thread:
/// whoever posts while nobody is draining drains it, with no lock held while an item runs; whoever posts while
/// somebody is draining (another thread, or the draining thread itself from inside an item) only enqueues,
/// and the draining thread runs the item after the current one. So items run one at a time, in post order,
/// and never re-entrantly.
/// <list type="bullet">
/// <item>Threads marked with <see cref="NeverDrainHere"/> (the channel's reader) never drain: when the queue is
/// idle they schedule a drain on the thread pool. A subscriber that blocks (even on a command's task) therefore
/// blocks this queue only, never the reading of responses.</item>
/// <item>A watchdog (when a threshold is given) logs a warning naming the item when one item runs longer than
/// the threshold: a subscriber holding delivery.</item>
/// </list>
/// Each worker has one queue for all its entities' streams; a stream created outside a worker has its own.
/// </summary>
internal sealed class DeliveryQueue : IDisposable
{
    [ThreadStatic] private static bool t_neverDrain;
    [ThreadStatic] private static DeliveryQueue? t_draining;

    private readonly object _gate = new();
    private readonly Queue<Item> _items = new();
    private readonly ILogger _logger;
    private readonly long _thresholdMs;
    private readonly Timer? _watchdog;
    private bool _active;          // a drain is running or scheduled
    private bool _running;         // an item is running right now
    private long _itemStarted;
    private string? _itemName;
    private bool _warned;
    private int _count;

    private readonly record struct Item(Action<object?, object?> Run, object? A, object? B, string? Name);

    /// <param name="logger">Where the watchdog's warnings and items' unexpected exceptions go.</param>
    /// <param name="watchdogThreshold">Warn when one item runs longer than this; null or non-positive: no watchdog.</param>
    public DeliveryQueue(ILogger? logger = null, TimeSpan? watchdogThreshold = null)
    {
        _logger = logger ?? NullLogger.Instance;
        if (watchdogThreshold is { } t && t > TimeSpan.Zero)
        {
            _thresholdMs = Math.Max(1, (long)t.TotalMilliseconds);
            var period = TimeSpan.FromMilliseconds(Math.Clamp(_thresholdMs / 4, 5, 250));
            _watchdog = new Timer(static s => ((DeliveryQueue)s!).Watch(), this, period, period);
        }
    }

    /// <summary>Marks the calling thread (the channel's reader) as one that never runs deliveries.</summary>
    public static void NeverDrainHere() => t_neverDrain = true;

    /// <summary>True when the calling thread is running an item of this queue.</summary>
    public bool IsDrainingHere => ReferenceEquals(t_draining, this);

    /// <summary>Number of items waiting (read without a lock: a hint, exact for what this thread posted).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Runs <paramref name="run"/>(<paramref name="a"/>, <paramref name="b"/>) after every item posted before it:
    /// on this thread right away when the queue is idle (and this thread may drain), else later on the draining thread.
    /// </summary>
    /// <param name="run">The item.</param>
    /// <param name="a">Its first argument.</param>
    /// <param name="b">Its second argument.</param>
    /// <param name="name">What the item delivers (named by the watchdog).</param>
    public void Post(Action<object?, object?> run, object? a, object? b, string? name)
    {
        bool drainHere;
        lock (_gate)
        {
            _items.Enqueue(new Item(run, a, b, name));
            Volatile.Write(ref _count, _items.Count);
            if (_active) return;
            _active = true;
            drainHere = !t_neverDrain;
        }
        if (drainHere) Drain();
        else ThreadPool.UnsafeQueueUserWorkItem(static q => q.Drain(), this, preferLocal: false);
    }

    /// <summary>Posts an action (allocates a closure's worth: prefer the two-argument overload on hot paths).</summary>
    public void Post(Action action, string? name) => Post(static (a, _) => ((Action)a!)(), action, null, name);

    /// <summary>
    /// Completes a command's awaiter in order with the deliveries: when items are waiting and none is running, the
    /// completion runs after them (so the command's resulting state reaches subscribers before its awaiter resumes);
    /// when an item is running — possibly a subscriber blocked on this very command — it runs now, so a blocking
    /// wait inside a subscriber cannot deadlock. Called by the channel's reader as a response arrives.
    /// </summary>
    public void CompleteInOrder(Action<object?, object?> complete, object? a, object? b)
    {
        lock (_gate)
        {
            if (!_running && _items.Count > 0)
            {
                _items.Enqueue(new Item(complete, a, b, null));
                Volatile.Write(ref _count, _items.Count);
                return;
            }
        }
        complete(a, b);
    }

    private void Drain()
    {
        var previous = t_draining;
        t_draining = this;
        try
        {
            while (true)
            {
                Item item;
                lock (_gate)
                {
                    bool any = _items.TryDequeue(out item);
                    Volatile.Write(ref _count, _items.Count);
                    if (!any)
                    {
                        _active = false;
                        _running = false;
                        return;
                    }
                    _running = true;
                    _itemName = item.Name;
                    _itemStarted = Environment.TickCount64;
                    _warned = false;
                }
                try
                {
                    item.Run(item.A, item.B);
                }
                catch (Exception e)
                {
                    // Subscribers' exceptions are isolated by the streams; this is a bug in an item.
                    _logger.LogError(e, "a delivery of {Stream} threw", item.Name ?? "(unnamed)");
                }
                finally
                {
                    lock (_gate) _running = false;
                }
            }
        }
        finally
        {
            t_draining = previous;
        }
    }

    private void Watch()
    {
        string? name;
        long heldMs;
        lock (_gate)
        {
            if (!_running || _warned) return;
            heldMs = Environment.TickCount64 - _itemStarted;
            if (heldMs < _thresholdMs) return;
            _warned = true;
            name = _itemName;
        }
        _logger.LogWarning(
            "a subscriber of {Stream} has held delivery for {HeldMs} ms: later notifications of this worker wait for it (move slow or blocking work behind ObserveOn)",
            name ?? "(unnamed)", heldMs);
    }

    /// <summary>Stops the watchdog; items still queued are still delivered.</summary>
    public void Dispose() => _watchdog?.Dispose();
}
