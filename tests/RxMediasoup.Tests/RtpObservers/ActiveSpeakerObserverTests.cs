using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Tests.RtpObservers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-ActiveSpeakerObserver.js, against the real worker.</summary>
public sealed class ActiveSpeakerObserverTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RtpObserverTestData.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-ActiveSpeakerObserver.js", "router.createActiveSpeakerObserver() succeeds")]
    public async Task CreateActiveSpeakerObserverSucceeds()
    {
        var changes = new List<IEntityChangeSet<RtpObserver, string>>();
        using var subscription = _router.RtpObservers.Connect().Subscribe(changes.Add);

        var observer = await _router.CreateActiveSpeakerObserverAsync();

        // The snapshot (empty), then the new observer (mediasoup's "newrtpobserver").
        Assert.Equal(2, changes.Count);
        Assert.Equal(EntityChangeReason.Add, Assert.Single(changes[1]).Reason);
        Assert.Same(observer, changes[1][0].Current);
        Assert.True(Guid.TryParse(observer.Id, out _));
        Assert.False(observer.IsClosed);
        Assert.Equal(RtpObserverType.ActiveSpeaker, observer.Type);
        Assert.False(observer.Paused.Value);
        Assert.Empty(observer.AppData);
        Assert.Equal([observer.Id], (await _router.DumpAsync()).RtpObserverIds);
    }

    [Fact]
    [NodeCase("test-ActiveSpeakerObserver.js", "router.createActiveSpeakerObserver() with wrong arguments rejects with TypeError")]
    public async Task CreateActiveSpeakerObserverWithWrongArgumentsRejects()
    {
        // `interval: false` and `appData: 'NOT-AN-OBJECT'` cannot be written in C#; an interval the worker's uint16
        // cannot carry can.
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = -1 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 70000 }));
        Assert.Empty((await _router.DumpAsync()).RtpObserverIds);
    }

    [Fact]
    [NodeCase("test-ActiveSpeakerObserver.js", "activeSpeakerObserver.pause() and resume() succeed")]
    public async Task PauseAndResumeSucceed()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        await observer.PauseAsync();
        Assert.True(observer.Paused.Value);
        Assert.True(observer.Paused.Current());
        await observer.ResumeAsync();
        Assert.False(observer.Paused.Value);
        Assert.False(observer.Paused.Current());
    }

    [Fact]
    [NodeCase("test-ActiveSpeakerObserver.js", "activeSpeakerObserver.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 500 });
        Assert.Single((await _router.DumpAsync()).RtpObserverIds);

        await observer.CloseAsync();
        Assert.True(observer.IsClosed);
        Assert.Equal(CloseReason.Explicit, await observer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2)));
        Assert.Empty((await _router.DumpAsync()).RtpObserverIds);
        Assert.Equal(0, _router.RtpObservers.Count);
        await Assert.ThrowsAsync<NotFoundException>(() => observer.PauseAsync());
    }

    [Fact]
    [NodeCase("test-ActiveSpeakerObserver.js", "ActiveSpeakerObserver emits \"routerclose\" if Router is closed")]
    public async Task ClosesWhenRouterIsClosed()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        var closed = observer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));

        await _router.CloseAsync();

        Assert.Equal(CloseReason.RouterClosed, await closed);
        Assert.True(observer.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => observer.PauseAsync());
    }

    [Fact]
    [NodeCase("test-ActiveSpeakerObserver.js", "ActiveSpeakerObserver emits \"routerclose\" if Worker is closed")]
    public async Task ClosesWhenWorkerIsClosed()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        var closed = observer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));

        await _worker.CloseAsync();

        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(observer.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => observer.PauseAsync());
    }
}
