using RxMediasoup.Tests.Transports;

namespace RxMediasoup.Tests.RtpObservers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-AudioLevelObserver.js, against the real worker.</summary>
public sealed class AudioLevelObserverTests : IAsyncLifetime
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
    [NodeCase("test-AudioLevelObserver.js", "router.createAudioLevelObserver() succeeds")]
    public async Task CreateAudioLevelObserverSucceeds()
    {
        var changes = new List<IEntityChangeSet<RtpObserver, string>>();
        using var subscription = _router.RtpObservers.Connect().Subscribe(changes.Add);

        var observer = await _router.CreateAudioLevelObserverAsync();

        // The snapshot (empty), then the new observer (mediasoup's "newrtpobserver").
        Assert.Equal(2, changes.Count);
        Assert.Equal(EntityChangeReason.Add, Assert.Single(changes[1]).Reason);
        Assert.Same(observer, changes[1][0].Current);
        Assert.True(Guid.TryParse(observer.Id, out _));
        Assert.False(observer.IsClosed);
        Assert.Equal(RtpObserverType.AudioLevel, observer.Type);
        Assert.False(observer.Paused.Value);
        Assert.Empty(observer.AppData);
        Assert.Equal([observer.Id], (await _router.DumpAsync()).RtpObserverIds);
    }

    [Fact]
    [NodeCase("test-AudioLevelObserver.js", "router.createAudioLevelObserver() with wrong arguments rejects with TypeError")]
    public async Task CreateAudioLevelObserverWithWrongArgumentsRejects()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { MaxEntries = 0 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { MaxEntries = -10 }));
        // `threshold: 'foo'`, `interval: false` and `appData: 'NOT-AN-OBJECT'` cannot be written in C#; a threshold
        // outside -127..0 and an interval the worker's uint16 cannot carry can.
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { Threshold = 10 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { Threshold = -128 }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { Interval = -1 }));
        Assert.Empty((await _router.DumpAsync()).RtpObserverIds);
    }

    [Fact]
    [NodeCase("test-AudioLevelObserver.js", "audioLevelObserver.pause() and resume() succeed")]
    public async Task PauseAndResumeSucceed()
    {
        var observer = await _router.CreateAudioLevelObserverAsync();
        await observer.PauseAsync();
        Assert.True(observer.Paused.Value);
        Assert.True(observer.Paused.Current());
        await observer.ResumeAsync();
        Assert.False(observer.Paused.Value);
        Assert.False(observer.Paused.Current());
    }

    [Fact]
    [NodeCase("test-AudioLevelObserver.js", "audioLevelObserver.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var observer = await _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { MaxEntries = 8 });
        Assert.Single((await _router.DumpAsync()).RtpObserverIds);

        await observer.CloseAsync();
        Assert.True(observer.IsClosed);
        Assert.Equal(CloseReason.Explicit, await observer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2)));
        Assert.Empty((await _router.DumpAsync()).RtpObserverIds);
        Assert.Equal(0, _router.RtpObservers.Count);
        await Assert.ThrowsAsync<NotFoundException>(() => observer.PauseAsync());
    }

    [Fact]
    [NodeCase("test-AudioLevelObserver.js", "AudioLevelObserver emits \"routerclose\" if Router is closed")]
    public async Task ClosesWhenRouterIsClosed()
    {
        var observer = await _router.CreateAudioLevelObserverAsync();
        var closed = observer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));

        await _router.CloseAsync();

        Assert.Equal(CloseReason.RouterClosed, await closed);
        Assert.True(observer.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => observer.PauseAsync());
    }

    [Fact]
    [NodeCase("test-AudioLevelObserver.js", "AudioLevelObserver emits \"routerclose\" if Worker is closed")]
    public async Task ClosesWhenWorkerIsClosed()
    {
        var observer = await _router.CreateAudioLevelObserverAsync();
        var closed = observer.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));

        await _worker.CloseAsync();

        Assert.Equal(CloseReason.WorkerClosed, await closed);
        Assert.True(observer.IsClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => observer.PauseAsync());
    }
}
