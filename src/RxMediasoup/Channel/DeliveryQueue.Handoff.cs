namespace RxMediasoup.Channel;

// How a thread that never drains (the channel's reader) hands drains over: to the thread pool, once per read buffer.
internal sealed partial class DeliveryQueue : IThreadPoolWorkItem
{
    [ThreadStatic] private static bool t_defer;                          // a never-drain thread batches its drains
    [ThreadStatic] private static DeliveryQueue? t_deferred;             // the first queue whose drain waits for RunDeferred
    [ThreadStatic] private static List<DeliveryQueue>? t_deferredMore;   // any other (streams outside a worker)

    /// <summary>
    /// On a thread that never drains (the reader, before it dispatches one read buffer): the drains its posts need are
    /// scheduled by <see cref="RunDeferred"/>, once per queue, instead of one at a time. Elsewhere nothing changes.
    /// </summary>
    public static void DeferDrains() => t_defer = t_neverDrain;

    /// <summary>Ends <see cref="DeferDrains"/>: schedules the drains deferred since (call it in a finally).</summary>
    public static void RunDeferred()
    {
        t_defer = false;
        if (t_deferred is { } first)
        {
            t_deferred = null;
            first.Schedule();
        }
        if (t_deferredMore is { Count: > 0 } more)
        {
            foreach (var q in more) q.Schedule();
            more.Clear();
        }
    }

    // The queue is its own thread-pool item: scheduling a drain allocates nothing. (A dedicated delivery thread woken
    // with Monitor.Pulse was tried: it cost about ten times the futex calls and wake-ups per notification of this, see
    // docs/profiles/fanout.md.)
    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);

    void IThreadPoolWorkItem.Execute() => Drain();
}
