using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Google.FlatBuffers;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Reactive;

/// <summary>
/// Issue 7, section 4, against a real worker: a subscriber can't wedge the channel, and the three delivery guarantees
/// hold under concurrent commands and notifications. Notifications are fed either by the real worker (trace events of
/// RTP sent through a direct transport) or through the producer's notification sink from a thread marked like the
/// channel's reader (it never runs deliveries).
/// </summary>
public sealed class DeliveryGuaranteeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly CapturingLoggerFactory _logs = new();
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings
        {
            LoggerFactory = _logs,
            DeliveryWarningThreshold = TimeSpan.FromMilliseconds(200),
        });
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ProducerMediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private async Task<Producer> WebRtcProducerAsync()
    {
        var transport = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        return await transport.ProduceAsync(ProducerVideoOptions);
    }

    private async Task<DirectProducer> DirectProducerAsync()
    {
        var transport = await _router.CreateDirectTransportAsync();
        var producer = (DirectProducer)await transport.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = new RtpParameters
            {
                Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
                Encodings = [new() { Ssrc = 1111 }],
            },
        });
        await producer.EnableTraceEventAsync([ProducerTraceEventType.Rtp]);
        return producer;
    }

    private static byte[] RtpPacket(int sequence)
    {
        var packet = new byte[12 + 20];
        packet[0] = 0x80;
        packet[1] = 100;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(960 * sequence));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 1111);
        return packet;
    }

    /// <summary>Feeds PRODUCER_SCORE notifications as the channel's reader would (from a thread that never drains).</summary>
    private static Thread FeedScores(Producer producer, IEnumerable<int> scores)
    {
        var thread = new Thread(() =>
        {
            DeliveryQueue.NeverDrainHere();
            var b = new FlatBufferBuilder(256);
            foreach (int score in scores)
            {
                var s0 = FBS.Producer.Score.CreateScore(b, 0, (uint)(1000 + score), default, (byte)(score % 11));
                var vector = FBS.Producer.ScoreNotification.CreateScoresVector(b, [s0]);
                WebRtcTransportTests.Notify(producer.NotificationSink, producer.Id, b, FBS.Notification.Event.PRODUCER_SCORE,
                    FBS.Notification.Body.Producer_ScoreNotification, FBS.Producer.ScoreNotification.CreateScoreNotification(b, vector).Value);
            }
        }) { IsBackground = true };
        thread.Start();
        return thread;
    }

    [Fact]
    public async Task PauseWaitInsideOnNextOfARealWorkerNotificationReturnsWithinOneSecond()
    {
        var producer = await DirectProducerAsync();
        var waited = new TaskCompletionSource<(TimeSpan Elapsed, bool Completed, bool PausedAfter)>(TaskCreationOptions.RunContinuationsAsynchronously);
        int first = 0;
        using var sub = producer.Trace.Subscribe(_ =>
        {
            if (Interlocked.Exchange(ref first, 1) != 0) return;
            var clock = Stopwatch.StartNew();
            // What Rx users do: a blocking wait for a command, inside OnNext of a notification read by the channel.
            bool completed = producer.PauseAsync().Wait(TimeSpan.FromSeconds(5));
            waited.TrySetResult((clock.Elapsed, completed, producer.Paused.Value));
        });
        producer.Send(RtpPacket(1));
        var (elapsed, completed, pausedAfter) = await waited.Task.WaitAsync(Timeout);
        Assert.True(completed);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"PauseAsync().Wait() inside OnNext took {elapsed}");
        Assert.True(pausedAfter);
        Assert.True(producer.Paused.Value);
    }

    [Fact]
    public async Task PauseWaitInsideOnNextOfAScoreReturnsWithinOneSecond()
    {
        var producer = await WebRtcProducerAsync();
        var waited = new TaskCompletionSource<(TimeSpan Elapsed, bool Completed)>(TaskCreationOptions.RunContinuationsAsynchronously);
        int first = 0;
        using var sub = producer.Score.Subscribe(scores =>
        {
            if (scores.Count == 0 || Interlocked.Exchange(ref first, 1) != 0) return;
            var clock = Stopwatch.StartNew();
            bool completed = producer.PauseAsync().Wait(TimeSpan.FromSeconds(5));
            completed &= producer.ResumeAsync().Wait(TimeSpan.FromSeconds(5));
            waited.TrySetResult((clock.Elapsed, completed));
        });
        FeedScores(producer, [3, 4, 5]);
        var (elapsed, completed) = await waited.Task.WaitAsync(Timeout);
        Assert.True(completed);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"two commands waited inside OnNext took {elapsed}");
        Assert.False(producer.Paused.Value);
    }

    [Fact]
    public async Task AnEntitysNotificationsReachSubscribersInWorkerOrderWhileCommandsRun()
    {
        const int N = 2000;
        var producer = await WebRtcProducerAsync();
        var seen = new ConcurrentQueue<uint>();
        using var sub = producer.Score.Subscribe(scores => { if (scores.Count > 0) seen.Enqueue(scores[0].Ssrc); });
        using var stop = new CancellationTokenSource();
        var commands = Task.Run(async () =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                await producer.PauseAsync();
                await producer.ResumeAsync();
                if (++n % 10 == 0) await producer.GetStatsAsync();
            }
            return n;
        });
        var feeder = FeedScores(producer, Enumerable.Range(0, N));
        Assert.True(feeder.Join(Timeout));
        Assert.True(SpinWait.SpinUntil(() => seen.Count == N, Timeout), $"{seen.Count} of {N} delivered");
        stop.Cancel();
        Assert.True(await commands > 0);
        Assert.Equal(Enumerable.Range(0, N).Select(i => (uint)(1000 + i)), seen);
        // The real worker's notifications too: trace events of RTP packets, in the order they were sent.
        var direct = await DirectProducerAsync();
        var sequences = new ConcurrentQueue<int>();
        using var trace = direct.Trace.Subscribe(e => sequences.Enqueue(((RtpTraceInfo)e.Info!).RtpPacket.SequenceNumber));
        // Commands run meanwhile (not pause: a paused producer reports no trace event, so pausing would drop some).
        var querying = Task.Run(async () => { for (int i = 0; i < 20; i++) await direct.GetStatsAsync(); });
        for (int i = 0; i < 200; i++) direct.Send(RtpPacket(i + 1));
        await querying;
        Assert.True(SpinWait.SpinUntil(() => sequences.Count == 200, Timeout), $"{sequences.Count} of 200 trace events");
        Assert.Equal(Enumerable.Range(1, 200), sequences);
    }

    [Fact]
    public async Task ACommandsStateIsAppliedBeforeLaterNotificationsAndBeforeItsAwaiterResumes()
    {
        var producer = await DirectProducerAsync();
        var log = new ConcurrentQueue<string>();
        bool lastPausedSeen = false;
        using var paused = producer.Paused.Subscribe(p =>
        {
            Thread.Sleep(5); // a subscriber that takes a little time: the awaiter must still wait for it
            Volatile.Write(ref lastPausedSeen, p);
            log.Enqueue($"paused:{p}");
        });
        // Paused.Value is not read here: it changes as the worker's answer is read, ahead of notifications still being
        // delivered (the guarantee is about what subscribers see, in order).
        using var trace = producer.Trace.Subscribe(_ => log.Enqueue("trace"));
        for (int i = 0; i < 20; i++)
        {
            bool target = i % 2 == 0;
            var command = target ? producer.PauseAsync() : producer.ResumeAsync();
            // Sent after the request: the worker answers the command before it reports this packet's trace event
            // (a paused producer reports none).
            producer.Send(RtpPacket(i + 1));
            await command;
            Assert.Equal(target, producer.Paused.Value);
            Assert.Equal(target, Volatile.Read(ref lastPausedSeen));
        }
        // A paused producer emits no trace event: the 10 packets sent right after a resume each give one.
        Assert.True(SpinWait.SpinUntil(() => log.Count(l => l.StartsWith("trace", StringComparison.Ordinal)) == 10, Timeout));
        await Task.Delay(50);
        // Each trace event came after its command's state was delivered (the last paused entry before it is the resume).
        var entries = log.ToArray();
        int pausedCount = 0;
        string? lastPaused = null;
        foreach (var entry in entries)
        {
            if (entry.StartsWith("paused", StringComparison.Ordinal))
            {
                pausedCount++;
                lastPaused = entry;
                continue;
            }
            Assert.Equal("trace", entry);
            Assert.Equal("paused:False", lastPaused);
            Assert.True(pausedCount >= 3 && pausedCount % 2 == 1, $"a trace event after {pausedCount} paused deliveries");
        }
        Assert.Equal(10, entries.Count(e => e.StartsWith("trace", StringComparison.Ordinal)));
        Assert.Equal(21, pausedCount); // the replayed false, then 20 changes
    }

    [Fact]
    public async Task ClosedIsTheLastThingAnEntitysStreamsDeliver()
    {
        for (int round = 0; round < 10; round++)
        {
            var transport = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
            var producer = await transport.ProduceAsync(ProducerVideoOptions);
            var log = new ConcurrentQueue<string>();
            var subs = new List<IDisposable>
            {
                producer.Paused.Subscribe(_ => log.Enqueue("Paused.next"), () => log.Enqueue("Paused.completed")),
                producer.Score.Subscribe(_ => log.Enqueue("Score.next"), () => log.Enqueue("Score.completed")),
                producer.VideoOrientation.Subscribe(_ => log.Enqueue("VideoOrientation.next"), () => log.Enqueue("VideoOrientation.completed")),
                producer.Trace.Subscribe(_ => log.Enqueue("Trace.next"), () => log.Enqueue("Trace.completed")),
                producer.Closed.Subscribe(_ => log.Enqueue("Closed.next"), () => log.Enqueue("Closed.completed")),
            };
            var feeder = FeedScores(producer, Enumerable.Range(0, 300));
            var commands = Task.Run(async () =>
            {
                try { while (true) { await producer.PauseAsync(); await producer.ResumeAsync(); } }
                catch (NotFoundException) { }
            });
            await Task.Delay(round % 3);
            await Task.WhenAll(
                Task.Run(() => transport.CloseAsync()),
                Task.Run(() => producer.CloseAsync()),
                Task.Run(() => transport.CloseAsync()));
            Assert.True(feeder.Join(Timeout));
            await commands.WaitAsync(Timeout);
            Assert.True(SpinWait.SpinUntil(() => log.Contains("Closed.completed"), Timeout));
            await Task.Delay(20);
            var entries = log.ToArray();
            int closed = Array.IndexOf(entries, "Closed.next");
            Assert.True(closed >= 0);
            foreach (var stream in new[] { "Paused", "Score", "VideoOrientation", "Trace" })
            {
                int completed = Array.IndexOf(entries, $"{stream}.completed");
                Assert.True(completed >= 0 && completed < closed, $"{stream} completed at {completed}, Closed at {closed}");
            }
            Assert.Equal(["Closed.next", "Closed.completed"], entries[closed..]);
            foreach (var s in subs) s.Dispose();
        }
    }

    [Fact]
    public async Task TheWatchdogLogsAWarningNamingTheStreamThatHoldsDelivery()
    {
        var producer = await WebRtcProducerAsync();
        using var sub = producer.Score.Subscribe(scores => { if (scores.Count > 0) Thread.Sleep(1500); });
        FeedScores(producer, [7]);
        // Polled with awaits, not SpinWait: the watchdog's timer runs on the thread pool, and on a 2-core machine a
        // spinning test thread plus the sleeping subscriber are the pool's two threads.
        var deadline = DateTime.UtcNow + Timeout;
        while (!_logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("Producer.Score")) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(_logs.Entries.Any(e => e.Level == LogLevel.Warning && e.Message.Contains("Producer.Score")),
            $"no watchdog warning naming Producer.Score; logged: {string.Join(" | ", _logs.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => e.Message).Take(10))}");
        // Commands are not wedged meanwhile.
        await producer.GetStatsAsync().WaitAsync(Timeout);
    }
}
