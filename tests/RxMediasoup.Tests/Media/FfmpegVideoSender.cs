using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RxMediasoup.Tests.Media;

/// <summary>
/// Real VP8 RTP from Debian's ffmpeg (<c>testsrc</c> encoded with libvpx, realtime, a key frame every second).
/// </summary>
/// <remarks>
/// <para><see cref="StartDirect"/>: one stream, ffmpeg sends straight to the target from a known local port (so a comedia
/// transport latches ffmpeg's own port), without RTCP: ffmpeg sends its first sender report before its first RTP packet,
/// from its separate RTCP socket, and a comedia transport would latch that port instead.</para>
/// <para><see cref="StartRelayed"/>: several streams (simulcast: one ffmpeg, one libvpx encoder per resolution, each
/// with its SSRC) sent to a loopback relay socket of this class, which forwards every RTP and RTCP packet (ffmpeg's
/// sender reports included) to the target from that one socket — each ffmpeg RTP output has its own socket, and a
/// comedia transport accepts a single source tuple.</para>
/// <para>Needs <c>/usr/bin/ffmpeg</c> built with libvpx. <see cref="DisposeAsync"/> kills ffmpeg.</para>
/// </remarks>
internal sealed class FfmpegVideoSender : IAsyncDisposable
{
    /// <summary>One encoding: its SSRC, resolution and target bitrate.</summary>
    public sealed record Stream(uint Ssrc, int Width, int Height, int BitrateKbps);

    private readonly Process _ffmpeg;
    private readonly StringBuilder _stderr = new();
    private readonly Socket? _relay;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _relayLoop;
    private long _packetsForwarded;

    private FfmpegVideoSender(IPEndPoint target, Socket? relay, IEnumerable<string> arguments)
    {
        _target = target;
        _relay = relay;
        if (relay is not null) _relayLoop = Task.Run(RelayLoopAsync);
        var info = new ProcessStartInfo(FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        _ffmpeg = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        _ffmpeg.OutputDataReceived += static (_, _) => { };
        _ffmpeg.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _ffmpeg.BeginOutputReadLine();
        _ffmpeg.BeginErrorReadLine();
    }

    /// <summary>The path of the ffmpeg binary.</summary>
    public static string FfmpegPath => "/usr/bin/ffmpeg";

    /// <summary>ffmpeg's process id.</summary>
    public int Pid => _ffmpeg.Id;

    /// <summary>True while ffmpeg runs.</summary>
    public bool IsRunning => !_ffmpeg.HasExited;

    /// <summary>What ffmpeg wrote on stderr so far (for failure messages).</summary>
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The relay's port (the source port the target sees), when relayed.</summary>
    public int? RelayPort => _relay is null ? null : ((IPEndPoint)_relay.LocalEndPoint!).Port;

    /// <summary>Packets the relay forwarded to the target so far.</summary>
    public long PacketsForwarded => Interlocked.Read(ref _packetsForwarded);

    /// <summary>
    /// ffmpeg sends one VP8 stream (320x240, 30 fps) straight to 127.0.0.1:<paramref name="targetPort"/> from
    /// 127.0.0.1:<paramref name="localPort"/> — the command of the brief:
    /// <c>ffmpeg -re -f lavfi -i testsrc=size=320x240:rate=30 -c:v libvpx -deadline realtime -ssrc N -payload_type PT -f rtp rtp://127.0.0.1:PORT</c>.
    /// </summary>
    public static FfmpegVideoSender StartDirect(int targetPort, uint ssrc, int payloadType, int localPort)
    {
        var args = new List<string>(CommonInput());
        args.AddRange(Output(null, new Stream(ssrc, 320, 240, 300), payloadType,
            $"rtp://127.0.0.1:{targetPort}?localrtpport={localPort}", skipRtcp: true));
        return new FfmpegVideoSender(new IPEndPoint(IPAddress.Loopback, targetPort), null, args);
    }

    /// <summary>
    /// One ffmpeg encodes <paramref name="streams"/> (each its own libvpx encoder, resolution, bitrate and SSRC, all with
    /// <paramref name="payloadType"/>) from one 30 fps test pattern, through the relay to 127.0.0.1:<paramref name="targetPort"/>.
    /// </summary>
    public static FfmpegVideoSender StartRelayed(int targetPort, IReadOnlyList<Stream> streams, int payloadType)
    {
        var relay = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        relay.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int relayPort = ((IPEndPoint)relay.LocalEndPoint!).Port;
        var args = new List<string>(CommonInput());
        var split = new StringBuilder($"[0:v]split={streams.Count}");
        for (int i = 0; i < streams.Count; i++) split.Append(CultureInfo.InvariantCulture, $"[in{i}]");
        for (int i = 0; i < streams.Count; i++)
            split.Append(CultureInfo.InvariantCulture, $";[in{i}]scale={streams[i].Width}:{streams[i].Height}[out{i}]");
        args.Add("-filter_complex");
        args.Add(split.ToString());
        for (int i = 0; i < streams.Count; i++)
            args.AddRange(Output($"[out{i}]", streams[i], payloadType, $"rtp://127.0.0.1:{relayPort}?rtcpport={relayPort}"));
        return new FfmpegVideoSender(new IPEndPoint(IPAddress.Loopback, targetPort), relay, args);
    }

    private static IEnumerable<string> CommonInput() =>
    [
        "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
        "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
    ];

    private static IEnumerable<string> Output(string? map, Stream stream, int payloadType, string url, bool skipRtcp = false)
    {
        var args = new List<string>();
        if (map is not null) { args.Add("-map"); args.Add(map); }
        if (skipRtcp) { args.Add("-rtpflags"); args.Add("skip_rtcp"); }
        args.AddRange(
        [
            "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
            "-b:v", $"{stream.BitrateKbps}k", "-g", "30", "-keyint_min", "30",
            "-ssrc", stream.Ssrc.ToString(CultureInfo.InvariantCulture),
            "-payload_type", payloadType.ToString(CultureInfo.InvariantCulture),
            "-f", "rtp", url,
        ]);
        return args;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_ffmpeg.HasExited) _ffmpeg.Kill(entireProcessTree: true);
            await _ffmpeg.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Already gone.
        }
        finally
        {
            _ffmpeg.Dispose();
        }
        _stop.Cancel();
        _relay?.Dispose();
        if (_relayLoop is not null)
        {
            try { await _relayLoop.WaitAsync(TimeSpan.FromSeconds(5)); }
            catch (Exception) { /* the loop ends with the socket */ }
        }
        _stop.Dispose();
    }

    private async Task RelayLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                var result = await _relay!.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                length = result.ReceivedBytes;
                // Only what ffmpeg sends is forwarded (RTCP from the transport comes back here too).
                if (((IPEndPoint)result.RemoteEndPoint).Port == _target.Port) continue;
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            try
            {
                await _relay.SendToAsync(buffer.AsMemory(0, length), SocketFlags.None, _target, _stop.Token);
                Interlocked.Increment(ref _packetsForwarded);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }
}

/// <summary>
/// The remote end of a consumer's plain transport: a loopback UDP socket that receives the consumer's RTP (counting
/// packets and tracking the highest sequence number per SSRC) and answers with an RTCP receiver report (RFC 3550,
/// one report block per SSRC) every <c>interval</c>, as a real receiver does — what gives a consumer its score. The
/// reported cumulative loss is settable, to drive the score down.
/// </summary>
internal sealed class RtcpReceiverEndpoint : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<uint, (uint Extended, long Packets)> _streams = [];
    private readonly Task _receiveLoop;
    private readonly Task _reportLoop;
    private IPEndPoint? _transport;
    private long _packets;
    private long _reports;
    private int _reportedLossPercent;

    public RtcpReceiverEndpoint(TimeSpan interval)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _receiveLoop = Task.Run(ReceiveLoopAsync);
        _reportLoop = Task.Run(() => ReportLoopAsync(interval));
    }

    /// <summary>The socket's port (to connect the plain transport to).</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>RTP packets received.</summary>
    public long Packets => Interlocked.Read(ref _packets);

    /// <summary>Receiver reports sent.</summary>
    public long Reports => Interlocked.Read(ref _reports);

    /// <summary>Where the reports go: the transport's tuple (set once it is known).</summary>
    public void SendReportsTo(int transportPort) => Volatile.Write(ref _transport, new IPEndPoint(IPAddress.Loopback, transportPort));

    /// <summary>The share of packets the reports claim lost (0 to 100), cumulative over what was received.</summary>
    public int ReportedLossPercent
    {
        get => Volatile.Read(ref _reportedLossPercent);
        set => Volatile.Write(ref _reportedLossPercent, value);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        try { await Task.WhenAll(_receiveLoop, _reportLoop).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* the loops end with the socket */ }
        _stop.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            int length;
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                length = result.ReceivedBytes;
            }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { continue; }
            if (length < 12 || (buffer[0] >> 6) != 2) continue;
            int pt = buffer[1] & 0x7f;
            if (pt is >= 72 and <= 76) continue; // RTCP from the transport.
            ushort seq = (ushort)((buffer[2] << 8) | buffer[3]);
            uint ssrc = (uint)((buffer[8] << 24) | (buffer[9] << 16) | (buffer[10] << 8) | buffer[11]);
            lock (_streams)
            {
                if (_streams.TryGetValue(ssrc, out var s))
                {
                    // Extend the sequence number (RFC 3550 A.1, simplified: forward within half the space).
                    uint cycles = s.Extended & 0xffff0000;
                    ushort max = (ushort)s.Extended;
                    uint extended = s.Extended;
                    if ((ushort)(seq - max) < 0x8000)
                    {
                        if (seq < max) cycles += 0x10000;
                        extended = cycles | seq;
                    }
                    _streams[ssrc] = (extended, s.Packets + 1);
                }
                else
                {
                    _streams[ssrc] = (seq, 1);
                }
            }
            Interlocked.Increment(ref _packets);
        }
    }

    private async Task ReportLoopAsync(TimeSpan interval)
    {
        while (!_stop.IsCancellationRequested)
        {
            try { await Task.Delay(interval, _stop.Token); }
            catch (OperationCanceledException) { return; }
            var target = Volatile.Read(ref _transport);
            if (target is null) continue;
            byte[] packet;
            lock (_streams)
            {
                if (_streams.Count == 0) continue;
                packet = BuildReceiverReport(0x12345678, _streams.Select(e => (e.Key, e.Value.Extended, e.Value.Packets)).ToList(), ReportedLossPercent);
            }
            try
            {
                // Counted first: the worker may act on the report before this send's continuation runs.
                Interlocked.Increment(ref _reports);
                await _socket.SendToAsync(packet, SocketFlags.None, target, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException) { }
        }
    }

    /// <summary>An RTCP RR (PT 201) with one report block per stream; loss as a share of the packets received.</summary>
    internal static byte[] BuildReceiverReport(uint senderSsrc, IReadOnlyList<(uint Ssrc, uint Extended, long Packets)> streams, int lossPercent)
    {
        int count = Math.Min(streams.Count, 31);
        var packet = new byte[8 + 24 * count];
        packet[0] = (byte)(0x80 | count);
        packet[1] = 201;
        int words = packet.Length / 4 - 1;
        packet[2] = (byte)(words >> 8);
        packet[3] = (byte)words;
        WriteUInt32(packet, 4, senderSsrc);
        for (int i = 0; i < count; i++)
        {
            var (ssrc, extended, packets) = streams[i];
            int o = 8 + 24 * i;
            uint lost = (uint)Math.Min(packets * lossPercent / 100, 0x7fffff);
            byte fraction = (byte)Math.Min(255, lossPercent * 256 / 100);
            WriteUInt32(packet, o, ssrc);
            packet[o + 4] = fraction;
            packet[o + 5] = (byte)(lost >> 16);
            packet[o + 6] = (byte)(lost >> 8);
            packet[o + 7] = (byte)lost;
            WriteUInt32(packet, o + 8, extended);
            // Jitter, LSR and DLSR: 0.
        }
        return packet;
    }

    private static void WriteUInt32(byte[] buffer, int offset, uint value)
    {
        buffer[offset] = (byte)(value >> 24);
        buffer[offset + 1] = (byte)(value >> 16);
        buffer[offset + 2] = (byte)(value >> 8);
        buffer[offset + 3] = (byte)value;
    }
}
