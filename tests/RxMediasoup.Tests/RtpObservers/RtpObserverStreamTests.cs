using System.Reactive;
using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Tests.RtpObservers;

/// <summary>
/// The RTP observers' streams against the real worker: ProducerAdded/ProducerRemoved, Paused, the router's RtpObservers
/// collection, close cascades, cancellation and the handler/subscriber leak check.
/// </summary>
public sealed class RtpObserverStreamTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RtpObserverTestData.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    public async Task AddAndRemoveProducerEmitAndReachTheWorker()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(RtpObserverTestData.AudioProducer(11111111));
        var observer = await _router.CreateAudioLevelObserverAsync();
        var added = new List<RxMediasoup.Producer>();
        var removed = new List<RxMediasoup.Producer>();
        bool addedCompleted = false;
        using var s1 = observer.ProducerAdded.Subscribe(added.Add, () => addedCompleted = true);
        using var s2 = observer.ProducerRemoved.Subscribe(removed.Add);

        await observer.AddProducerAsync(producer.Id);
        Assert.Same(producer, Assert.Single(added));
        Assert.Equal([observer.Id], (await _router.DumpAsync()).MapProducerIdObserverIds[producer.Id]);

        await observer.RemoveProducerAsync(producer.Id);
        Assert.Same(producer, Assert.Single(removed));
        Assert.Empty((await _router.DumpAsync()).MapProducerIdObserverIds[producer.Id]);

        await Assert.ThrowsAsync<NotFoundException>(() => observer.AddProducerAsync("no-such-producer"));
        await Assert.ThrowsAsync<NotFoundException>(() => observer.RemoveProducerAsync("no-such-producer"));
        await Assert.ThrowsAsync<ArgumentNullException>(() => observer.AddProducerAsync(null!));

        // A producer that closes leaves the observer in the worker; no ProducerRemoved (as in mediasoup).
        await observer.AddProducerAsync(producer.Id);
        await producer.CloseAsync();
        Assert.Single(removed);
        Assert.False((await _router.DumpAsync()).MapProducerIdObserverIds.ContainsKey(producer.Id));
        Assert.False(observer.IsClosed);

        await observer.CloseAsync();
        Assert.True(addedCompleted);
    }

    [Fact]
    public async Task PausedReplaysThenChangesAndCompletesOnClose()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        var values = new List<bool>();
        bool completed = false;
        using var subscription = observer.Paused.Subscribe(values.Add, () => completed = true);

        await observer.PauseAsync();
        await observer.PauseAsync(); // Distinct: no second "true".
        await observer.ResumeAsync();
        Assert.Equal([false, true, false], values);

        // A burst of un-awaited commands: every state in worker order, ending in the last one's.
        await Task.WhenAll(observer.PauseAsync(), observer.ResumeAsync(), observer.PauseAsync());
        Assert.Equal([false, true, false, true, false, true], values);
        Assert.True(observer.Paused.Value);

        await observer.CloseAsync();
        Assert.True(completed);
        Assert.Equal(CloseReason.Explicit, await observer.Closed.FirstAsyncOrTimeout(Timeout));
    }

    [Fact]
    public async Task RouterCloseRemovesObserversCompletesTheCollectionAndEveryStream()
    {
        var speaker = await _router.CreateActiveSpeakerObserverAsync();
        var level = await _router.CreateAudioLevelObserverAsync();
        var changes = new List<IEntityChangeSet<RtpObserver, string>>();
        bool collectionCompleted = false;
        using var c = _router.RtpObservers.Connect().Subscribe(changes.Add, () => collectionCompleted = true);
        int completions = 0;
        using var s1 = speaker.DominantSpeaker.Subscribe(_ => { }, () => completions++);
        using var s2 = level.Volumes.Subscribe(_ => { }, () => completions++);
        using var s3 = level.Silence.Subscribe(_ => { }, () => completions++);
        using var s4 = level.ProducerRemoved.Subscribe(_ => { }, () => completions++);

        Assert.Equal(2, Assert.Single(changes).Count); // The snapshot.
        await _router.CloseAsync();

        Assert.Equal(4, completions);
        Assert.True(collectionCompleted);
        Assert.Equal(0, _router.RtpObservers.Count);
        Assert.Equal(CloseReason.RouterClosed, await speaker.Closed.FirstAsyncOrTimeout(Timeout));
        Assert.Equal(CloseReason.RouterClosed, await level.Closed.FirstAsyncOrTimeout(Timeout));
        await Assert.ThrowsAsync<NotFoundException>(() => _router.CreateAudioLevelObserverAsync());
    }

    [Fact]
    public async Task CreateWithCancelledTokenLeavesNothing()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _router.CreateActiveSpeakerObserverAsync(null, cts.Token));
        Assert.Empty((await _router.DumpAsync()).RtpObserverIds);
        Assert.Equal(0, _router.RtpObservers.Count);
        await TransportTestHelpers.AssertNoHandlersAsync(_worker);
    }

    [Fact]
    public async Task LeakCheckHandlersAndSubscribersBackToZero()
    {
        int before = _worker.Diagnostics.RegisteredHandlers;
        var transport = await _router.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(RtpObserverTestData.AudioProducer(22222222));
        var speaker = await _router.CreateActiveSpeakerObserverAsync();
        var level = await _router.CreateAudioLevelObserverAsync();
        await speaker.AddProducerAsync(producer.Id);
        await level.AddProducerAsync(producer.Id);
        Assert.Equal(before + 4, _worker.Diagnostics.RegisteredHandlers);

        var subscriptions = new List<IDisposable>
        {
            speaker.DominantSpeaker.Subscribe(_ => { }), speaker.Paused.Subscribe(_ => { }), speaker.Closed.Subscribe(_ => { }),
            speaker.ProducerAdded.Subscribe(_ => { }), speaker.ProducerRemoved.Subscribe(_ => { }),
            level.Volumes.Subscribe(_ => { }), level.Silence.Subscribe((Unit _) => { }), level.Paused.Subscribe(_ => { }),
            level.Closed.Subscribe(_ => { }), level.ProducerAdded.Subscribe(_ => { }),
        };
        Assert.Equal(5, speaker.SubscriberCount);
        Assert.Equal(5, level.SubscriberCount);
        foreach (var s in subscriptions) s.Dispose();
        Assert.Equal(0, speaker.SubscriberCount);
        Assert.Equal(0, level.SubscriberCount);

        // One closed explicitly, the other by its router.
        await speaker.CloseAsync();
        Assert.Equal(before + 3, _worker.Diagnostics.RegisteredHandlers);
        await _router.CloseAsync();
        Assert.True(level.IsClosed);
        await TransportTestHelpers.AssertNoHandlersAsync(_worker);
    }
    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)]
    public async Task CancellingACreateAfterItWasSentLeavesNoObserverInTheWorker()
    {
        int before = _worker.Diagnostics.RegisteredHandlers;
        Processes.Signal(_worker.Pid, 19 /* SIGSTOP */);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _router.CreateAudioLevelObserverAsync(null, cts.Token));
        }
        finally
        {
            Processes.Signal(_worker.Pid, 18 /* SIGCONT */);
        }
        // The worker created it once resumed; the library closed it there.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        RouterDump dump;
        do dump = await _router.DumpAsync();
        while (dump.RtpObserverIds.Count > 0 && DateTime.UtcNow < deadline);
        Assert.Empty(dump.RtpObserverIds);
        Assert.Equal(0, _router.RtpObservers.Count);
        Assert.Equal(before, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task WorkerDeathClosesObserversWithWorkerDied()
    {
        var speaker = await _router.CreateActiveSpeakerObserverAsync();
        var level = await _router.CreateAudioLevelObserverAsync();
        var speakerClosed = speaker.Closed.FirstAsyncOrTimeout(Timeout);
        var levelClosed = level.Closed.FirstAsyncOrTimeout(Timeout);
        bool volumesCompleted = false;
        using var s = level.Volumes.Subscribe(_ => { }, () => volumesCompleted = true);

        TestWorkerMode.Kill(_worker);

        Assert.Equal(CloseReason.WorkerDied, await speakerClosed);
        Assert.Equal(CloseReason.WorkerDied, await levelClosed);
        Assert.True(volumesCompleted);
        await Assert.ThrowsAsync<WorkerClosedException>(() => speaker.PauseAsync());
        await Assert.ThrowsAsync<WorkerClosedException>(() => level.ResumeAsync());
    }

    [Fact]
    public async Task AddAndRemoveProducerAfterWorkerDeathFailWithWorkerClosedBeforeTheProducerLookup()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(RtpObserverTestData.AudioProducer(44444444));
        var observer = await _router.CreateAudioLevelObserverAsync();
        await observer.AddProducerAsync(producer.Id);
        var closed = observer.Closed.FirstAsyncOrTimeout(Timeout);

        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await closed);

        // The producer is gone from the router too: the closed check comes first, so the error is the worker's.
        await Assert.ThrowsAsync<WorkerClosedException>(() => observer.AddProducerAsync(producer.Id));
        await Assert.ThrowsAsync<WorkerClosedException>(() => observer.RemoveProducerAsync(producer.Id));
        await Assert.ThrowsAsync<WorkerClosedException>(() => observer.AddProducerAsync("no-such-producer"));
        await Assert.ThrowsAsync<WorkerClosedException>(() => observer.AddProducerAsync(null!));
    }

    [Fact]
    public async Task CommandsOnAClosedObserverReturnFaultedTasksWithoutThrowing()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var producer = await transport.ProduceAsync(RtpObserverTestData.AudioProducer(55555555));
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        await observer.PauseAsync();
        Assert.True(observer.Paused.Value);
        await observer.CloseAsync();

        // None of these throws synchronously: each returns a faulted task with the one "closed" error.
        Task[] commands =
        [
            observer.PauseAsync(), observer.ResumeAsync(), observer.AddProducerAsync(producer.Id),
            observer.RemoveProducerAsync(producer.Id), observer.AddProducerAsync("no-such-producer"), observer.AddProducerAsync(null!),
        ];
        foreach (var command in commands)
        {
            Assert.True(command.IsFaulted);
            var e = await Assert.ThrowsAsync<NotFoundException>(() => command);
            Assert.Equal($"ActiveSpeakerObserver closed [id:{observer.Id}]", e.Message);
        }
        Assert.True(observer.Paused.Value); // The last state stays readable after close.
    }

    [Fact]
    public async Task PausedValueIsTheStateTheCommandProducedWhenItsAwaiterResumes()
    {
        var observer = await _router.CreateAudioLevelObserverAsync();
        Assert.False(observer.Paused.Value);
        var seenInSubscriber = new List<bool>();
        using var s = observer.Paused.Subscribe(v => seenInSubscriber.Add(observer.Paused.Value));

        await observer.PauseAsync();
        Assert.True(observer.Paused.Value);
        Assert.Equal([false, true], seenInSubscriber); // Delivered before the awaiter resumed.
        await observer.ResumeAsync();
        Assert.False(observer.Paused.Value);
        Assert.Equal([false, true, false], seenInSubscriber);
    }

    [Fact]
    public async Task ClosedIsTheLastThingAnObserverDelivers()
    {
        var observer = await _router.CreateAudioLevelObserverAsync();
        var events = new List<string>();
        using var s1 = observer.Paused.Subscribe(_ => { }, () => events.Add("paused completed"));
        using var s2 = observer.Volumes.Subscribe(_ => { }, () => events.Add("volumes completed"));
        using var s3 = observer.ProducerAdded.Subscribe(_ => { }, () => events.Add("added completed"));
        using var s4 = observer.Closed.Subscribe(r => events.Add($"closed:{r}"));
        using var s5 = _router.RtpObservers.Connect().Subscribe(c =>
        {
            if (c.Any(x => x.Reason == EntityChangeReason.Remove)) events.Add("removed from router");
        });

        await _router.CloseAsync();
        await observer.Closed.FirstAsyncOrTimeout(Timeout);

        Assert.Equal("removed from router", events[0]);
        Assert.Equal("closed:RouterClosed", events[^1]);
        Assert.Equal(["added completed", "paused completed", "volumes completed"], events[1..^1].Order());
    }
}
