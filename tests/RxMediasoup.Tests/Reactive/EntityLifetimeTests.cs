using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxMediasoup.Reactive;

namespace RxMediasoup.Tests.Reactive;

/// <summary>EntityLifetime.Using: create on subscribe, close on dispose, in virtual time.</summary>
public sealed class EntityLifetimeTests : ReactiveTest
{
    private sealed class FakeEntity(string name) : IAsyncDisposable
    {
        public string Name { get; } = name;
        public int DisposeCount { get; private set; }
        public StreamSubject<CloseReason> Closed { get; } = StreamSubject<CloseReason>.Signal($"{name}.Closed");
        public Func<ValueTask>? OnDispose { get; init; }

        public ValueTask DisposeAsync()
        {
            DisposeCount++;
            Closed.OnNext(CloseReason.Explicit);
            return OnDispose?.Invoke() ?? ValueTask.CompletedTask;
        }
    }

    /// <summary>A factory whose creations complete <paramref name="latency"/> ticks later on the scheduler.</summary>
    private sealed class Factory(TestScheduler scheduler, long latency, Exception? error = null)
    {
        public List<FakeEntity> Created { get; } = [];
        public List<long> Cancelled { get; } = [];
        public bool IgnoreCancellation { get; init; }

        public Task<FakeEntity> Create(CancellationToken cancellationToken)
        {
            var tcs = new TaskCompletionSource<FakeEntity>();
            if (!IgnoreCancellation)
            {
                cancellationToken.Register(() =>
                {
                    if (tcs.TrySetCanceled(cancellationToken)) Cancelled.Add(scheduler.Clock);
                });
            }
            scheduler.ScheduleRelative(latency, () =>
            {
                if (error is not null) tcs.TrySetException(error);
                else
                {
                    var entity = new FakeEntity($"e{Created.Count}");
                    if (tcs.TrySetResult(entity)) Created.Add(entity);
                }
            });
            return tcs.Task;
        }
    }

    [Fact]
    public void CreatesOnSubscribeEmitsOnceAndClosesOnDispose()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 50);

        var res = scheduler.Start(() => EntityLifetime.Using(factory.Create), 100, 200, 600);

        var entity = Assert.Single(factory.Created);
        res.Messages.AssertEqual(OnNext(250, entity)); // no completion while it lives
        Assert.Equal(1, entity.DisposeCount);          // disposed with the subscription at 600
    }

    [Fact]
    public void CompletesWhenTheEntityClosesByItselfAndClosesItOnlyIdempotently()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 50);
        scheduler.ScheduleAbsolute(400, () => factory.Created[0].Closed.OnNext(CloseReason.WorkerDied));

        var res = scheduler.Start(() => EntityLifetime.Using(factory.Create, e => e.Closed), 100, 200, 600);

        var entity = Assert.Single(factory.Created);
        res.Messages.AssertEqual(OnNext(250, entity), OnCompleted<FakeEntity>(400));
        // Completion ends the subscription, which closes the entity (a no-op for one already closed).
        Assert.Equal(1, entity.DisposeCount);
    }

    [Fact]
    public void ACreationFailureIsTheStreamsError()
    {
        var scheduler = new TestScheduler();
        var error = new UnsupportedException("media codec not supported [mimeType:audio/x-aiff]");
        var factory = new Factory(scheduler, 50, error);

        var res = scheduler.Start(() => EntityLifetime.Using(factory.Create));

        res.Messages.AssertEqual(OnError<FakeEntity>(250, error));

        var boom = new ArgumentException("bad options");
        var res2 = new TestScheduler().Start(() => EntityLifetime.Using<FakeEntity>(_ => throw boom));
        res2.Messages.AssertEqual(OnError<FakeEntity>(200, boom));
        var res3 = new TestScheduler().Start(() => EntityLifetime.Using<FakeEntity>(_ => null!));
        res3.Messages.AssertEqual(OnError<FakeEntity>(200, e => e is InvalidOperationException));
        var res4 = new TestScheduler().Start(() => EntityLifetime.Using(_ => Task.FromCanceled<FakeEntity>(new CancellationToken(true))));
        res4.Messages.AssertEqual(OnError<FakeEntity>(200, e => e is OperationCanceledException));
    }

    [Fact]
    public void DisposingBeforeCreationCancelsIt()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 50);

        var res = scheduler.Start(() => EntityLifetime.Using(factory.Create), 100, 200, 220);

        res.Messages.AssertEqual();
        Assert.Equal([220L], factory.Cancelled);
        Assert.Empty(factory.Created);
    }

    [Fact]
    public void AnEntityCreatedAfterDisposalIsClosedAndNeverEmitted()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 50) { IgnoreCancellation = true };

        var res = scheduler.Start(() => EntityLifetime.Using(factory.Create, e => e.Closed), 100, 200, 220);

        res.Messages.AssertEqual();
        Assert.Equal(1, Assert.Single(factory.Created).DisposeCount);
    }

    [Fact]
    public void EverySubscriptionCreatesItsOwnEntity()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 10);
        var stream = EntityLifetime.Using(factory.Create);
        var first = stream.Subscribe(_ => { });
        var second = stream.Subscribe(_ => { });
        scheduler.AdvanceBy(20);
        Assert.Equal(2, factory.Created.Count);
        first.Dispose();
        Assert.Equal([1, 0], factory.Created.Select(e => e.DisposeCount));
        second.Dispose();
        second.Dispose();
        Assert.Equal([1, 1], factory.Created.Select(e => e.DisposeCount));
    }

    [Fact]
    public void ASubscriberThatThrowsEndsTheLifetime()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 10);
        EntityLifetime.Using(factory.Create).Subscribe(_ => throw new InvalidOperationException("subscriber bug"));
        scheduler.AdvanceBy(20);
        Assert.Equal(1, Assert.Single(factory.Created).DisposeCount);
    }

    [Fact]
    public void TakeOneEndsTheLifetimeAfterTheValue()
    {
        var scheduler = new TestScheduler();
        var factory = new Factory(scheduler, 10);
        var res = scheduler.Start(() => EntityLifetime.Using(factory.Create).Take(1));
        var entity = Assert.Single(factory.Created);
        res.Messages.AssertEqual(OnNext(210, entity), OnCompleted<FakeEntity>(210));
        Assert.Equal(1, entity.DisposeCount);
    }

    [Fact]
    public void AFailingCloseIsObservedAndDropped()
    {
        var failures = 0;
        var entity = new FakeEntity("x") { OnDispose = () => { failures++; return ValueTask.FromException(new IOException("gone")); } };
        EntityLifetime.CloseInBackground(entity);
        var slow = new TaskCompletionSource();
        var pending = new FakeEntity("y") { OnDispose = () => new ValueTask(slow.Task) };
        EntityLifetime.CloseInBackground(pending);
        slow.SetException(new IOException("gone later"));
        var throwing = new FakeEntity("z") { OnDispose = () => throw new IOException("sync") };
        EntityLifetime.CloseInBackground(throwing);
        Assert.Equal(1, failures);
        Assert.Equal(1, pending.DisposeCount);
        Assert.Equal(1, throwing.DisposeCount);
        Assert.Throws<ArgumentNullException>(() => EntityLifetime.Using<FakeEntity>(null!));
        Assert.Throws<ArgumentNullException>(() => EntityLifetime.Using<FakeEntity, CloseReason>(_ => null!, null!));
    }

    [Fact]
    public void ACancellationCallbackThatThrowsDoesNotEscapeDispose()
    {
        var subscription = EntityLifetime.Using<FakeEntity>(ct =>
        {
            ct.Register(() => throw new IOException("callback bug"));
            return new TaskCompletionSource<FakeEntity>().Task;
        }).Subscribe(_ => { });
        subscription.Dispose();
    }
}
