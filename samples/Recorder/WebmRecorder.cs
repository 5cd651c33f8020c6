using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxMediasoup.Samples.Media;

namespace RxMediasoup.Samples.Recorder;

/// <summary>Where and how to record.</summary>
public sealed record RecorderOptions
{
    /// <summary>The .webm file to write (overwritten).</summary>
    public required string OutputPath { get; init; }

    /// <summary>The loopback address the plain transport and ffmpeg use (default 127.0.0.1).</summary>
    public string Ip { get; init; } = "127.0.0.1";

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputPath))
            throw new ArgumentException("RecorderOptions.OutputPath: required", nameof(OutputPath));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(OutputPath));
        if (dir is not null && !Directory.Exists(dir))
            throw new ArgumentException($"RecorderOptions.OutputPath: no directory '{dir}'", nameof(OutputPath));
        if (!System.Net.IPAddress.TryParse(Ip, out _))
            throw new ArgumentException($"RecorderOptions.Ip: '{Ip}' is not an IP address", nameof(Ip));
    }
}

/// <summary>A recording in progress: its consumer, file, and when the first packet went to ffmpeg.</summary>
public sealed class Recording
{
    private readonly FfmpegProcess _ffmpeg;

    internal Recording(Consumer consumer, string outputPath, FfmpegProcess ffmpeg, IObservable<DateTimeOffset> firstPacket)
    {
        Consumer = consumer;
        OutputPath = outputPath;
        _ffmpeg = ffmpeg;
        FirstPacket = firstPacket;
    }

    /// <summary>The consumer of the recorded producer, on the recorder's plain transport.</summary>
    public Consumer Consumer { get; }

    /// <summary>The .webm file ffmpeg writes.</summary>
    public string OutputPath { get; }

    /// <summary>ffmpeg's process id.</summary>
    public int FfmpegPid => _ffmpeg.Pid;

    /// <summary>Emits (then completes) the time the consumer sent its first packet: when the recording really starts.</summary>
    public IObservable<DateTimeOffset> FirstPacket { get; }

    /// <summary>Frames ffmpeg has written so far (its progress report, about twice a second).</summary>
    public long FramesWritten => _ffmpeg.Frames;

    /// <summary>Completes with ffmpeg's exit code when it has exited.</summary>
    internal Task<int> Exited => _ffmpeg.Exited;

    /// <summary>Asks ffmpeg to finish the file (it writes the WebM cues and duration) and waits for it. Returns ffmpeg's exit code.</summary>
    public Task<int> StopAsync() => _ffmpeg.StopAsync(TimeSpan.FromSeconds(10));
}

/// <summary>
/// Records one producer into a .webm file: a <see cref="PlainTransport"/> consumer sends the producer's RTP to ffmpeg,
/// which reads it through an SDP file and copies it (no re-encoding) into WebM. VP8, VP9 and Opus fit WebM; the
/// consumer is created for the first of those the router has for the producer's kind.
/// </summary>
public static class WebmRecorder
{
    private static readonly string[] WebmCodecs = ["video/VP8", "video/VP9", "audio/opus"];

    /// <summary>
    /// Records <paramref name="producerId"/> while the subscription lives, one Rx composition: the plain transport
    /// (<c>UsingPlainTransport</c>), a paused consumer (<c>UsingConsumer</c>), ffmpeg listening on the SDP's ports, then
    /// connect + resume + key-frame request once ffmpeg listens (a video consumer forwards from a key frame on).
    /// Call <see cref="Recording.StopAsync"/> to finish the file (the stream then completes and the transport closes);
    /// disposing the subscription closes the transport and stops ffmpeg the same way (killing it after 5 s).
    /// </summary>
    public static IObservable<Recording> Using(Router router, string producerId, RecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentException.ThrowIfNullOrEmpty(producerId);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var producer = router.GetProducer(producerId)
            ?? throw new ArgumentException($"producerId: no producer '{producerId}' on router {router.Id}", nameof(producerId));
        var capabilities = WebmCapabilities(router.RtpCapabilities, producer.Kind)
            ?? throw new NotSupportedException($"producerId: the router has no {producer.Kind} codec that fits WebM ({string.Join(", ", WebmCodecs)})");
        if (!router.CanConsume(producerId, capabilities))
            throw new NotSupportedException($"producerId: producer '{producerId}' ({producer.RtpParameters.Codecs[0].MimeType}) does not fit WebM ({string.Join(", ", WebmCodecs)})");
        string outputPath = Path.GetFullPath(options.OutputPath);
        var transportOptions = new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = options.Ip },
            RtcpMux = false,
            Comedia = false,
        };
        var running =
            from transport in router.UsingPlainTransport(transportOptions)
            from consumer in transport.UsingConsumer(new ConsumerOptions { ProducerId = producerId, RtpCapabilities = capabilities, Paused = true })
            let port = RecordingSdp.FreeRtpPortPair(options.Ip)
            let sdpPath = WriteSdp(RecordingSdp.Create(options.Ip, port, consumer.RtpParameters.Codecs[0], consumer.Kind))
            from ffmpeg in FfmpegProcess.Using(Arguments(sdpPath, outputPath), grace: TimeSpan.FromSeconds(5))
            from _ in Observable.FromAsync(ct => StartSendingAsync(transport, consumer, options.Ip, port, sdpPath, ct))
            let firstPacket = FirstPacketAt(consumer)
            select new Recording(consumer, outputPath, ffmpeg, firstPacket);
        // Ends (closing the transport) when ffmpeg ends by itself: after StopAsync, or a signal.
        return running.Publish(recordings => recordings.TakeUntil(recordings.SelectMany(r => r.Exited.ToObservable())));
    }

    /// <summary>ffmpeg reads the SDP (RTP over UDP), copies the stream and writes WebM; <c>-progress</c> reports frames.</summary>
    public static IReadOnlyList<string> Arguments(string sdpPath, string outputPath) =>
    [
        "-hide_banner", "-loglevel", "error", "-nostats", "-y",
        "-protocol_whitelist", "file,udp,rtp", "-reorder_queue_size", "100",
        "-i", sdpPath,
        "-map", "0", "-c", "copy", "-f", "webm", "-progress", "pipe:1", outputPath,
    ];

    /// <summary>The router's WebM codec for <paramref name="kind"/>, without RTX, feedback or header extensions (ffmpeg uses none).</summary>
    public static RtpCapabilities? WebmCapabilities(RtpCapabilities router, MediaKind kind)
    {
        var codec = router.Codecs.FirstOrDefault(c => c.Kind == kind && WebmCodecs.Contains(c.MimeType, StringComparer.OrdinalIgnoreCase));
        return codec is null ? null : new RtpCapabilities { Codecs = [codec with { RtcpFeedback = [] }], HeaderExtensions = [] };
    }

    private static string WriteSdp(string sdp)
    {
        string path = Path.Combine(Path.GetTempPath(), $"rxmediasoup-recorder-{Guid.NewGuid():N}.sdp");
        File.WriteAllText(path, sdp);
        return path;
    }

    private static async Task StartSendingAsync(PlainTransport transport, Consumer consumer, string ip, int port, string sdpPath, CancellationToken ct)
    {
        // ffmpeg opens its sockets while it reads the SDP; packets sent earlier would be lost (key frame included).
        try
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (!RecordingSdp.IsUdpPortBound(port) && DateTime.UtcNow < until) await Task.Delay(50, ct);
        }
        finally
        {
            File.Delete(sdpPath); // read by now (or the recording was cancelled)
        }
        await transport.ConnectAsync(ip, port, rtcpPort: port + 1, cancellationToken: ct);
        await consumer.ResumeAsync(ct);
        if (consumer.Kind == MediaKind.Video) await consumer.RequestKeyFrameAsync(ct);
    }

    /// <summary>The first stats poll (every 100 ms) that shows a packet sent: replayed to every subscriber.</summary>
    private static IObservable<DateTimeOffset> FirstPacketAt(Consumer consumer)
    {
        var first = consumer.PollStats(TimeSpan.FromMilliseconds(100))
            .Where(stats => stats.Any(s => s.Type == RtpStreamStatsType.OutboundRtp && s.PacketCount > 0))
            .Select(_ => DateTimeOffset.UtcNow)
            .Take(1)
            .Replay(1);
        first.Connect();
        return first;
    }
}
