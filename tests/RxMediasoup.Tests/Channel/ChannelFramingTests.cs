using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using Method = FBS.Request.Method;
using Event = FBS.Notification.Event;

namespace RxMediasoup.Tests.Channel;

/// <summary>Unit tests of the channel's framing, correlation, error mapping and dispatch, over a scripted peer.</summary>
public class ChannelFramingTests
{
    private static Task<bool> Request(WorkerChannel channel, Method method = Method.WORKER_DUMP, CancellationToken ct = default)
        => channel.RequestAsync(method, null, ProtocolHelpers.Accepted, ct);

    [Fact]
    public async Task ResponsesSplitByteByByteOrCoalescedAreAllCorrelatedById()
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        var requests = Enumerable.Range(0, 20).Select(_ => Request(worker.Channel)).ToArray();
        var ids = new List<uint>();
        for (int i = 0; i < requests.Length; i++) ids.Add((await worker.ReadRequestAsync()).Id);
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // First ten answered in reverse order, one byte per send; the other ten coalesced in one send.
        foreach (var id in ids.Take(10).Reverse())
            foreach (var b in ScriptedWorker.Response(id, accepted: true))
                await worker.SendAsync([b]);
        await worker.SendAsync(ids.Skip(10).SelectMany(id => ScriptedWorker.Response(id, true)).ToArray());

        var results = await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(results, Assert.True);
        Assert.Equal(0, worker.Channel.PendingCount);
    }

    [Theory]
    [InlineData("TypeError", typeof(ArgumentException))]
    [InlineData("NotFoundError", typeof(NotFoundException))]
    [InlineData("Error", typeof(MediasoupException))]
    [InlineData("SomethingElse", typeof(MediasoupException))]
    public async Task ErrorResponsesMapToTypedExceptionsCarryingTheWorkersReason(string error, Type expected)
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        var request = Request(worker.Channel);
        var (id, _, _) = await worker.ReadRequestAsync();
        await worker.SendAsync(ScriptedWorker.Response(id, accepted: false, error, "the worker's reason"));
        var e = await Assert.ThrowsAnyAsync<Exception>(() => request);
        Assert.Equal(expected, e.GetType());
        Assert.Equal("the worker's reason", e.Message);
    }

    [Fact]
    public async Task AnOversizeIncomingLengthIsAProtocolFaultThatFailsPendingRequestsAtOnce()
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        var request = Request(worker.Channel);
        await worker.ReadRequestAsync();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(header, WorkerChannel.PayloadMaxLength + 1);
        await worker.SendAsync(header);

        await Assert.ThrowsAsync<WorkerClosedException>(() => request.WaitAsync(TimeSpan.FromSeconds(1)));
        var cause = await worker.Channel.Closed.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.IsType<InvalidDataException>(cause);
        Assert.Contains("protocol fault", cause!.Message);
        await Assert.ThrowsAsync<WorkerClosedException>(() => Request(worker.Channel));
        Assert.Throws<WorkerClosedException>(() => worker.Channel.Notify(Event.WORKER_CLOSE, null));
    }

    [Fact]
    public async Task AMessageExactlyAtTheLimitIsAccepted()
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        var request = Request(worker.Channel);
        var (id, _, _) = await worker.ReadRequestAsync();
        // Pad the reason so the frame is exactly MessageMaxLength bytes, size prefix included.
        int overhead = ScriptedWorker.Response(id, false, "Error", "").Length;
        var frame = ScriptedWorker.Response(id, false, "Error", new string('r', WorkerChannel.MessageMaxLength - overhead));
        Assert.InRange(frame.Length, WorkerChannel.MessageMaxLength - 8, WorkerChannel.MessageMaxLength);
        await worker.SendAsync(frame);
        var e = await Assert.ThrowsAsync<MediasoupException>(() => request.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("rrrr", e.Message);
        Assert.False(worker.Channel.IsClosed);
    }

    [Fact]
    public async Task EofFailsEveryPendingRequestWithWorkerClosed()
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        var requests = Enumerable.Range(0, 100).Select(_ => Request(worker.Channel)).ToArray();
        for (int i = 0; i < requests.Length; i++) await worker.ReadRequestAsync();
        worker.Peer.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        foreach (var r in requests)
            await Assert.ThrowsAsync<WorkerClosedException>(() => r.WaitAsync(TimeSpan.FromSeconds(1)));
        Assert.IsType<EndOfStreamException>(await worker.Channel.Closed);
    }

    [Fact]
    public async Task NotificationsReachTheirHandlerInOrderAndAThrowingHandlerDoesNotBreakTheLoop()
    {
        using var worker = new ScriptedWorker();
        var seen = new List<(string, Event)>();
        var done = new TaskCompletionSource();
        worker.Channel.RegisterHandler("a", new Sink(e =>
        {
            seen.Add(("a", e));
            if (e == Event.PRODUCER_SCORE) throw new InvalidOperationException("subscriber bug");
        }));
        worker.Channel.RegisterHandler("b", new Sink(e => { seen.Add(("b", e)); if (e == Event.CONSUMER_SCORE) done.TrySetResult(); }));
        Assert.Throws<InvalidOperationException>(() => worker.Channel.RegisterHandler("a", new Sink(_ => { })));
        Assert.Equal(2, worker.Channel.HandlerCount);
        worker.Channel.Start();

        await worker.SendAsync([
            .. ScriptedWorker.Notification("a", Event.PRODUCER_SCORE),
            .. ScriptedWorker.Notification("unknown", Event.PRODUCER_TRACE),
            .. ScriptedWorker.Notification("b", Event.CONSUMER_LAYERS_CHANGE),
            .. ScriptedWorker.Notification("a", Event.PRODUCER_VIDEO_ORIENTATION_CHANGE),
            .. ScriptedWorker.Notification("b", Event.CONSUMER_SCORE),
        ]);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(
            [("a", Event.PRODUCER_SCORE), ("b", Event.CONSUMER_LAYERS_CHANGE), ("a", Event.PRODUCER_VIDEO_ORIENTATION_CHANGE), ("b", Event.CONSUMER_SCORE)],
            seen);

        worker.Channel.UnregisterHandler("a");
        worker.Channel.UnregisterHandler("b");
        Assert.Equal(0, worker.Channel.HandlerCount);
    }

    [Fact]
    public async Task WorkerLogsGoToILoggerWithTheirLevel()
    {
        var logs = new CapturingLoggerFactory();
        using var worker = new ScriptedWorker(logs);
        worker.Channel.Start();
        await worker.SendAsync([
            .. ScriptedWorker.Log("Dthe debug line"),
            .. ScriptedWorker.Log("Wthe warning line"),
            .. ScriptedWorker.Log("Ethe error line"),
            .. ScriptedWorker.Log("Xthe dump line"),
        ]);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (logs.Entries.Count(e => e.Category == "RxMediasoup.Worker") < 4 && DateTime.UtcNow < deadline) await Task.Delay(10);
        var worker4242 = logs.Entries.Where(e => e.Category == "RxMediasoup.Worker").Select(e => (e.Level, e.Message)).ToList();
        Assert.Equal(
            [(LogLevel.Debug, "worker[pid:4242] the debug line"), (LogLevel.Warning, "worker[pid:4242] the warning line"),
             (LogLevel.Error, "worker[pid:4242] the error line"), (LogLevel.Information, "worker[pid:4242] the dump line")],
            worker4242);
    }

    [Fact]
    public async Task ALateResponseToACancelledRequestIsIgnored()
    {
        using var worker = new ScriptedWorker();
        worker.Channel.Start();
        using var cts = new CancellationTokenSource();
        var cancelled = Request(worker.Channel, ct: cts.Token);
        var (id1, _, _) = await worker.ReadRequestAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(0, worker.Channel.PendingCount);

        var next = Request(worker.Channel);
        var (id2, _, _) = await worker.ReadRequestAsync();
        await worker.SendAsync([.. ScriptedWorker.Response(id1, true), .. ScriptedWorker.Response(id2, true)]);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RequestsWithoutAnswerTimeOut()
    {
        using var worker = new ScriptedWorker(requestTimeout: TimeSpan.FromMilliseconds(100));
        worker.Channel.Start();
        var e = await Assert.ThrowsAsync<TimeoutException>(() => Request(worker.Channel).WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("WORKER_DUMP", e.Message);
        Assert.Equal(0, worker.Channel.PendingCount);
    }

    [Fact]
    public async Task LateNotificationsForAClosedEntityAreDroppedSilentlyAndUnknownOnesLoggedAtDebug()
    {
        var logs = new CapturingLoggerFactory();
        using var worker = new ScriptedWorker(logs);
        var done = new TaskCompletionSource();
        worker.Channel.RegisterHandler("closed", new Sink(_ => { }));
        worker.Channel.RegisterHandler("marker", new Sink(_ => done.TrySetResult()));
        worker.Channel.UnregisterHandler("closed");
        worker.Channel.Start();

        await worker.SendAsync([
            .. ScriptedWorker.Notification("closed", Event.PRODUCER_SCORE),
            .. ScriptedWorker.Notification("never-registered", Event.PRODUCER_TRACE),
            .. ScriptedWorker.Notification("marker", Event.CONSUMER_SCORE),
        ]);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var unknown = logs.Entries.Where(e => e.Message.Contains("unknown handler", StringComparison.Ordinal)).ToArray();
        // Only the id that was never registered is logged, and only at Debug.
        Assert.Single(unknown);
        Assert.Contains("never-registered", unknown[0].Message);
        Assert.Equal(LogLevel.Debug, unknown[0].Level);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains("closed", StringComparison.Ordinal) && e.Level > LogLevel.Trace
            && e.Message.Contains("handler", StringComparison.Ordinal));
        worker.Channel.UnregisterHandler("marker");
    }

    private sealed class Sink(Action<Event> onEvent) : INotificationSink
    {
        public void OnNotification(Event @event, in FBS.Notification.Notification notification) => onEvent(@event);
    }
}
