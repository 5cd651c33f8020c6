using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RxMediasoup.Tests.Media;

/// <summary>
/// Real opus RTP from Debian's ffmpeg, to a UDP port (a comedia <see cref="PlainTransport"/>), carrying the
/// <c>urn:ietf:params:rtp-hdrext:ssrc-audio-level</c> header extension (RFC 6464) that mediasoup's RTP observers read.
/// </summary>
/// <remarks>
/// <para>ffmpeg's RTP muxer cannot write that extension, so ffmpeg runs with two outputs of the same audio (a 440 Hz
/// sine through <c>volume=</c>, possibly varying in time): opus RTP to a loopback relay socket of this class, and the raw PCM (s16le, mono,
/// 48 kHz) on its stdout. The PCM is measured here in 20 ms frames (RMS in dBov, as RFC 6464 defines the level), and
/// the relay forwards every RTP packet from ffmpeg to the target with a one-byte header extension holding the latest
/// measured level — what a browser's RTP sender does. The relay's socket is the source of every packet, so the
/// transport's comedia tuple stays the same when ffmpeg is restarted with another volume (<see cref="RestartAsync"/>).</para>
/// <para>Needs <c>/usr/bin/ffmpeg</c> (Debian package <c>ffmpeg</c>, built with libopus). Dispose kills ffmpeg.</para>
/// </remarks>
internal sealed class FfmpegAudioSender : IAsyncDisposable
{
    private const int FrameBytes = 960 * 2; // 20 ms of mono s16le at 48 kHz.

    private readonly Socket _relay;
    private readonly IPEndPoint _target;
    private readonly uint _ssrc;
    private readonly int _payloadType;
    private readonly int _audioLevelExtensionId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _relayLoop;
    private Process? _ffmpeg;
    private Task? _pcmLoop;
    private int _level = 127;
    private long _packetsForwarded;
    private int _disposed;

    /// <summary>Starts the relay (not ffmpeg: see <see cref="Start"/>).</summary>
    /// <param name="targetPort">The UDP port on 127.0.0.1 to send RTP to.</param>
    /// <param name="ssrc">The SSRC ffmpeg writes.</param>
    /// <param name="payloadType">The payload type ffmpeg writes.</param>
    /// <param name="audioLevelExtensionId">The id of the ssrc-audio-level extension in the producer's RTP parameters (1..14).</param>
    public FfmpegAudioSender(int targetPort, uint ssrc, int payloadType = 100, int audioLevelExtensionId = 1)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _ssrc = ssrc;
        _payloadType = payloadType;
        _audioLevelExtensionId = audioLevelExtensionId;
        _relay = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _relay.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _relayLoop = Task.Run(RelayLoopAsync);
    }

    /// <summary>The path of the ffmpeg binary.</summary>
    public static string FfmpegPath => "/usr/bin/ffmpeg";

    /// <summary>The latest measured level, as RFC 6464 encodes it: 0 (0 dBov, loudest) to 127 (-127 dBov, silence).</summary>
    public int Level => Volatile.Read(ref _level);

    /// <summary>RTP packets forwarded to the target so far.</summary>
    public long PacketsForwarded => Interlocked.Read(ref _packetsForwarded);

    /// <summary>
    /// A speech-like volume expression for <see cref="Start"/>: 300 ms at ffmpeg's sine amplitude (1/8, about -21 dBov),
    /// then 200 ms at -81 dBov, repeated. mediasoup's dominant speaker detection treats a speaker's lowest level as its
    /// noise floor, so a constant tone never counts as speech: it needs level changes well above the floor.
    /// </summary>
    public const string Talking = "if(lt(mod(t,0.5),0.3),1,0.001)";

    /// <summary>Digital silence (-127 dBov) for <see cref="Start"/>.</summary>
    public const string Silent = "0";

    /// <summary>A constant tone at about -21 dBov for <see cref="Start"/>.</summary>
    public const string Constant = "1";

    /// <summary>
    /// Starts ffmpeg sending a 440 Hz sine through <c>volume=</c> with <paramref name="volume"/> (an ffmpeg expression in
    /// <c>t</c>, evaluated per 20 ms frame: <see cref="Talking"/>, <see cref="Silent"/>, <see cref="Constant"/>, …).
    /// </summary>
    public void Start(string volume)
    {
        if (_ffmpeg is not null) throw new InvalidOperationException("ffmpeg is already running");
        int relayPort = ((IPEndPoint)_relay.LocalEndPoint!).Port;
        var info = new ProcessStartInfo(FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:samples_per_frame=960",
            "-filter_complex", $"[0:a]volume=volume='{volume}':eval=frame,asplit=2[rtp][pcm]",
            "-map", "[rtp]", "-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20",
            "-ssrc", _ssrc.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-payload_type", _payloadType.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-f", "rtp", $"rtp://127.0.0.1:{relayPort}",
            "-map", "[pcm]", "-ac", "1", "-f", "s16le", "pipe:1",
        })
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        _ffmpeg = process;
        _pcmLoop = Task.Run(() => PcmLoopAsync(process.StandardOutput.BaseStream));
    }

    /// <summary>Stops ffmpeg and starts it again with another volume; the relay (and so the source port) stays.</summary>
    public async Task RestartAsync(string volume)
    {
        await StopFfmpegAsync();
        Start(volume);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await StopFfmpegAsync();
        _stop.Cancel();
        _relay.Dispose();
        try { await _relayLoop.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* the loop ends with the socket */ }
        _stop.Dispose();
    }

    private async Task StopFfmpegAsync()
    {
        var process = Interlocked.Exchange(ref _ffmpeg, null);
        if (process is null) return;
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
        if (_pcmLoop is { } loop)
        {
            try { await loop.WaitAsync(TimeSpan.FromSeconds(5)); }
            catch (Exception) { /* the pipe closed with the process */ }
        }
        Volatile.Write(ref _level, 127);
    }

    private async Task PcmLoopAsync(Stream pcm)
    {
        var frame = new byte[FrameBytes];
        while (true)
        {
            int filled = 0;
            while (filled < FrameBytes)
            {
                int n = await pcm.ReadAsync(frame.AsMemory(filled));
                if (n == 0) return;
                filled += n;
            }
            Volatile.Write(ref _level, MeasureLevel(frame));
        }
    }

    /// <summary>RFC 6464 level of a frame of s16le samples: -dBov of its RMS, 0..127 (127 for digital silence).</summary>
    internal static int MeasureLevel(ReadOnlySpan<byte> frame)
    {
        double sum = 0;
        int samples = frame.Length / 2;
        for (int i = 0; i < samples; i++)
        {
            double s = BinaryPrimitives.ReadInt16LittleEndian(frame[(i * 2)..]) / 32768.0;
            sum += s * s;
        }
        double rms = Math.Sqrt(sum / samples);
        if (rms <= 0) return 127;
        double dbov = 20 * Math.Log10(rms);
        return (int)Math.Clamp(Math.Round(-dbov), 0, 127);
    }

    private async Task RelayLoopAsync()
    {
        var buffer = new byte[2048];
        var output = new byte[2048 + 8];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                var result = await _relay.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                length = result.ReceivedBytes;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            int outLength = AddAudioLevelExtension(buffer.AsSpan(0, length), output, _audioLevelExtensionId, Level);
            if (outLength <= 0) continue;
            try
            {
                await _relay.SendToAsync(output.AsMemory(0, outLength), SocketFlags.None, _target, _stop.Token);
                Interlocked.Increment(ref _packetsForwarded);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>
    /// Copies an RTP packet without extension into <paramref name="output"/> with a one-byte-header extension
    /// (RFC 8285) holding the ssrc-audio-level element (voice activity bit set unless silent); 0 if it is not such a packet.
    /// </summary>
    internal static int AddAudioLevelExtension(ReadOnlySpan<byte> packet, Span<byte> output, int id, int level)
    {
        if (packet.Length < 12 || (packet[0] >> 6) != 2) return 0;
        if ((packet[1] & 0x7f) is >= 72 and <= 76) return 0; // RTCP (SR/RR/SDES/BYE/APP) on the same port.
        if ((packet[0] & 0x10) != 0) return 0; // Already has an extension.
        int headerLength = 12 + 4 * (packet[0] & 0x0f);
        if (packet.Length < headerLength) return 0;
        packet[..headerLength].CopyTo(output);
        output[0] |= 0x10;
        int o = headerLength;
        output[o++] = 0xBE;
        output[o++] = 0xDE;
        output[o++] = 0;
        output[o++] = 1; // One 32-bit word of elements.
        output[o++] = (byte)(id << 4); // Length - 1 = 0: one byte of data.
        output[o++] = (byte)((level < 127 ? 0x80 : 0) | (level & 0x7f));
        output[o++] = 0;
        output[o++] = 0;
        packet[headerLength..].CopyTo(output[o..]);
        return o + packet.Length - headerLength;
    }
}
