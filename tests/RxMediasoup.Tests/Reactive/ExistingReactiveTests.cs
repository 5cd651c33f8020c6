using System.Reactive.Concurrency;
using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;
using RxMediasoup.Reactive;

namespace RxMediasoup.Tests.Reactive;

/// <summary>
/// The library's delivery primitives: StreamSubject.Signal (Closed/Died), EntityCollection (live collections) and
/// StreamSubject.Events (the shared polls' multicast) — replay, ordering, completion and isolation of subscribers that throw.
/// </summary>
public sealed class ExistingReactiveTests : ReactiveTest
{
    private sealed record Item(string Id);

    // ---- StreamSubject.Signal ----------------------------------------------------------------------------------------

    [Fact]
    public void SignalEmitsOnceCompletesAndReplaysToLateSubscribers()
    {
        var scheduler = new TestScheduler();
        var signal = StreamSubject<CloseReason>.Signal("Test.Closed");
        var early = scheduler.CreateObserver<CloseReason>();
        var late = scheduler.CreateObserver<CloseReason>();
        scheduler.ScheduleAbsolute(100, () => signal.Subscribe(early));
        scheduler.ScheduleAbsolute(200, () => Assert.True(signal.OnNext(CloseReason.WorkerDied)));
        scheduler.ScheduleAbsolute(250, () => Assert.False(signal.OnNext(CloseReason.Explicit)));
        scheduler.ScheduleAbsolute(300, () => signal.Subscribe(late));
        scheduler.Start();

        early.Messages.AssertEqual(OnNext(200, CloseReason.WorkerDied), OnCompleted<CloseReason>(200));
        late.Messages.AssertEqual(OnNext(300, CloseReason.WorkerDied), OnCompleted<CloseReason>(300));
        Assert.True(signal.IsCompleted);
        Assert.Equal(0, signal.SubscriberCount);
        Assert.False(signal.Complete());
    }

    [Fact]
    public void SignalCompleteWithoutValueAndUnsubscribe()
    {
        var signal = StreamSubject<int>.Signal("Test.Died");
        var kept = new List<Notification<int>>();
        var left = new List<Notification<int>>();
        signal.Materialize().Subscribe(kept.Add);
        var subscription = signal.Materialize().Subscribe(left.Add);
        Assert.Equal(2, signal.SubscriberCount);
        subscription.Dispose();
        subscription.Dispose();
        Assert.Equal(1, signal.SubscriberCount);
        Assert.True(signal.Complete());
        Assert.Equal([Notification.CreateOnCompleted<int>()], kept);
        Assert.Empty(left);
        var late = new List<Notification<int>>();
        signal.Materialize().Subscribe(late.Add);
        Assert.Equal([Notification.CreateOnCompleted<int>()], late);
    }

    [Fact]
    public void SignalIsolatesASubscriberThatThrows()
    {
        var logs = new CapturingLoggerFactory();
        var signal = StreamSubject<CloseReason>.Signal("Test.Closed", logger: logs.CreateLogger("test"));
        var before = new List<CloseReason>();
        var after = new List<CloseReason>();
        bool afterCompleted = false;
        signal.Subscribe(before.Add);
        signal.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        signal.Subscribe(after.Add, () => afterCompleted = true);

        Assert.True(signal.OnNext(CloseReason.Explicit));

        Assert.Equal([CloseReason.Explicit], before);
        Assert.Equal([CloseReason.Explicit], after);
        Assert.True(afterCompleted);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("Test.Closed"));
        // A late subscriber that throws is isolated too.
        signal.Subscribe(_ => throw new InvalidOperationException("late bug"));
        Assert.Equal(2, logs.Entries.Count);
    }

    // ---- EntityCollection ---------------------------------------------------------------------------------------

    private static EntityCollection<Item> Collection(ILogger? logger = null) => new(i => i.Id, logger);

    [Fact]
    public void ConnectEmitsTheSnapshotThenChangesThenCompletes()
    {
        var scheduler = new TestScheduler();
        var collection = Collection();
        var a = new Item("a");
        var b = new Item("b");
        collection.Add(a);
        var observer = scheduler.CreateObserver<IEntityChangeSet<Item, string>>();
        scheduler.ScheduleAbsolute(100, () => collection.Connect().Subscribe(observer));
        scheduler.ScheduleAbsolute(200, () => collection.Add(b));
        scheduler.ScheduleAbsolute(300, () => collection.Remove(a));
        scheduler.ScheduleAbsolute(400, () => collection.Complete());
        scheduler.Start();

        var changes = observer.Messages.Where(m => m.Value.Kind == NotificationKind.OnNext)
            .Select(m => (m.Time, m.Value.Value.Select(c => (c.Reason, c.Key, c.Current)).ToArray())).ToArray();
        Assert.Equal(3, changes.Length);
        Assert.Equal([100L, 200, 300], changes.Select(c => c.Time));
        Assert.Equal([(EntityChangeReason.Add, "a", a)], changes[0].Item2);
        Assert.Equal([(EntityChangeReason.Add, "b", b)], changes[1].Item2);
        Assert.Equal([(EntityChangeReason.Remove, "a", a)], changes[2].Item2);
        Assert.Equal(OnCompleted<IEntityChangeSet<Item, string>>(400), observer.Messages[^1]);
        Assert.Equal(1, observer.Messages[0].Value.Value.Adds);
        Assert.Equal(0, observer.Messages[0].Value.Value.Removes);
        Assert.Equal(1, observer.Messages[2].Value.Value.Removes);
        var set = observer.Messages[1].Value.Value;
        Assert.Equal(1, set.Count);
        Assert.Same(b, set[0].Current);
        Assert.Single(((System.Collections.IEnumerable)set).Cast<object>());
        Assert.Equal([b], collection.Items);
        Assert.Equal(1, collection.Count);
        Assert.Same(b, collection.Lookup("b"));
        Assert.Null(collection.Lookup("a"));
        Assert.Equal(0, collection.SubscriberCount);
    }

    [Fact]
    public void ConnectOnAnEmptyCollectionEmitsAnEmptySnapshot()
    {
        var collection = Collection();
        var sets = new List<IEntityChangeSet<Item, string>>();
        using var subscription = collection.Connect().Subscribe(sets.Add);
        Assert.Empty(Assert.Single(sets));
        Assert.Equal(1, collection.SubscriberCount);
        subscription.Dispose();
        Assert.Equal(0, collection.SubscriberCount);
    }

    [Fact]
    public void ConnectAfterCompletionEmitsTheSnapshotAndCompletes()
    {
        var collection = Collection();
        collection.Add(new Item("a"));
        collection.Complete();
        collection.Complete();
        Assert.False(collection.Add(new Item("b")));
        var messages = collection.Connect().Materialize().ToList().Wait();
        Assert.Equal([NotificationKind.OnNext, NotificationKind.OnCompleted], messages.Select(m => m.Kind));
        Assert.Equal("a", Assert.Single(messages[0].Value!).Key);
    }

    [Fact]
    public void RemoveIgnoresUnknownItemsAndStaleInstances()
    {
        var collection = Collection();
        var a = new Item("a");
        collection.Add(a);
        var sets = new List<IEntityChangeSet<Item, string>>();
        using var subscription = collection.Connect().Subscribe(sets.Add);
        Assert.False(collection.Remove(new Item("x")));
        Assert.False(collection.Remove(a with { }));  // same key, another instance (records compare by value!)
        Assert.True(collection.Remove(a));
        Assert.Equal(2, sets.Count);
    }

    [Fact]
    public void EntityCollectionIsolatesASubscriberThatThrows()
    {
        var logs = new CapturingLoggerFactory();
        var collection = Collection(logs.CreateLogger("test"));
        var calls = 0;
        var good = new List<IEntityChangeSet<Item, string>>();
        collection.Connect().Subscribe(_ => { if (++calls > 1) throw new InvalidOperationException("subscriber bug"); });
        collection.Connect().Subscribe(good.Add);
        Assert.Equal(2, collection.SubscriberCount);

        collection.Add(new Item("a"));
        collection.Add(new Item("b"));

        Assert.Equal(3, good.Count);             // the snapshot and both adds
        Assert.Equal(2, calls);                  // removed after it threw
        Assert.Equal(1, collection.SubscriberCount);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public void EntityCollectionIsolatesASubscriberThatThrowsOnCompletion()
    {
        var logs = new CapturingLoggerFactory();
        var collection = Collection(logs.CreateLogger("test"));
        bool completed = false;
        collection.Connect().Subscribe(_ => { }, () => throw new InvalidOperationException("subscriber bug"));
        collection.Connect().Subscribe(_ => { }, () => completed = true);
        collection.Complete();
        Assert.True(completed);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public void ASubscriberThatThrowsOnTheSnapshotIsIsolated()
    {
        // The snapshot is delivered inside Subscribe; an exception there is logged like every later delivery,
        // Subscribe does not throw, and the subscriber is not kept.
        var logs = new CapturingLoggerFactory();
        var collection = Collection(logs.CreateLogger("test"));
        var thrown = Record.Exception(() => collection.Connect().Subscribe(_ => throw new InvalidOperationException("snapshot bug")));
        Assert.Null(thrown);
        Assert.Equal(0, collection.SubscriberCount);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("ItemCollection"));
    }

    // ---- StreamSubject.Events (the shared polls' multicast) ------------------------------------------------------

    [Fact]
    public void EventStreamDoesNotReplayValuesAndFailsLateSubscribers()
    {
        var events = StreamSubject<int>.Events("Test.Events");
        var seen = new List<Notification<int>>();
        events.OnNext(1);
        var subscription = events.Materialize().Subscribe(seen.Add);
        events.OnNext(2);
        events.OnNext(2);
        Assert.Equal(1, events.SubscriberCount);
        Assert.False(events.IsCompleted);
        var error = new TimeoutException("x");
        Assert.True(events.Fail(error));
        Assert.False(events.Fail(error));
        subscription.Dispose();
        Assert.Equal([Notification.CreateOnNext(2), Notification.CreateOnNext(2), Notification.CreateOnError<int>(error)], seen);
        var late = events.Materialize().ToList().Wait();
        Assert.Equal([Notification.CreateOnError<int>(error)], late);
        Assert.Equal(0, events.SubscriberCount);
        Assert.True(events.IsCompleted);
        Assert.False(events.OnNext(3));
        Assert.False(events.Complete());
    }

    [Fact]
    public void EventStreamIsolatesSubscribersThatThrow()
    {
        var logs = new CapturingLoggerFactory();
        var publisher = StreamSubject<int>.Events("Test.Poll", logger: logs.CreateLogger("test"));
        var good = new List<int>();
        publisher.Subscribe(v => { if (v == 2) throw new InvalidOperationException("bug"); });
        publisher.Subscribe(good.Add, () => good.Add(-1));
        publisher.Subscribe(_ => { }, () => throw new InvalidOperationException("completion bug"));
        publisher.OnNext(1);
        publisher.OnNext(2);
        publisher.OnNext(3);
        Assert.Equal(2, publisher.SubscriberCount);
        publisher.Complete();
        Assert.Equal([1, 2, 3, -1], good);
        Assert.Equal(2, logs.Entries.Count(e => e.Level == LogLevel.Error));
        // A late subscriber that throws on the replayed end is isolated too.
        publisher.Subscribe(_ => { }, () => throw new InvalidOperationException("late bug"));
        Assert.Equal(3, logs.Entries.Count(e => e.Level == LogLevel.Error));
    }
}
