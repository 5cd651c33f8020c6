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
/// blocks this queue only, never the reading of responses. Between <see cref="DeferDrains"/> and
/// <see cref="RunDeferred"/> (one read buffer of the reader) that drain is scheduled once, at the end: one handoff
/// per read buffer, not one per message the drain happened to catch up with.</item>
/// <item>A publisher that must post in the order of its own state changes enqueues under its lock with
/// <see cref="Enqueue"/> and drains after releasing it with <see cref="Run"/> (see <c>StreamSubject</c>).</item>
/// <item>Command completions (<see cref="CompleteInOrder"/>) wait for the deliveries posted before them, except
/// when the item that sent the command is still running (it may be blocked on the command's task).</item>
/// <item>A watchdog (when a threshold is given) logs a warning naming the item when one item runs longer than
/// the threshold — a subscriber holding delivery — and releases the command completions waiting behind it.</item>
/// </list>
/// Each worker has one queue for all its entities' streams; a stream created outside a worker has its own.
/// </summary>
internal sealed partial class DeliveryQueue : IDisposable
{
    [ThreadStatic] private static bool t_neverDrain;
    [ThreadStatic] private static DeliveryQueue? t_draining;
    [ThreadStatic] private static long t_posted;
    [ThreadStatic] private static DeliveryQueue? t_handler;

    private readonly Lock _gate = new(); // a managed lock: its uncontended path is inlined (the reader takes it per notification)
    private readonly Queue<Item> _items = new();
    private readonly ILogger _logger;
    private readonly long _thresholdMs;
    private readonly Timer? _watchdog;
    private bool _active;          // a drain is running or scheduled
    private bool _running;         // an item is running right now
    private long _nextSeq;         // sequence of the last item enqueued
    private long _runningSeq;      // sequence of the item running (0: none)
    private long _itemStarted;
    private string? _itemName;
    private bool _warned;
    private int _count;
    private int _completions;      // command completions waiting in _items

    private readonly record struct Item(Action<object?, object?> Run, object? A, object? B, string? Name, long Seq, bool IsCompletion);

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

    /// <summary>
    /// Marks the calling thread as running a notification handler item of the queue it drains (until
    /// <see cref="ExitHandler"/>): the events the entity publishes meanwhile are delivered inline, at the notification's
    /// place in the queue, not behind what the reader posted since (e.g. a later command's state). Returns the previous mark.
    /// </summary>
    public static DeliveryQueue? EnterHandler()
    {
        var previous = t_handler;
        t_handler = t_draining;
        return previous;
    }

    /// <summary>Restores the mark <see cref="EnterHandler"/> (or <see cref="SuspendHandler"/>) returned.</summary>
    public static void ExitHandler(DeliveryQueue? previous) => t_handler = previous;

    /// <summary>Clears the mark while subscribers run (what they publish is queued as usual); returns it for <see cref="ExitHandler"/>.</summary>
    public static DeliveryQueue? SuspendHandler()
    {
        var previous = t_handler;
        t_handler = null;
        return previous;
    }

    /// <summary>True when the calling thread runs a notification handler item of this queue (see <see cref="EnterHandler"/>).</summary>
    public bool InHandlerHere => ReferenceEquals(t_handler, this) && ReferenceEquals(t_draining, this);

    /// <summary>Marks the calling thread (the channel's reader) as one that never runs deliveries.</summary>
    public static void NeverDrainHere() => t_neverDrain = true;

    /// <summary>How many items the calling thread has enqueued (on any queue): tells the reader whether parsing a response posted state.</summary>
    public static long PostedOnThisThread => t_posted;

    /// <summary>True when the calling thread is running an item of this queue.</summary>
    public bool IsDrainingHere => ReferenceEquals(t_draining, this);

    /// <summary>The item the calling thread is running on this queue (its sequence number), or 0.</summary>
    public long CurrentItem
    {
        get
        {
            if (!IsDrainingHere) return 0;
            lock (_gate) return _runningSeq;
        }
    }

    /// <summary>Number of items waiting (read without a lock: a hint).</summary>
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
        if (Enqueue(run, a, b, name)) Run();
    }

    /// <summary>Posts an action (allocates a closure's worth: prefer the two-argument overload on hot paths).</summary>
    public void Post(Action action, string? name) => Post(static (a, _) => ((Action)a!)(), action, null, name);

    /// <summary>
    /// Enqueues an item without running anything, so a caller may enqueue under its own lock (the position in the
    /// queue is then the order of its state changes). True when the caller must call <see cref="Run"/> once it
    /// released its locks (nobody is draining).
    /// </summary>
    public bool Enqueue(Action<object?, object?> run, object? a, object? b, string? name)
    {
        t_posted++;
        lock (_gate)
        {
            _items.Enqueue(new Item(run, a, b, name, ++_nextSeq, false));
            Volatile.Write(ref _count, _items.Count);
            if (_active) return false;
            _active = true;
            return true;
        }
    }

    /// <summary>Drains the queue after an <see cref="Enqueue"/> that returned true: here, or on the thread pool on a thread that never drains.</summary>
    public void Run()
    {
        if (!t_neverDrain) Drain();
        else if (!t_defer) Schedule();
        else if (t_deferred is null) t_deferred = this;
        else if (!ReferenceEquals(t_deferred, this)) (t_deferredMore ??= []).Add(this); // once: Enqueue said true once
    }


    /// <summary>
    /// Completes a command's awaiter in order with the deliveries (called by the channel's reader as a response whose
    /// parsing posted state arrives). When nothing is queued or running, at once. When the item that sent the command
    /// (<paramref name="issuer"/>, from <see cref="CurrentItem"/> at send time) is still running, at once: it may be a
    /// subscriber blocked on this very command (<c>PauseAsync().Wait()</c> inside <c>OnNext</c>). Otherwise after the
    /// items posted before it — the command's resulting state reaches subscribers before its awaiter resumes; should
    /// the queue be held longer than the watchdog's threshold, the watchdog releases it.
    /// </summary>
    public void CompleteInOrder(Action<object?, object?> complete, object? a, object? b, long issuer)
    {
        lock (_gate)
        {
            bool idle = !_running && _items.Count == 0;
            bool issuerRunning = issuer != 0 && _running && _runningSeq == issuer;
            if (!idle && !issuerRunning)
            {
                _items.Enqueue(new Item(complete, a, b, null, ++_nextSeq, true));
                _completions++;
                Volatile.Write(ref _count, _items.Count);
                return; // items queued or running: a drain is active and will reach it
            }
        }
        complete(a, b);
    }

    /// <summary>
    /// Completes once the items posted before it have run, as a command's completion does (<see cref="CompleteInOrder"/>):
    /// at once when nothing is queued or running, or while <paramref name="issuer"/> (the <see cref="CurrentItem"/> of
    /// the operation that waits, taken when it started) still runs — a subscriber blocked on that operation. Should a
    /// subscriber hold the queue longer than the watchdog's threshold, the watchdog releases it too.
    /// </summary>
    public Task WhenDelivered(long issuer)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CompleteInOrder(static (d, _) => ((TaskCompletionSource)d!).TrySetResult(), done, null, issuer);
        return done.Task;
    }

    private void Drain()
    {
        var previous = t_draining;
        t_draining = this;
        bool ran = false; // an item ran since the last dequeue: it ends under the same lock as the next one starts
        try
        {
            while (true)
            {
                Item item;
                lock (_gate)
                {
                    if (ran)
                    {
                        _running = false;
                        _runningSeq = 0;
                        ran = false;
                    }
                    bool any = _items.TryDequeue(out item);
                    Volatile.Write(ref _count, _items.Count);
                    if (!any)
                    {
                        _active = false;
                        return;
                    }
                    if (item.IsCompletion) _completions--;
                    _running = true;
                    _runningSeq = item.Seq;
                    _itemName = item.Name;
                    _itemStarted = Environment.TickCount64;
                    _warned = false;
                }
                ran = true;
                try
                {
                    item.Run(item.A, item.B);
                }
                catch (Exception e)
                {
                    // Subscribers' exceptions are isolated by the streams; this is a bug in an item.
                    _logger.LogError(e, "a delivery of {Stream} threw", item.Name ?? "(unnamed)");
                }
            }
        }
        finally
        {
            if (ran)
            {
                lock (_gate)
                {
                    _running = false;
                    _runningSeq = 0;
                }
            }
            t_draining = previous;
        }
    }

    private void Watch()
    {
        string? name;
        long heldMs;
        List<Item>? released = null;
        lock (_gate)
        {
            if (!_running) return;
            heldMs = Environment.TickCount64 - _itemStarted;
            if (heldMs < _thresholdMs) return;
            if (_completions > 0) released = TakeCompletions();
            if (_warned && released is null) return;
            name = _itemName;
        }
        if (released is not null)
        {
            // A held queue must not hold command awaiters too (one of them may be what the subscriber waits for).
            foreach (var c in released) c.Run(c.A, c.B);
        }
        lock (_gate)
        {
            if (_warned) return;
            _warned = true;
        }
        _logger.LogWarning(
            "a subscriber of {Stream} has held delivery for {HeldMs} ms: later notifications of this worker wait for it (move slow or blocking work behind ObserveOn)",
            name ?? "(unnamed)", heldMs);
    }

    // Under _gate: removes the waiting command completions from the queue, keeping the other items' order.
    private List<Item> TakeCompletions()
    {
        var taken = new List<Item>(_completions);
        int n = _items.Count;
        for (int i = 0; i < n; i++)
        {
            var item = _items.Dequeue();
            if (item.IsCompletion) taken.Add(item);
            else _items.Enqueue(item);
        }
        _completions = 0;
        Volatile.Write(ref _count, _items.Count);
        return taken;
    }

    /// <summary>Stops the watchdog and releases the command completions still waiting; items still queued are still delivered.</summary>
    public void Dispose()
    {
        _watchdog?.Dispose();
        List<Item> released;
        lock (_gate) released = _completions > 0 ? TakeCompletions() : [];
        foreach (var c in released) c.Run(c.A, c.B);
    }
}
