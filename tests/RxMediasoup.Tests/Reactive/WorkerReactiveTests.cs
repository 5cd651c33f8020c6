using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace RxMediasoup.Tests.Reactive;

/// <summary>PollResourceUsage and UsingRouter against the real mediasoup-worker.</summary>
public sealed class WorkerReactiveTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private RxMediasoup.Worker _worker = null!;

    public async Task InitializeAsync() => _worker = await RxMediasoup.Worker.CreateAsync();

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static TimeSpan Cpu(WorkerResourceUsage u) => u.UserCpuTime + u.SystemCpuTime;

    [Fact]
    public async Task PollResourceUsageYieldsIncreasingCpuTimeAndCompletesWhenTheWorkerCloses()
    {
        var samples = new List<WorkerResourceUsage>();
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = _worker.PollResourceUsage(TimeSpan.FromMilliseconds(100));
        using var subscription = stream.Subscribe(
            u =>
            {
                lock (samples)
                {
                    samples.Add(u);
                    if (samples.Count == 5) enough.TrySetResult();
                }
            },
            e => completed.TrySetException(e),
            () => completed.TrySetResult());

        // Give the worker something to do between polls, so that its CPU time grows.
        var load = Task.Run(async () =>
        {
            while (!enough.Task.IsCompleted)
            {
                var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs });
                await router.DumpAsync();
                await router.CloseAsync();
            }
        });
        await enough.Task.WaitAsync(Timeout);
        await load.WaitAsync(Timeout);

        WorkerResourceUsage[] seen;
        lock (samples) seen = [.. samples];
        for (int i = 1; i < seen.Length; i++) Assert.True(Cpu(seen[i]) >= Cpu(seen[i - 1]), $"CPU time went down at sample {i}");
        Assert.True(Cpu(seen[^1]) > Cpu(seen[0]), $"CPU time did not grow: {Cpu(seen[0])} → {Cpu(seen[^1])}");
        Assert.True(seen[^1].MaxResidentSetSize > 0);
        Assert.Equal(1, Polling.SharedLoopCount(_worker));

        await _worker.CloseAsync();
        await completed.Task.WaitAsync(Timeout);
        Assert.Equal(0, Polling.SharedLoopCount(_worker));
        // A subscriber arriving after the close completes at once.
        Assert.Empty(await stream.ToList().ToTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task PollResourceUsageSharesOneLoopBetweenSubscribers()
    {
        var first = new TaskCompletionSource<WorkerResourceUsage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<WorkerResourceUsage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_worker.PollResourceUsage(TimeSpan.FromMilliseconds(50)).Subscribe(u => first.TrySetResult(u)))
        using (_worker.PollResourceUsage(TimeSpan.FromMilliseconds(50)).Subscribe(u => second.TrySetResult(u)))
        using (_worker.PollResourceUsage(TimeSpan.FromMilliseconds(70)).Subscribe(_ => { }))
        {
            await Task.WhenAll(first.Task, second.Task).WaitAsync(Timeout);
            Assert.Equal(2, Polling.SharedLoopCount(_worker));
        }
        Assert.Equal(0, Polling.SharedLoopCount(_worker));
    }

    [Fact]
    public async Task UsingRouterClosesTheRouterWhenTheSubscriptionIsDisposed()
    {
        var created = new TaskCompletionSource<RxMediasoup.Router>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = _worker.UsingRouter(new RouterOptions { MediaCodecs = Routers.RouterTests.MediaCodecs })
            .Subscribe(r => created.TrySetResult(r), e => created.TrySetException(e));
        var router = await created.Task.WaitAsync(Timeout);
        Assert.False(router.IsClosed);
        Assert.Equal([router.Id], (await _worker.DumpAsync()).RouterIds);
        var closed = router.Closed.ToTask();

        subscription.Dispose();

        Assert.Equal(CloseReason.Explicit, await closed.WaitAsync(Timeout));
        Assert.True(router.IsClosed);
        Assert.Empty(_worker.Routers.Items);
        Assert.Empty((await _worker.DumpAsync()).RouterIds);
    }

    [Fact]
    public async Task UsingRouterCompletesWhenTheWorkerCloses()
    {
        var created = new TaskCompletionSource<RxMediasoup.Router>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _worker.UsingRouter().Subscribe(
            r => created.TrySetResult(r), e => completed.TrySetException(e), () => completed.TrySetResult());
        var router = await created.Task.WaitAsync(Timeout);

        await _worker.CloseAsync();

        await completed.Task.WaitAsync(Timeout);
        Assert.True(router.IsClosed);
        Assert.Equal(CloseReason.WorkerClosed, await router.Closed.ToTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task UsingRouterCreationFailuresAreTheStreamsError()
    {
        var unsupported = new RouterOptions
        {
            MediaCodecs = [new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/x-aiff", ClockRate = 8000, Channels = 1 }],
        };
        await Assert.ThrowsAsync<UnsupportedException>(() => _worker.UsingRouter(unsupported).FirstAsync().ToTask().WaitAsync(Timeout));

        await _worker.CloseAsync();
        await Assert.ThrowsAsync<WorkerClosedException>(() => _worker.UsingRouter().FirstAsync().ToTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task UsingRouterDisposedWhileCreatingLeavesNoRouter()
    {
        for (int i = 0; i < 10; i++)
        {
            var subscription = _worker.UsingRouter().Subscribe(_ => { });
            subscription.Dispose();
        }
        // The creations were sent before the disposals; whatever the worker created is closed again.
        var deadline = DateTime.UtcNow + Timeout;
        string[] routerIds;
        do
        {
            routerIds = [.. (await _worker.DumpAsync()).RouterIds];
            if (routerIds.Length == 0) break;
            await Task.Delay(20);
        } while (DateTime.UtcNow < deadline);
        Assert.Empty(routerIds);
        Assert.Empty(_worker.Routers.Items);
    }
}
