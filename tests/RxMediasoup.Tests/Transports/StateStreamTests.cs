using Microsoft.Reactive.Testing;
using RxMediasoup.Reactive;

namespace RxMediasoup.Tests.Transports;

/// <summary>Semantics of the state/event stream behind the transports' streams (replay, distinctness, completion, isolation).</summary>
public sealed class StateStreamTests : ReactiveTest
{
    [Fact]
    public void StateModeReplaysTheCurrentValueThenDistinctChangesThenCompletes()
    {
        var scheduler = new TestScheduler();
        var stream = StreamSubject<string>.State("test", "new");
        var early = scheduler.CreateObserver<string>();
        using var s1 = stream.Subscribe(early);
        stream.OnNext("new"); // not a change
        stream.OnNext("connected");
        var late = scheduler.CreateObserver<string>();
        using var s2 = stream.Subscribe(late);
        stream.OnNext("connected");
        stream.OnNext("closed");
        stream.Complete();
        stream.OnNext("ignored");
        early.Messages.AssertEqual(OnNext(0, "new"), OnNext(0, "connected"), OnNext(0, "closed"), OnCompleted<string>(0));
        late.Messages.AssertEqual(OnNext(0, "connected"), OnNext(0, "closed"), OnCompleted<string>(0));

        // After completion: the last value, then completion.
        var afterwards = scheduler.CreateObserver<string>();
        stream.Subscribe(afterwards);
        afterwards.Messages.AssertEqual(OnNext(0, "closed"), OnCompleted<string>(0));
        Assert.Equal(0, stream.SubscriberCount);
    }

    [Fact]
    public void EventModeHasNoReplayAndNoDistinctness()
    {
        var scheduler = new TestScheduler();
        var stream = StreamSubject<int>.Events("test");
        stream.OnNext(1);
        var observer = scheduler.CreateObserver<int>();
        using var _ = stream.Subscribe(observer);
        stream.OnNext(2);
        stream.OnNext(2);
        stream.Complete();
        observer.Messages.AssertEqual(OnNext(0, 2), OnNext(0, 2), OnCompleted<int>(0));
        var late = scheduler.CreateObserver<int>();
        stream.Subscribe(late);
        late.Messages.AssertEqual(OnCompleted<int>(0));
    }

    [Fact]
    public void AThrowingSubscriberIsRemovedAndTheOthersStillReceive()
    {
        var scheduler = new TestScheduler();
        var stream = StreamSubject<int>.State("test", 0);
        var before = scheduler.CreateObserver<int>();
        var after = scheduler.CreateObserver<int>();
        using var s1 = stream.Subscribe(before);
        using var s2 = stream.Subscribe(System.Reactive.Observer.Create<int>(v => { if (v == 1) throw new InvalidOperationException(); }));
        using var s3 = stream.Subscribe(after);
        stream.OnNext(1);
        stream.OnNext(2);
        Assert.Equal(2, stream.SubscriberCount);
        before.Messages.AssertEqual(OnNext(0, 0), OnNext(0, 1), OnNext(0, 2));
        after.Messages.AssertEqual(OnNext(0, 0), OnNext(0, 1), OnNext(0, 2));
    }

    [Fact]
    public void DisposingASubscriptionStopsDeliveryAndReleasesTheSubscriber()
    {
        var scheduler = new TestScheduler();
        var stream = StreamSubject<int>.State("test", 0);
        var observer = scheduler.CreateObserver<int>();
        var subscription = stream.Subscribe(observer);
        Assert.Equal(1, stream.SubscriberCount);
        subscription.Dispose();
        subscription.Dispose();
        stream.OnNext(1);
        Assert.Equal(0, stream.SubscriberCount);
        observer.Messages.AssertEqual(OnNext(0, 0));
    }

    [Fact]
    public void ASubscriberThatClosesTheStreamFromOnNextIsFollowedInOrder()
    {
        var scheduler = new TestScheduler();
        var stream = StreamSubject<string>.State("test", "new");
        using var closer = stream.Subscribe(System.Reactive.Observer.Create<string>(v =>
        {
            if (v == "connected")
            {
                stream.OnNext("closed");
                stream.Complete();
            }
        }));
        var observer = scheduler.CreateObserver<string>();
        using var _ = stream.Subscribe(observer);
        stream.OnNext("connected");
        // The re-entrant change and completion are queued behind "connected": every subscriber sees the changes in the
        // order they were made ("connected" before "closed", never "connected" after it) and nothing after completion.
        observer.Messages.AssertEqual(OnNext(0, "new"), OnNext(0, "connected"), OnNext(0, "closed"), OnCompleted<string>(0));
    }

    [Fact]
    public async Task ConcurrentPublishersNeverDeliverAfterCompletion()
    {
        for (int round = 0; round < 50; round++)
        {
            var stream = StreamSubject<int>.State("test", 0);
            bool completed = false, violated = false;
            using var _ = stream.Subscribe(System.Reactive.Observer.Create<int>(_ => { if (completed) violated = true; }, () => completed = true));
            var publisher = Task.Run(() => { for (int i = 1; i < 2000; i++) stream.OnNext(i); });
            var closer = Task.Run(() => { Thread.SpinWait(1000); stream.OnNext(-1); stream.Complete(); });
            await Task.WhenAll(publisher, closer);
            Assert.True(completed);
            Assert.False(violated);
        }
    }
}
