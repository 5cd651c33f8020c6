using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;
using Google.FlatBuffers;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup;
using RxMediasoup.Channel;
using RxMediasoup.Channel.Native;

/// <summary>
/// Issue 4's notification-delivery benchmark: notifications per second from the worker to one subscriber, and
/// allocations from socket bytes to OnNext.
///
///   dotnet RxMediasoup.Benchmarks.dll notifications [--count 200000] [--payload 160] [--telemetry none|meters|otel-metrics|…]
///
/// Two measurements, one JSON line each:
/// - "worker": a real worker. Opus RTP sent with Producer.Send on a DirectTransport comes back as CONSUMER_RTP
///   notifications to one Consumer.Rtp subscriber (sender flow-controlled to at most 2,000 packets ahead). The
///   allocation figure is the whole process's (the send path included), so it is an upper bound.
/// - "library": no worker. A socket peer writes prebuilt CONSUMER_RTP frames as fast as it can into the channel,
///   and the production Consumer notification dispatcher delivers them to one subscriber: exactly the receive path.
/// Allocations come from GC.GetTotalAllocatedBytes(precise: true) over the measured window; the RTP payload array
/// handed to the subscriber (payload + 24 bytes of array header on x64) is reported separately, so
/// "other_bytes_per_notification" ≈ 0 means one allocation per notification: the payload itself.
/// </summary>
internal static class NotificationBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int count = 200_000, payload = 160;
        string telemetry = "none";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--count") count = int.Parse(args[i + 1]);
            else if (args[i] == "--payload") payload = int.Parse(args[i + 1]);
            else if (args[i] == "--telemetry") telemetry = args[i + 1];
            else { Console.Error.WriteLine($"unknown option {args[i]}"); return 2; }
        }
        using var listener = TelemetryModes.Attach(telemetry); // rxmediasoup.notifications.delivered is counted per packet
        await WorkerRoundTripAsync(Math.Min(count, 20_000), payload, warmup: true);
        Print(await WorkerRoundTripAsync(count, payload, warmup: false));
        await LibraryOnlyAsync(Math.Min(count, 20_000), payload);
        Print(await LibraryOnlyAsync(count, payload));
        return 0;
    }

    private static void Print(object result) => Console.WriteLine(JsonSerializer.Serialize(result));

    private static byte[] RtpPacket(int payload, ushort seq, uint ssrc) => SuiteKit.RtpPacket(12 + payload, seq, ssrc);

    private static async Task<object> WorkerRoundTripAsync(int count, int payload, bool warmup)
    {
        await using var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Error });
        var router = await worker.CreateRouterAsync(new RouterOptions { MediaCodecs = [SuiteKit.Opus] });
        var transport = await router.CreateDirectTransportAsync();
        var producer = (DirectProducer)await transport.ProduceAsync(SuiteKit.AudioProducer(1111));
        var consumer = await transport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });
        long received = 0, receivedBytes = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = consumer.Rtp.Subscribe(p =>
        {
            receivedBytes += p.Length;
            if (++received == count) done.TrySetResult();
        });
        var packets = Enumerable.Range(0, 4096).Select(i => RtpPacket(payload, (ushort)i, 1111)).ToArray();

        GC.Collect();
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0);
        var stopwatch = Stopwatch.StartNew();
        for (int sent = 0; sent < count; sent++)
        {
            while (sent - Interlocked.Read(ref received) > 2000) await Task.Yield();
            var packet = packets[sent & 4095];
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)sent);
            producer.Send(packet);
        }
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        stopwatch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        long payloadArrays = received * (12 + payload + 24);
        return new
        {
            mode = "worker",
            warmup,
            notifications = received,
            seconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            notifications_per_second = Math.Round(received / stopwatch.Elapsed.TotalSeconds),
            bytes_per_notification = Math.Round((double)allocated / received, 1),
            payload_array_bytes = 12 + payload + 24,
            other_bytes_per_notification = Math.Round((double)(allocated - payloadArrays) / received, 1),
            gen0_collections = GC.CollectionCount(0) - gen0,
        };
    }

    private static unsafe (Socket Channel, Socket Peer) SocketPair()
    {
        int* fds = stackalloc int[2];
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds) != 0) throw new InvalidOperationException("socketpair");
        return (new Socket(new SafeSocketHandle((IntPtr)fds[0], true)), new Socket(new SafeSocketHandle((IntPtr)fds[1], true)));
    }

    private static byte[] RtpNotificationFrame(string handlerId, byte[] rtp)
    {
        var b = new FlatBufferBuilder(256);
        var data = FBS.Consumer.RtpNotification.CreateDataVector(b, rtp);
        var body = FBS.Consumer.RtpNotification.CreateRtpNotification(b, data);
        var n = FBS.Notification.Notification.CreateNotification(b, b.CreateString(handlerId), FBS.Notification.Event.CONSUMER_RTP,
            FBS.Notification.Body.Consumer_RtpNotification, body.Value);
        var m = FBS.Message.Message.CreateMessage(b, FBS.Message.Body.Notification, n.Value);
        b.FinishSizePrefixed(m.Value);
        return b.SizedByteArray();
    }

    private sealed class CountingSink(int count, TaskCompletionSource done) : INotificationSink
    {
        public long Received;
        public long Bytes;

        public void OnNotification(FBS.Notification.Event @event, in FBS.Notification.Notification notification)
        {
            // The production parse of the consumer's RTP notification: the one allocation, the payload copy.
            ReadOnlyMemory<byte> packet = RxMediasoup.Protocol.ConsumerProtocol.ParseRtpNotification(notification);
            Bytes += packet.Length;
            if (++Received == count) done.TrySetResult();
        }
    }

    private static async Task<object> LibraryOnlyAsync(int count, int payload)
    {
        var (channelSocket, peer) = SocketPair();
        var channel = new WorkerChannel(new SocketTransport(channelSocket), 0, NullLoggerFactory.Instance, null);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string handlerId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        var sink = new CountingSink(count, done);
        channel.RegisterHandler(handlerId, sink);
        var frame = RtpNotificationFrame(handlerId, RtpPacket(payload, 1, 1111));
        // 256 frames per write, like a busy worker's batched writes.
        var batch = Enumerable.Repeat(frame, 256).SelectMany(f => f).ToArray();
        int batches = (count + 255) / 256;

        GC.Collect();
        channel.Start();
        long allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen0 = GC.CollectionCount(0);
        var stopwatch = Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < batches; i++)
            {
                int sent = 0;
                while (sent < batch.Length) sent += await peer.SendAsync(batch.AsMemory(sent), SocketFlags.None);
            }
        });
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
        stopwatch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated0;
        await writer;
        channel.Close();
        peer.Dispose();
        long received = sink.Received;
        long payloadArrays = received * (12 + payload + 24);
        return new
        {
            mode = "library",
            notifications = received,
            seconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            notifications_per_second = Math.Round(received / stopwatch.Elapsed.TotalSeconds),
            bytes_per_notification = Math.Round((double)allocated / received, 1),
            payload_array_bytes = 12 + payload + 24,
            other_bytes_per_notification = Math.Round((double)(allocated - payloadArrays) / received, 1),
            gen0_collections = GC.CollectionCount(0) - gen0,
        };
    }
}
