using System.Collections.Concurrent;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Reactive;

/// <summary>
/// <c>CloseAsync</c> returns once the close has reached subscribers, also when the worker's delivery queue is being
/// drained by another thread at that moment (a subscriber still busy with earlier deliveries): its stream completions
/// then wait in the queue, and the close's awaiter waits for them.
/// </summary>
public sealed class CloseAsyncDeliveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        // No watchdog: it would release the close's awaiter after its threshold, and this test holds the queue on purpose.
        _worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { DeliveryWarningThreshold = null });
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ProducerMediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    public async Task CloseAsyncReturnsAfterTheStreamsCompletedWhileAnotherThreadHoldsDelivery()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var log = new ConcurrentQueue<string>();
        using var closed = transport.Closed.Subscribe(_ => { }, () => log.Enqueue("Closed completed"));
        using var release = new ManualResetEventSlim();
        using var holding = new ManualResetEventSlim();
        var holder = Task.Run(() => _worker.Channel.Deliveries.Post(() =>
        {
            holding.Set();
            release.Wait(Timeout);
        }, "Test.Holder"));
        Assert.True(holding.Wait(Timeout));

        var closing = transport.CloseAsync();
        // The worker answers a close within milliseconds: by then CloseAsync would have returned without the wait. (A
        // slower answer only makes this check pass for the wrong reason, never fail.)
        await Task.WhenAny(closing, Task.Delay(300));
        bool returnedWhileHeld = closing.IsCompleted;
        release.Set();
        await closing.WaitAsync(Timeout);
        log.Enqueue("CloseAsync returned");
        await holder.WaitAsync(Timeout);

        Assert.False(returnedWhileHeld, "CloseAsync returned while the transport's Closed completion waited in the queue");
        Assert.Equal(["Closed completed", "CloseAsync returned"], log);
    }

    [Fact]
    public async Task CloseAsyncFromASubscriberDoesNotWaitForItself()
    {
        // Called inside a delivery of the same queue, the close's own completions run after that delivery: waiting for
        // them there would wait forever (no watchdog here).
        var transport = await _router.CreateDirectTransportAsync();
        var other = await _router.CreateDirectTransportAsync();
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var closed = transport.Closed.Subscribe(_ => { }, () => { });
        using var trigger = other.Closed.Subscribe(_ => done.TrySetResult(transport.CloseAsync().Wait(Timeout)));
        await other.CloseAsync();
        Assert.True(await done.Task.WaitAsync(Timeout), "CloseAsync().Wait() inside a subscriber returned");
        Assert.True(transport.IsClosed);
    }
}
