using System.Collections.Concurrent;
using RxMediasoup.Channel;

namespace RxMediasoup.Tests.Channel;

/// <summary>
/// How the channel's reader hands deliveries over (issue 10, fan-out): one handoff per read buffer
/// (<see cref="DeliveryQueue.DeferDrains"/> … <see cref="DeliveryQueue.RunDeferred"/>), run on the queue's own delivery
/// thread — never on the reader, in post order — and on the thread pool once the queue is disposed.
/// </summary>
public sealed class DeliveryQueueHandoffTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs <paramref name="body"/> on a thread marked like the channel's reader.</summary>
    private static void OnReader(Action body)
    {
        Exception? failure = null;
        var reader = new Thread(() =>
        {
            DeliveryQueue.NeverDrainHere();
            try { body(); }
            catch (Exception e) { failure = e; }
        });
        reader.Start();
        Assert.True(reader.Join(Timeout));
        if (failure is not null) throw new Xunit.Sdk.XunitException($"the reader failed: {failure}");
    }

    [Fact]
    public void DeferredPostsRunOnlyAfterRunDeferredInOrderInOneDrainOnThePool()
    {
        using var queue = new DeliveryQueue();
        var other = new DeliveryQueue(); // a second queue deferred in the same batch (a stream outside a worker)
        var ran = new ConcurrentQueue<(int I, int Thread, bool Pool)>();
        int ranBeforeRunDeferred = -1, reader = 0;
        OnReader(() =>
        {
            reader = Environment.CurrentManagedThreadId;
            DeliveryQueue.DeferDrains();
            try
            {
                for (int i = 0; i < 1000; i++)
                    queue.Post(static (r, i) => ((ConcurrentQueue<(int, int, bool)>)r!).Enqueue(((int)i!, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)), ran, i, "Test.Item");
                other.Post(static (r, _) => ((ConcurrentQueue<(int, int, bool)>)r!).Enqueue((-1, Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread)), ran, null, "Test.Other");
                // Nothing was scheduled yet: no item can have run.
                ranBeforeRunDeferred = ran.Count;
            }
            finally
            {
                DeliveryQueue.RunDeferred();
            }
        });
        Assert.Equal(0, ranBeforeRunDeferred);
        Assert.True(SpinWait.SpinUntil(() => ran.Count == 1001, Timeout));
        var items = ran.Where(r => r.I >= 0).ToList();
        Assert.Equal(Enumerable.Range(0, 1000), items.Select(r => r.I));
        Assert.Single(items.Select(r => r.Thread).Distinct()); // one drain: one handoff for the batch
        Assert.DoesNotContain(reader, ran.Select(r => r.Thread));
        Assert.All(ran, r => Assert.True(r.Pool));
        other.Dispose();
    }

    [Fact]
    public void DeferDrainsChangesNothingOnAThreadThatMayDrain()
    {
        using var queue = new DeliveryQueue();
        bool ran = false;
        DeliveryQueue.DeferDrains();
        try
        {
            queue.Post((_, _) => ran = true, null, null, "Test.Inline");
            Assert.True(ran); // drained here, at once, as without DeferDrains
        }
        finally
        {
            DeliveryQueue.RunDeferred();
        }
    }
}
