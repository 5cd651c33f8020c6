using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;

namespace RxMediasoup.Tests.Channel;

/// <summary>
/// The per-worker delivery queue (issue 7, section 4): serial, in post order, never drained on the reader,
/// command completions in order (but never behind the delivery that sent the command), and the watchdog.
/// </summary>
public sealed class DeliveryQueueTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void ItemsRunOneAtATimeInPostOrderFromManyThreads()
    {
        var queue = new DeliveryQueue();
        int inside = 0, overlaps = 0;
        var seen = new ConcurrentQueue<(int Thread, int I)>();
        using var start = new Barrier(4);
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 2000; i++)
            {
                queue.Post((a, b) =>
                {
                    if (Interlocked.Increment(ref inside) != 1) Interlocked.Increment(ref overlaps);
                    seen.Enqueue(((int)a!, (int)b!));
                    Interlocked.Decrement(ref inside);
                }, t, i, "Test.Item");
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)));
        SpinWait.SpinUntil(() => seen.Count == 8000 && queue.Count == 0, Timeout);

        Assert.Equal(0, overlaps);
        Assert.Equal(8000, seen.Count);
        foreach (var group in seen.GroupBy(s => s.Thread))
            Assert.Equal(Enumerable.Range(0, 2000), group.Select(s => s.I));
    }

    [Fact]
    public void AnItemPostedFromAnItemRunsAfterItNotInsideIt()
    {
        var queue = new DeliveryQueue();
        var log = new List<string>();
        queue.Post(() =>
        {
            log.Add("a-start");
            Assert.True(queue.IsDrainingHere);
            queue.Post(() => log.Add("b"), "Test.B");
            log.Add("a-end");
        }, "Test.A");
        Assert.Equal(["a-start", "a-end", "b"], log);
        Assert.False(queue.IsDrainingHere);
    }

    [Fact]
    public void AThreadMarkedNeverDrainHereNeverRunsItems()
    {
        var queue = new DeliveryQueue();
        using var release = new ManualResetEventSlim();
        var ranOn = new ConcurrentQueue<int>();
        int readerThread = 0;
        bool postReturnedWhileItemBlocked = false;
        var reader = new Thread(() =>
        {
            DeliveryQueue.NeverDrainHere();
            readerThread = Environment.CurrentManagedThreadId;
            for (int i = 0; i < 20; i++)
            {
                queue.Post(() =>
                {
                    ranOn.Enqueue(Environment.CurrentManagedThreadId);
                    release.Wait(Timeout);
                }, "Test.Blocking");
            }
            // Every post returned although the first item blocks until the release below.
            postReturnedWhileItemBlocked = !release.IsSet;
        });
        reader.Start();
        Assert.True(reader.Join(Timeout));
        release.Set();
        Assert.True(SpinWait.SpinUntil(() => ranOn.Count == 20 && queue.Count == 0, Timeout));
        Assert.True(postReturnedWhileItemBlocked);
        Assert.DoesNotContain(readerThread, ranOn);
    }

    [Fact]
    public void CompleteInOrderCompletesAtOnceWhenIdle()
    {
        var queue = new DeliveryQueue();
        bool done = false;
        queue.CompleteInOrder((_, _) => done = true, null, null, issuer: 0);
        Assert.True(done);
    }

    [Fact]
    public async Task CompleteInOrderWaitsForTheDeliveriesPostedBeforeIt()
    {
        var queue = new DeliveryQueue();
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var log = new ConcurrentQueue<string>();
        var drainer = Task.Run(() => queue.Post(() => { entered.Set(); release.Wait(Timeout); log.Enqueue("held"); }, "Test.Held"));
        Assert.True(entered.Wait(Timeout));
        queue.Post(() => log.Enqueue("state"), "Test.State");
        var completed = new TaskCompletionSource();
        queue.CompleteInOrder((_, _) => { log.Enqueue("completion"); completed.SetResult(); }, null, null, issuer: 0);
        Assert.False(completed.Task.IsCompleted);
        release.Set();
        await completed.Task.WaitAsync(Timeout);
        await drainer.WaitAsync(Timeout);
        Assert.Equal(["held", "state", "completion"], log);
    }

    [Fact]
    public void CompleteInOrderDoesNotWaitForTheDeliveryThatSentTheCommand()
    {
        // A subscriber sends a command and blocks on it (PauseAsync().Wait() inside OnNext): its completion must not
        // queue behind it.
        var queue = new DeliveryQueue();
        var command = new TaskCompletionSource();
        long issuer = 0;
        bool completedInside = false;
        var response = new Thread(() =>
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref issuer) != 0, Timeout);
            Thread.Sleep(20);
            queue.Post(() => { }, "Test.Later");   // something queued behind the blocked item, too
            queue.CompleteInOrder((tcs, _) => ((TaskCompletionSource)tcs!).SetResult(), command, null, Volatile.Read(ref issuer));
        });
        response.Start();
        queue.Post(() =>
        {
            Volatile.Write(ref issuer, queue.CurrentItem);
            completedInside = command.Task.Wait(Timeout);
        }, "Test.Subscriber");
        Assert.True(response.Join(Timeout));
        Assert.NotEqual(0, issuer);
        Assert.True(completedInside);
    }

    [Fact]
    public void ACompletionArrivingAsTheLastItemEndsIsNeverStranded()
    {
        // The reader completes a command while a drain is finishing its last item. If the drain could still look busy
        // after deciding to stop, the completion would be queued with no drain left to run it, and the command's
        // awaiter would wait for the next notification of that worker (found as a stalled room in the cluster test).
        // A race, so it is run many times: each round posts one item and completes one command against its end.
        var queue = new DeliveryQueue();
        const int rounds = 20_000;
        int started = 0, stranded = 0;
        using var go = new SemaphoreSlim(0);
        using var roundDone = new SemaphoreSlim(0);
        var reader = new Thread(() =>
        {
            DeliveryQueue.NeverDrainHere();
            for (int i = 0; i < rounds; i++)
            {
                if (!go.Wait(TimeSpan.FromSeconds(10))) return;
                SpinWait.SpinUntil(() => Volatile.Read(ref started) == 1, TimeSpan.FromSeconds(10));
                for (int spin = i % 64; spin > 0; spin--) Thread.SpinWait(1); // shifts the call across the item's end
                using var done = new ManualResetEventSlim();
                queue.CompleteInOrder(static (d, _) => ((ManualResetEventSlim)d!).Set(), done, null, issuer: 0);
                // Nothing else is posted: a stranded completion never runs (1 s is ample for a drain to reach it).
                if (!done.Wait(TimeSpan.FromSeconds(1))) Interlocked.Increment(ref stranded);
                roundDone.Release();
            }
        });
        reader.Start();
        int completedRounds = 0;
        for (int i = 0; i < rounds && Volatile.Read(ref stranded) == 0; i++)
        {
            Volatile.Write(ref started, 0);
            go.Release();
            queue.Post(() => Volatile.Write(ref started, 1), "Test.Item"); // drained here, inline
            Assert.True(roundDone.Wait(TimeSpan.FromSeconds(10)), $"round {i} did not end");
            completedRounds++;
        }
        Assert.Equal(0, stranded);
        Assert.Equal(rounds, completedRounds);
        Assert.True(reader.Join(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void CurrentItemIsZeroOutsideTheQueue()
    {
        var queue = new DeliveryQueue();
        Assert.Equal(0, queue.CurrentItem);
        long inside = 0;
        queue.Post(() => inside = queue.CurrentItem, "Test");
        Assert.NotEqual(0, inside);
    }

    [Fact]
    public async Task TheWatchdogReleasesCompletionsHeldBehindABlockedDelivery()
    {
        // A subscriber blocked on a command it did not send itself (the task was created elsewhere) would otherwise wait forever.
        var logs = new CapturingLoggerFactory();
        using var queue = new DeliveryQueue(logs.CreateLogger("RxMediasoup.Delivery"), TimeSpan.FromMilliseconds(100));
        var command = new TaskCompletionSource();
        using var entered = new ManualResetEventSlim();
        bool completedInside = false;
        var drainer = Task.Run(() => queue.Post(() => { entered.Set(); completedInside = command.Task.Wait(Timeout); }, "Test.Waiter"));
        Assert.True(entered.Wait(Timeout));
        queue.CompleteInOrder((tcs, _) => ((TaskCompletionSource)tcs!).SetResult(), command, null, issuer: 0);
        await drainer.WaitAsync(Timeout);
        Assert.True(completedInside);
    }

    [Fact]
    public void TheWatchdogWarnsOnceNamingTheStreamAfterTheThreshold()
    {
        var logs = new CapturingLoggerFactory();
        using var queue = new DeliveryQueue(logs.CreateLogger("RxMediasoup.Delivery"), TimeSpan.FromMilliseconds(50));
        queue.Post(() => { }, "Test.Quick");
        queue.Post(() => Thread.Sleep(400), "Producer.Score");
        Assert.True(SpinWait.SpinUntil(() => !logs.Entries.IsEmpty, Timeout));
        Thread.Sleep(100);
        var warning = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("Producer.Score", warning.Message);
        Assert.DoesNotContain("Test.Quick", warning.Message);
    }

    [Fact]
    public void NoWatchdogWarningBelowTheThreshold()
    {
        var logs = new CapturingLoggerFactory();
        using var queue = new DeliveryQueue(logs.CreateLogger("RxMediasoup.Delivery"), TimeSpan.FromSeconds(5));
        for (int i = 0; i < 10; i++) queue.Post(() => Thread.Sleep(10), "Test.Short");
        Thread.Sleep(200);
        Assert.Empty(logs.Entries);
    }

    [Fact]
    public void AnItemThatThrowsIsLoggedAndTheNextOnesRun()
    {
        var logs = new CapturingLoggerFactory();
        var queue = new DeliveryQueue(logs.CreateLogger("test"));
        bool ran = false;
        queue.Post(() => throw new InvalidOperationException("bug"), "Test.Bug");
        queue.Post(() => ran = true, "Test.Next");
        Assert.True(ran);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Test.Bug"));
    }
}
