using System.Reactive.Concurrency;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;

namespace RxMediasoup.Tests.Reactive;

/// <summary>Polling cadence, overlap, cancellation and termination in virtual time (no sleeps).</summary>
public sealed class PollingTests : ReactiveTest
{
    private static readonly TimeSpan Period = TimeSpan.FromTicks(30);

    [Fact]
    public void FirstRequestAtSubscribeThenOnePeriodAfterEachAnswer()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 10 };

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, scheduler), 100, 200, 995);

        // Subscribed at 200, the first request is scheduled "now" (the TestScheduler runs it at 201), answered at
        // 211; the next request 30 after the answer: 241 → 251, 281 → 291, …
        var expected = Enumerable.Range(0, 20).Select(i => OnNext(211 + 40 * i, i)).ToArray();
        res.Messages.AssertEqual(expected);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 201L + 40 * i), requests.Starts);
        Assert.Empty(requests.Cancels);
        Assert.Equal(0, requests.InFlight);
    }

    [Fact]
    public void ARequestSlowerThanThePeriodIsNeverOverlapped()
    {
        var scheduler = new TestScheduler();
        // The second request takes 100 ticks, three periods and more.
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = i => i == 1 ? 100 : 0 };

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, scheduler), 100, 200, 400);

        res.Messages.AssertEqual(
            OnNext(201, 0),
            OnNext(331, 1), // requested at 231, answered 100 later; no request in between
            OnNext(361, 2),
            OnNext(391, 3));
        Assert.Equal([201L, 231, 361, 391], requests.Starts);
        Assert.Equal(1, requests.MaxInFlight);
    }

    [Fact]
    public void UnsubscribingCancelsTheRequestInFlightAndStopsTheLoop()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 20 };

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, scheduler), 100, 200, 260);
        scheduler.AdvanceBy(1000);

        res.Messages.AssertEqual(OnNext(221, 0));
        Assert.Equal([201L, 251], requests.Starts);
        Assert.Equal([260L], requests.Cancels);
        Assert.Equal(0, requests.InFlight);
    }

    [Fact]
    public void CompletesWhenTheClosedSignalFiresAndCancelsTheRequest()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 50 };
        var closed = scheduler.CreateHotObservable(OnNext(290, CloseReason.Explicit), OnCompleted<CloseReason>(290));

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, closed, scheduler));

        // 201 → 251, 281 → (closed at 290: cancelled)
        res.Messages.AssertEqual(OnNext(251, 0), OnCompleted<int>(290));
        Assert.Equal([201L, 281], requests.Starts);
        Assert.Equal([290L], requests.Cancels);
        closed.Subscriptions.AssertEqual(Subscribe(200, 290));
    }

    [Fact]
    public void ASignalThatEndsWithoutAValueAlsoCompletes()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i);
        var closed = scheduler.CreateHotObservable(OnCompleted<Unit>(250));

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, closed, scheduler));

        res.Messages.AssertEqual(OnNext(201, 0), OnNext(231, 1), OnCompleted<int>(250));
    }

    [Fact]
    public void AnAlreadyClosedOwnerCompletesAtOnceWithoutARequest()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i);

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, Observable.Return(CloseReason.WorkerDied), scheduler));

        res.Messages.AssertEqual(OnCompleted<int>(200));
        Assert.Empty(requests.Starts);
    }

    [Theory]
    [InlineData(typeof(WorkerClosedException))]
    [InlineData(typeof(NotFoundException))]
    public void ARequestFailingBecauseTheOwnerClosedCompletes(Type exceptionType)
    {
        var scheduler = new TestScheduler();
        var error = (Exception)Activator.CreateInstance(exceptionType, "closed")!;
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 5, Error = i => i == 2 ? error : null };

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, scheduler));

        res.Messages.AssertEqual(OnNext(206, 0), OnNext(241, 1), OnCompleted<int>(276));
    }

    [Fact]
    public void AnyOtherFailureIsAnError()
    {
        var scheduler = new TestScheduler();
        var error = new TimeoutException("request timed out");
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 5, Error = i => i == 1 ? error : null };

        var res = scheduler.Start(() => Polling.Poll(requests.Fetch, Period, scheduler));

        res.Messages.AssertEqual(OnNext(206, 0), OnError<int>(241, error));
        Assert.Equal(2, requests.Starts.Count);
    }

    [Fact]
    public void AFetchThatThrowsSynchronouslyIsMappedTheSameWay()
    {
        var scheduler = new TestScheduler();
        int calls = 0;
        Task<int> Fetch(CancellationToken _) => ++calls == 1 ? Task.FromResult(7) : throw new WorkerClosedException("worker closed");

        var res = scheduler.Start(() => Polling.Poll(Fetch, Period, scheduler));

        res.Messages.AssertEqual(OnNext(201, 7), OnCompleted<int>(231));

        var boom = new InvalidOperationException("boom");
        var s2 = new TestScheduler();
        var res2 = s2.Start(() => Polling.Poll<int>(_ => throw boom, Period, s2));
        res2.Messages.AssertEqual(OnError<int>(201, boom));
    }

    [Fact]
    public void ARequestCancelledByItsOwnerIsAnError()
    {
        var scheduler = new TestScheduler();
        var res = scheduler.Start(() => Polling.Poll(_ => Task.FromCanceled<int>(new CancellationToken(true)), Period, scheduler));
        Assert.Equal(NotificationKind.OnError, Assert.Single(res.Messages).Value.Kind);
        Assert.IsAssignableFrom<OperationCanceledException>(res.Messages[0].Value.Exception);

        var s2 = new TestScheduler();
        var res2 = s2.Start(() => Polling.Poll<int>(_ => null!, Period, s2));
        res2.Messages.AssertEqual(OnError<int>(201, e => e is InvalidOperationException));
    }

    [Fact]
    public void ASubscriberThatThrowsStopsItsOwnLoop()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i);
        var seen = new List<int>();

        Polling.Poll(requests.Fetch, Period, scheduler).Subscribe(v =>
        {
            seen.Add(v);
            if (v == 1) throw new InvalidOperationException("subscriber bug");
        });
        scheduler.AdvanceTo(1000);

        Assert.Equal([0, 1], seen);
        Assert.Equal([1L, 31], requests.Starts);
    }

    [Fact]
    public void ValidatesItsArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Polling.Poll(_ => Task.FromResult(1), TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => Polling.Poll(_ => Task.FromResult(1), TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentNullException>(() => Polling.Poll<int>(null!, Period));
        Assert.Throws<ArgumentNullException>(() => Polling.Poll(_ => Task.FromResult(1), Period, (IObservable<Unit>)null!));
        Assert.Throws<ArgumentNullException>(() => Polling.PollShared(null!, "x", _ => Task.FromResult(1), Period, Observable.Never<Unit>()));
    }

    [Fact]
    public void EachPlainSubscriptionRunsItsOwnLoop()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i);
        var poll = Polling.Poll(requests.Fetch, Period, scheduler);
        using var a = poll.Subscribe(_ => { });
        using var b = poll.Subscribe(_ => { });
        scheduler.AdvanceTo(40);
        Assert.Equal([1L, 1, 31, 31], requests.Starts);
    }

    [Fact]
    public void SharedTwoSubscribersShareOneLoopThatStopsWhenBothLeave()
    {
        var scheduler = new TestScheduler();
        var owner = new object();
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 10 };
        var closed = new Subject<CloseReason>();
        // Two separately obtained streams, as two callers of worker.PollResourceUsage(period) would have.
        IObservable<int> Shared() => Polling.PollShared(owner, "Test.Value", requests.Fetch, Period, closed, scheduler);
        var a = scheduler.CreateObserver<int>();
        var b = scheduler.CreateObserver<int>();
        IDisposable? sa = null, sb = null;
        scheduler.ScheduleAbsolute(200, () => sa = Shared().Subscribe(a));
        scheduler.ScheduleAbsolute(260, () => sb = Shared().Subscribe(b));
        scheduler.ScheduleAbsolute(300, () => Assert.Equal(1, Polling.SharedLoopCount(owner)));
        scheduler.ScheduleAbsolute(335, () => sa!.Dispose());
        scheduler.ScheduleAbsolute(445, () => sb!.Dispose());
        scheduler.AdvanceTo(1000);

        // One loop: 201 → 211, 241 → 251, 281 → 291, 321 → 331, 361 → 371, 401 → 411, 441 → (cancelled at 445).
        Assert.Equal([201L, 241, 281, 321, 361, 401, 441], requests.Starts);
        Assert.Equal([445L], requests.Cancels);
        a.Messages.AssertEqual(OnNext(211, 0), OnNext(251, 1), OnNext(291, 2), OnNext(331, 3));
        b.Messages.AssertEqual(OnNext(291, 2), OnNext(331, 3), OnNext(371, 4), OnNext(411, 5));
        Assert.Equal(0, Polling.SharedLoopCount(owner));

        // A later subscriber starts a fresh loop.
        var c = scheduler.CreateObserver<int>();
        using var sc = Shared().Subscribe(c);
        scheduler.AdvanceBy(15);
        c.Messages.AssertEqual(OnNext(1011, 7));
        Assert.Equal(1001L, requests.Starts[^1]);
    }

    [Fact]
    public void SharedLoopsAreKeyedByOwnerNameAndPeriod()
    {
        var scheduler = new TestScheduler();
        var requests = new FakeRequests<int>(scheduler, i => i);
        var owner1 = new object();
        var owner2 = new object();
        var never = Observable.Never<Unit>();
        using var s1 = Polling.PollShared(owner1, "A", requests.Fetch, Period, never, scheduler).Subscribe(_ => { });
        using var s2 = Polling.PollShared(owner1, "A", requests.Fetch, Period, never, scheduler).Subscribe(_ => { });
        using var s3 = Polling.PollShared(owner1, "A", requests.Fetch, Period * 2, never, scheduler).Subscribe(_ => { });
        using var s4 = Polling.PollShared(owner1, "B", requests.Fetch, Period, never, scheduler).Subscribe(_ => { });
        using var s5 = Polling.PollShared(owner2, "A", requests.Fetch, Period, never, scheduler).Subscribe(_ => { });
        scheduler.AdvanceTo(1);
        Assert.Equal(4, requests.Starts.Count);
        Assert.Equal(3, Polling.SharedLoopCount(owner1));
        Assert.Equal(1, Polling.SharedLoopCount(owner2));
        Assert.Equal(0, Polling.SharedLoopCount(new object()));
        Assert.Throws<InvalidOperationException>(() =>
            Polling.PollShared(owner1, "A", _ => Task.FromResult("text"), Period, never, scheduler).Subscribe(_ => { }));
    }

    [Fact]
    public void SharedCompletesEverySubscriberWhenTheOwnerClosesAndThenCompletesLateOnes()
    {
        var scheduler = new TestScheduler();
        var owner = new object();
        var requests = new FakeRequests<int>(scheduler, i => i) { Latency = _ => 10 };
        var closed = new LifecycleSignalSource();
        IObservable<int> Shared() => Polling.PollShared(owner, "X", requests.Fetch, Period, closed.Signal, scheduler);
        var a = scheduler.CreateObserver<int>();
        var b = scheduler.CreateObserver<int>();
        var late = scheduler.CreateObserver<int>();
        scheduler.ScheduleAbsolute(200, () => Shared().Subscribe(a));
        scheduler.ScheduleAbsolute(215, () => Shared().Subscribe(b));
        scheduler.ScheduleAbsolute(300, () => closed.Close());
        scheduler.ScheduleAbsolute(400, () => Shared().Subscribe(late));
        scheduler.AdvanceTo(1000);

        a.Messages.AssertEqual(OnNext(211, 0), OnNext(251, 1), OnNext(291, 2), OnCompleted<int>(300));
        b.Messages.AssertEqual(OnNext(251, 1), OnNext(291, 2), OnCompleted<int>(300));
        late.Messages.AssertEqual(OnCompleted<int>(400));
        Assert.Equal(3, requests.Starts.Count);
        Assert.Equal(0, Polling.SharedLoopCount(owner));
    }

    [Fact]
    public void SharedErrorReachesEverySubscriberAndIsNotReplayedToTheNextLoop()
    {
        var scheduler = new TestScheduler();
        var owner = new object();
        var error = new TimeoutException("slow worker");
        var requests = new FakeRequests<int>(scheduler, i => i) { Error = i => i == 1 ? error : null };
        IObservable<int> Shared() => Polling.PollShared(owner, "X", requests.Fetch, Period, Observable.Never<Unit>(), scheduler);
        var a = scheduler.CreateObserver<int>();
        var b = scheduler.CreateObserver<int>();
        var next = scheduler.CreateObserver<int>();
        scheduler.ScheduleAbsolute(200, () => Shared().Subscribe(a));
        scheduler.ScheduleAbsolute(210, () => Shared().Subscribe(b));
        scheduler.ScheduleAbsolute(300, () => Shared().Subscribe(next));
        scheduler.AdvanceTo(340);

        a.Messages.AssertEqual(OnNext(201, 0), OnError<int>(231, error));
        b.Messages.AssertEqual(OnError<int>(231, error));
        next.Messages.AssertEqual(OnNext(301, 2), OnNext(331, 3));
    }

    [Fact]
    public void SharedIsolatesASubscriberThatThrows()
    {
        var scheduler = new TestScheduler();
        var owner = new object();
        var logs = new CapturingLoggerFactory();
        var requests = new FakeRequests<int>(scheduler, i => i);
        var shared = Polling.PollShared(owner, "X", requests.Fetch, Period, Observable.Never<Unit>(), scheduler,
            logs.CreateLogger("test"));
        var good = scheduler.CreateObserver<int>();
        shared.Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        shared.Subscribe(good);
        scheduler.AdvanceTo(70);

        good.Messages.AssertEqual(OnNext(1, 0), OnNext(31, 1), OnNext(61, 2));
        Assert.Single(logs.Entries, e => e.Message.Contains("threw"));
        Assert.Equal(1, Polling.SharedLoopCount(owner));
    }

    [Fact]
    public void SharedCompletesSynchronouslyForAnAlreadyClosedOwner()
    {
        var owner = new object();
        var scheduler = new TestScheduler();
        var res = scheduler.Start(() => Polling.PollShared(owner, "X", _ => Task.FromResult(1), Period,
            Observable.Return(CloseReason.Explicit), scheduler));
        res.Messages.AssertEqual(OnCompleted<int>(200));
        Assert.Equal(0, Polling.SharedLoopCount(owner));
    }

    [Fact]
    public void ASubscriberThatThrowsOnCompletionIsLogged()
    {
        var logs = new CapturingLoggerFactory();
        var scheduler = new TestScheduler();
        Polling.Poll(_ => Task.FromResult(1), Period, Observable.Return(Unit.Default), scheduler, logs.CreateLogger("test"))
            .Subscribe(_ => { }, () => throw new InvalidOperationException("completion bug"));
        Assert.Single(logs.Entries, e => e.Message.Contains("completion"));
    }

    [Fact]
    public void ACancellationCallbackThatThrowsIsLogged()
    {
        var logs = new CapturingLoggerFactory();
        var scheduler = new TestScheduler();
        var subscription = Polling.Poll(ct =>
        {
            ct.Register(() => throw new IOException("callback bug"));
            return new TaskCompletionSource<int>().Task;
        }, Period, Observable.Never<Unit>(), scheduler, logs.CreateLogger("test")).Subscribe(_ => { });
        scheduler.AdvanceBy(1);
        subscription.Dispose();
        Assert.Single(logs.Entries, e => e.Message.Contains("cancellation"));
    }

    [Fact]
    public void SharedRetryStartsAFreshLoopInsteadOfJoiningTheFailedOne()
    {
        // Retry resubscribes from inside OnError, before the failed subscription is disposed: the failed loop
        // must already have left the cache, or the retry would join it and get its error again.
        var scheduler = new TestScheduler();
        var owner = new object();
        var error = new TimeoutException("slow worker");
        var requests = new FakeRequests<int>(scheduler, i => i) { Error = i => i == 1 ? error : null };
        var shared = Polling.PollShared(owner, "X", requests.Fetch, Period, Observable.Never<Unit>(), scheduler);

        var res = scheduler.Start(() => shared.Retry(2), 100, 200, 300);

        // error at 231; the retry's fresh loop requests "now" (232 on the TestScheduler)
        res.Messages.AssertEqual(OnNext(201, 0), OnNext(232, 2), OnNext(262, 3), OnNext(292, 4));
        Assert.Equal(0, Polling.SharedLoopCount(owner));
    }

    /// <summary>A replaying close signal like an entity's Closed (the library's own StreamSubject.Signal).</summary>
    private sealed class LifecycleSignalSource
    {
        private readonly RxMediasoup.Reactive.StreamSubject<CloseReason> _signal = RxMediasoup.Reactive.StreamSubject<CloseReason>.Signal("Test.Closed");
        public IObservable<CloseReason> Signal => _signal;
        public void Close() => _signal.OnNext(CloseReason.Explicit);
    }
}
