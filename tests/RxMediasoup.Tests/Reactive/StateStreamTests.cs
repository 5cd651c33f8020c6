using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;
using RxMediasoup.Reactive;

namespace RxMediasoup.Tests.Reactive;

/// <summary>StateStream (the entities' state and event streams) in virtual time: replay, distinctness, completion, isolation.</summary>
public sealed class StateStreamTests : ReactiveTest
{
    [Fact]
    public void StateModeReplaysTheCurrentValueThenDistinctChangesAndCompletes()
    {
        var scheduler = new TestScheduler();
        var state = StreamSubject<string>.State("Test.IceState", "new");
        var early = scheduler.CreateObserver<string>();
        var late = scheduler.CreateObserver<string>();
        var afterEnd = scheduler.CreateObserver<string>();
        scheduler.ScheduleAbsolute(100, () => state.Subscribe(early));
        scheduler.ScheduleAbsolute(110, () => Assert.False(state.OnNext("new")));
        scheduler.ScheduleAbsolute(120, () => Assert.True(state.OnNext("connected")));
        scheduler.ScheduleAbsolute(200, () => state.Subscribe(late));
        scheduler.ScheduleAbsolute(210, () => state.OnNext("completed"));
        scheduler.ScheduleAbsolute(300, () => Assert.True(state.Complete()));
        scheduler.ScheduleAbsolute(310, () => Assert.False(state.OnNext("closed")));
        scheduler.ScheduleAbsolute(400, () => state.Subscribe(afterEnd));
        scheduler.Start();

        early.Messages.AssertEqual(OnNext(100, "new"), OnNext(120, "connected"), OnNext(210, "completed"), OnCompleted<string>(300));
        late.Messages.AssertEqual(OnNext(200, "connected"), OnNext(210, "completed"), OnCompleted<string>(300));
        afterEnd.Messages.AssertEqual(OnNext(400, "completed"), OnCompleted<string>(400));
        Assert.Equal("completed", state.Value);
        Assert.True(state.IsCompleted);
        Assert.False(state.Complete());
        Assert.Equal(0, state.SubscriberCount);
    }

    [Fact]
    public void EventModeDeliversEveryValueWithoutReplay()
    {
        var scheduler = new TestScheduler();
        var events = StreamSubject<int>.Events("Test.Trace");
        var early = scheduler.CreateObserver<int>();
        var late = scheduler.CreateObserver<int>();
        var afterEnd = scheduler.CreateObserver<int>();
        scheduler.ScheduleAbsolute(100, () => events.Subscribe(early));
        scheduler.ScheduleAbsolute(110, () => events.OnNext(1));
        scheduler.ScheduleAbsolute(120, () => events.OnNext(1));
        scheduler.ScheduleAbsolute(200, () => events.Subscribe(late));
        scheduler.ScheduleAbsolute(210, () => events.OnNext(2));
        scheduler.ScheduleAbsolute(300, () => events.Complete());
        scheduler.ScheduleAbsolute(400, () => events.Subscribe(afterEnd));
        scheduler.Start();

        early.Messages.AssertEqual(OnNext(110, 1), OnNext(120, 1), OnNext(210, 2), OnCompleted<int>(300));
        late.Messages.AssertEqual(OnNext(210, 2), OnCompleted<int>(300));
        afterEnd.Messages.AssertEqual(OnCompleted<int>(400));
    }

    [Fact]
    public void UnsubscribedObserversGetNothingMore()
    {
        var state = StreamSubject<int>.State("Test.Score", 0);
        var seen = new List<int>();
        var subscription = state.Subscribe(seen.Add);
        state.OnNext(1);
        subscription.Dispose();
        subscription.Dispose();
        state.OnNext(2);
        Assert.Equal([0, 1], seen);
        Assert.Equal(0, state.SubscriberCount);
    }

    [Fact]
    public void ASubscriberThatThrowsIsIsolated()
    {
        var logs = new CapturingLoggerFactory();
        var state = StreamSubject<int>.State("Test.Score", 0, logger: logs.CreateLogger("test"));
        var good = new List<int>();
        bool goodCompleted = false;
        state.Subscribe(v => { if (v == 1) throw new InvalidOperationException("bug"); });
        state.Subscribe(good.Add, () => goodCompleted = true);
        state.Subscribe(_ => { }, () => throw new InvalidOperationException("completion bug"));
        state.OnNext(1);
        state.OnNext(2);
        Assert.Equal(2, state.SubscriberCount);
        // A subscriber that throws on the replayed value is not added.
        state.Subscribe(_ => throw new InvalidOperationException("replay bug"));
        Assert.Equal(2, state.SubscriberCount);
        state.Complete();
        Assert.Equal([0, 1, 2], good);
        Assert.True(goodCompleted);
        Assert.Equal(3, logs.Entries.Count(e => e.Level == LogLevel.Error));
    }

    [Fact]
    public void UsesTheGivenComparer()
    {
        var state = StreamSubject<string>.State("Test.State", "a", comparer: StringComparer.OrdinalIgnoreCase);
        var seen = new List<string>();
        using var subscription = state.Subscribe(seen.Add);
        Assert.False(state.OnNext("A"));
        Assert.True(state.OnNext("b"));
        Assert.Equal(["a", "b"], seen);
        Assert.Throws<ArgumentNullException>(() => state.Subscribe(null!));
    }
}
