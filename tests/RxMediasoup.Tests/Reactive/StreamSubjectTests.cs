using System.Collections.Concurrent;
using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using RxMediasoup.Reactive;

namespace RxMediasoup.Tests.Reactive;

/// <summary>
/// StreamSubject, the one stream primitive (issue 7, section 3): replay + distinct + synchronous Value, completion, no
/// error for state, isolation of a throwing subscriber, subscribers called with no lock held, and per-stream order
/// when two threads publish while a subscriber re-enters.
/// </summary>
public sealed class StreamSubjectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void StateReplaysTheCurrentValueThenDistinctChangesAndValueIsSynchronous()
    {
        var state = StreamSubject<int>.State("Test.State", 0);
        var early = new List<int>();
        using var a = state.Subscribe(early.Add);
        Assert.True(state.OnNext(1));
        Assert.False(state.OnNext(1));   // not a change
        Assert.True(state.OnNext(2));
        Assert.Equal(2, state.Value);
        var late = new List<int>();
        using var b = state.Subscribe(late.Add);
        Assert.True(state.OnNext(3));
        Assert.Equal([0, 1, 2, 3], early);
        Assert.Equal([2, 3], late);
        Assert.Equal(3, state.Value);
    }

    [Fact]
    public void StateCompletesAndReplaysValueThenCompletionToLateSubscribers()
    {
        var state = StreamSubject<string>.State("Test.State", "a");
        var seen = new List<Notification<string>>();
        state.Materialize().Subscribe(seen.Add);
        state.OnNext("b");
        Assert.True(state.Complete());
        Assert.False(state.Complete());
        Assert.False(state.OnNext("c"));
        Assert.True(state.IsCompleted);
        Assert.Equal("b", state.Value);
        Assert.Equal([Notification.CreateOnNext("a"), Notification.CreateOnNext("b"), Notification.CreateOnCompleted<string>()], seen);
        Assert.Equal([Notification.CreateOnNext("b"), Notification.CreateOnCompleted<string>()], state.Materialize().ToList().Wait());
        Assert.Equal(0, state.SubscriberCount);
    }

    [Fact]
    public void StateAndSignalNeverError()
    {
        var state = StreamSubject<int>.State("Test.State", 0);
        var signal = StreamSubject<int>.Signal("Test.Closed");
        Assert.Throws<InvalidOperationException>(() => state.Fail(new Exception("x")));
        Assert.Throws<InvalidOperationException>(() => signal.Fail(new Exception("x")));
        var errors = 0;
        state.Subscribe(_ => { }, _ => errors++);
        state.Complete();
        Assert.Equal(0, errors);
    }

    [Fact]
    public void SignalEmitsOnceThenCompletesAndReplaysBoth()
    {
        var signal = StreamSubject<CloseReason>.Signal("Test.Closed");
        var early = new List<Notification<CloseReason>>();
        signal.Materialize().Subscribe(early.Add);
        Assert.True(signal.OnNext(CloseReason.Explicit));
        Assert.False(signal.OnNext(CloseReason.WorkerDied));
        Notification<CloseReason>[] expected = [Notification.CreateOnNext(CloseReason.Explicit), Notification.CreateOnCompleted<CloseReason>()];
        Assert.Equal(expected, early);
        Assert.Equal(expected, signal.Materialize().ToList().Wait());
    }

    [Fact]
    public void AThrowingSubscriberIsLoggedAndRemovedAndTheOthersGetEverything()
    {
        var logs = new CapturingLoggerFactory();
        var state = StreamSubject<int>.State("Test.Isolated", 0, logger: logs.CreateLogger("test"));
        var before = new List<int>();
        var after = new List<int>();
        bool completed = false;
        state.Subscribe(before.Add);
        state.Subscribe(v => { if (v == 1) throw new InvalidOperationException("subscriber bug"); });
        state.Subscribe(after.Add, () => completed = true);
        Assert.Equal(3, state.SubscriberCount);
        state.OnNext(1);
        state.OnNext(2);
        state.Complete();
        Assert.Equal([0, 1, 2], before);
        Assert.Equal([0, 1, 2], after);
        Assert.True(completed);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Test.Isolated"));
    }

    [Fact]
    public void SubscribersAreCalledWithNoLockHeld()
    {
        // The subscriber waits for another thread that publishes to, subscribes to and reads the same stream: with any
        // lock of the stream (or its queue) held during the call, that thread would block and the join would time out.
        var state = StreamSubject<int>.State("Test.NoLock", 0);
        var events = StreamSubject<int>.Events("Test.NoLockEvents");
        var seen = new ConcurrentQueue<int>();
        bool joined = false;
        using var a = state.Subscribe(v =>
        {
            seen.Enqueue(v);
            if (v != 1) return;
            var other = new Thread(() =>
            {
                state.OnNext(2);
                using var s = state.Subscribe(_ => { });
                _ = state.Value;
                events.OnNext(7);
                using var e = events.Subscribe(_ => { });
            });
            other.Start();
            joined = other.Join(Timeout);
        });
        state.OnNext(1);
        Assert.True(joined);
        // The value published from the other thread while this subscriber ran is delivered after it, in order.
        Assert.Equal([0, 1, 2], seen);
        Assert.Equal(2, state.Value);
    }

    [Fact]
    public async Task EventsFromOneThreadWhileASubscriberBlocksAreQueuedNotLost()
    {
        var events = StreamSubject<int>.Events("Test.Events");
        var seen = new List<int>();
        using var gate = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        using var s = events.Subscribe(v =>
        {
            if (v == 0) { entered.Set(); gate.Wait(Timeout); }
            seen.Add(v);
        });
        var first = Task.Run(() => events.OnNext(0));
        Assert.True(entered.Wait(Timeout));
        for (int i = 1; i <= 100; i++) events.OnNext(i);   // returns at once: the delivering thread drains them
        gate.Set();
        await first.WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, 101), seen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoThreadsPublishingWhileASubscriberReentersKeepPerStreamOrder(bool state)
    {
        // Two threads publish 4,000 values each (thread t publishes t, t+2, t+4…: distinct, increasing per thread). The
        // first subscriber re-enters: every 97th value it publishes a value of its own (from a third range) and
        // subscribes a new observer. Every observer must see, per source, an increasing sequence; never two
        // overlapping calls; the first one every value; and for a state stream, last seen == Value.
        const int PerThread = 4000;
        var stream = state ? StreamSubject<long>.State("Test.Order", -1) : StreamSubject<long>.Events("Test.Order");
        var observers = new ConcurrentBag<Recorder>();
        var reentrantPublished = 0L;
        var main = new Recorder();
        observers.Add(main);
        using var mainSubscription = stream.Subscribe(v =>
        {
            main.OnNext(v);
            if (v >= 0 && v < 2 * PerThread && v % 97 == 0)
            {
                stream.OnNext(1_000_000 + Interlocked.Increment(ref reentrantPublished));
                var late = new Recorder();
                observers.Add(late);
                stream.Subscribe(late.OnNext);
            }
        });
        using var start = new Barrier(2);
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (long i = 0; i < PerThread; i++) stream.OnNext(t + 2 * i);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)));

        foreach (var o in observers)
        {
            Assert.Equal(0, o.Overlaps);
            var values = o.Values.ToArray();
            foreach (var source in new Func<long, bool>[] { v => v >= 0 && v < 1_000_000 && v % 2 == 0, v => v >= 0 && v < 1_000_000 && v % 2 == 1, v => v >= 1_000_000 })
            {
                var sequence = values.Where(source).ToArray();
                for (int i = 1; i < sequence.Length; i++) Assert.True(sequence[i - 1] < sequence[i], $"out of order: {sequence[i - 1]} then {sequence[i]}");
            }
            if (state) Assert.Equal(stream.Value, values[^1]);
        }
        var all = main.Values.Where(v => v >= 0 && v < 1_000_000).ToHashSet();
        Assert.Equal(2 * PerThread, all.Count);   // none lost (a state stream skips none either: all values are distinct)
        Assert.Equal(Interlocked.Read(ref reentrantPublished), main.Values.Count(v => v >= 1_000_000));
    }

    private sealed class Recorder
    {
        private int _inside;
        public readonly ConcurrentQueue<long> Values = new();
        public int Overlaps;

        public void OnNext(long v)
        {
            if (Interlocked.Increment(ref _inside) != 1) Interlocked.Increment(ref Overlaps);
            Values.Enqueue(v);
            Thread.SpinWait(20);
            Interlocked.Decrement(ref _inside);
        }
    }
}
