using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxMediasoup.Samples.Media;

namespace RxMediasoup.Samples.Broadcast;

/// <summary>What ffmpeg plays and how it encodes it.</summary>
public sealed record BroadcastOptions
{
    /// <summary>A media file (any container/codec ffmpeg reads); null plays a test pattern and a tone.</summary>
    public string? Input { get; init; }

    /// <summary>Start the file again at its end (default true); false ends the broadcast with the file.</summary>
    public bool Loop { get; init; } = true;

    /// <summary>The video is scaled to fit this box (default 640×360), keeping its aspect ratio.</summary>
    public int Width { get; init; } = 640;

    /// <inheritdoc cref="Width"/>
    public int Height { get; init; } = 360;

    /// <summary>VP8 target bitrate in kbit/s (default 800).</summary>
    public int VideoBitrateKbps { get; init; } = 800;

    /// <summary>Opus bitrate in kbit/s (default 64).</summary>
    public int AudioBitrateKbps { get; init; } = 64;

    /// <summary>The address the two plain transports listen on and ffmpeg sends to (default 127.0.0.1).</summary>
    public string ListenIp { get; init; } = "127.0.0.1";

    internal void Validate()
    {
        if (Input is not null && !File.Exists(Input))
            throw new ArgumentException($"BroadcastOptions.Input: no file '{Input}'", nameof(Input));
        if (Width < 16 || Width % 2 != 0) throw new ArgumentException($"BroadcastOptions.Width: {Width} must be even and >= 16", nameof(Width));
        if (Height < 16 || Height % 2 != 0) throw new ArgumentException($"BroadcastOptions.Height: {Height} must be even and >= 16", nameof(Height));
        if (VideoBitrateKbps <= 0) throw new ArgumentException($"BroadcastOptions.VideoBitrateKbps: {VideoBitrateKbps} must be > 0", nameof(VideoBitrateKbps));
        if (AudioBitrateKbps <= 0) throw new ArgumentException($"BroadcastOptions.AudioBitrateKbps: {AudioBitrateKbps} must be > 0", nameof(AudioBitrateKbps));
    }
}

/// <summary>A live broadcast: its two producers (ffmpeg's VP8 and Opus) and ffmpeg's process id.</summary>
public sealed record BroadcastSession(Producer Video, Producer Audio, int FfmpegPid);

/// <summary>
/// ffmpeg plays a file (or a test pattern) into two comedia <see cref="PlainTransport"/>s, one per kind: each transport
/// learns ffmpeg's address from its first RTP packet, so ffmpeg needs no answer from the server. ffmpeg sends no RTCP
/// (<c>-rtpflags skip_rtcp</c>: its sender reports come from a second socket that a comedia transport would latch
/// instead) and cannot act on key-frame requests, so it encodes a key frame every second: a consumer that joins
/// decodes within a second.
/// </summary>
public static class FfmpegBroadcast
{
    /// <summary>VP8 payload type and SSRC ffmpeg stamps on its video packets.</summary>
    public const int VideoPayloadType = 101;
    public const uint VideoSsrc = 22220001;
    /// <summary>Opus payload type and SSRC ffmpeg stamps on its audio packets.</summary>
    public const int AudioPayloadType = 100;
    public const uint AudioSsrc = 22220002;

    /// <summary>
    /// The broadcast while the subscription lives, as one Rx composition of the library's <c>Using…</c> lifetimes:
    /// a plain transport and a producer per kind, then ffmpeg. Disposing the subscription stops ffmpeg and closes the
    /// transports (and so the producers and every consumer of them). Fails if ffmpeg fails; completes if a
    /// non-looping file ends.
    /// </summary>
    public static IObservable<BroadcastSession> Using(Router router, BroadcastOptions options)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var listen = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = options.ListenIp };
        var plain = new PlainTransportOptions { ListenInfo = listen, Comedia = true, RtcpMux = true };
        var running =
            from videoTransport in router.UsingPlainTransport(plain)
            from video in videoTransport.UsingProducer(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = VideoParameters })
            from audioTransport in router.UsingPlainTransport(plain)
            from audio in audioTransport.UsingProducer(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = AudioParameters })
            from ffmpeg in FfmpegProcess.Using(Arguments(options,
                videoTransport.Tuple.Value.LocalPort, audioTransport.Tuple.Value.LocalPort), grace: TimeSpan.Zero)
            select (Session: new BroadcastSession(video, audio, ffmpeg.Pid), ffmpeg.Exited);
        // The transports' lifetimes never end by themselves: end the whole composition (so close them) when ffmpeg does.
        return running.Publish(sessions => sessions
            .TakeUntil(sessions.SelectMany(s => s.Exited.ToObservable()))
            .Select(s => s.Session));
    }

    /// <summary>The RTP parameters of ffmpeg's VP8 stream.</summary>
    public static RtpParameters VideoParameters => new()
    {
        Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = VideoPayloadType, ClockRate = 90000 }],
        Encodings = [new RtpEncodingParameters { Ssrc = VideoSsrc }],
        Rtcp = new RtcpParameters { Cname = "ffmpeg-broadcast" },
    };

    /// <summary>The RTP parameters of ffmpeg's Opus stream.</summary>
    public static RtpParameters AudioParameters => new()
    {
        Codecs = [new RtpCodecParameters
        {
            MimeType = "audio/opus", PayloadType = AudioPayloadType, ClockRate = 48000, Channels = 2,
            Parameters = new Dictionary<string, RtpParameterValue> { ["sprop-stereo"] = 1 },
        }],
        Encodings = [new RtpEncodingParameters { Ssrc = AudioSsrc }],
        Rtcp = new RtcpParameters { Cname = "ffmpeg-broadcast" },
    };

    /// <summary>ffmpeg's command line: read in real time (<c>-re</c>), encode VP8 + Opus, send RTP to the two ports.</summary>
    public static IReadOnlyList<string> Arguments(BroadcastOptions options, int videoPort, int audioPort)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "error", "-nostats" };
        string videoMap, audioMap;
        if (options.Input is null)
        {
            args.AddRange(["-re", "-f", "lavfi", "-i", $"testsrc2=size={options.Width}x{options.Height}:rate=30"]);
            args.AddRange(["-re", "-f", "lavfi", "-i", "sine=frequency=440:beep_factor=4:sample_rate=48000"]);
            (videoMap, audioMap) = ("0:v:0", "1:a:0");
        }
        else
        {
            if (options.Loop) args.AddRange(["-stream_loop", "-1"]);
            args.AddRange(["-re", "-i", options.Input]);
            (videoMap, audioMap) = ("0:v:0", "0:a:0?");
        }
        string scale = $"scale=w={options.Width}:h={options.Height}:force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,fps=30";
        args.AddRange(
        [
            "-map", videoMap, "-vf", scale, "-pix_fmt", "yuv420p",
            "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-threads", "1",
            "-b:v", Kbps(options.VideoBitrateKbps), "-g", "30", "-keyint_min", "30", "-error-resilient", "1",
            "-ssrc", Num(VideoSsrc), "-payload_type", Num(VideoPayloadType), "-rtpflags", "skip_rtcp",
            "-f", "rtp", $"rtp://{options.ListenIp}:{Num(videoPort)}?pkt_size=1200",
            "-map", audioMap, "-c:a", "libopus", "-ar", "48000", "-ac", "2", "-b:a", Kbps(options.AudioBitrateKbps),
            "-ssrc", Num(AudioSsrc), "-payload_type", Num(AudioPayloadType), "-rtpflags", "skip_rtcp",
            "-f", "rtp", $"rtp://{options.ListenIp}:{Num(audioPort)}?pkt_size=1200",
        ]);
        return args;
    }

    private static string Kbps(int kbps) => kbps.ToString(CultureInfo.InvariantCulture) + "k";
    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);
}
