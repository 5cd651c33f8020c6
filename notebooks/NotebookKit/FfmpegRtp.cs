using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RxMediasoup.Notebooks;

/// <summary>
/// ffmpeg (Debian's, with libvpx) encoding its <c>testsrc</c> pattern to VP8 and sending it as RTP to a loopback port:
/// media for the live notebooks with no camera and no browser. <see cref="DisposeAsync"/> stops ffmpeg.
/// </summary>
/// <remarks>
/// ffmpeg sends RTP from a fixed local port (<c>localrtpport</c>) and RTCP sender reports from another socket. A comedia
/// PlainTransport latches the source of the first packet it gets, so straight into a transport ffmpeg must not send
/// RTCP (<c>withRtcp: false</c>: <c>skip_rtcp</c>); through a relay that forwards both from one socket
/// (<see cref="LossyUdpRelay"/>) it may, and the worker then gets sender reports too.
/// </remarks>
public sealed class FfmpegRtp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private FfmpegRtp(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(FfmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        _process = Process.Start(info) ?? throw new InvalidOperationException($"{FfmpegPath} did not start");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Not left behind when the notebook ends without disposing it: a normal exit, or a failing .cs (an
        // unhandled exception skips ProcessExit).
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        AppDomain.CurrentDomain.UnhandledException += OnProcessExit;
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    /// <summary>The ffmpeg binary: <c>FFMPEG</c> when set, else <c>ffmpeg</c> on the PATH.</summary>
    public static string FfmpegPath => Environment.GetEnvironmentVariable("FFMPEG") is { Length: > 0 } p ? p : "ffmpeg";

    /// <summary>ffmpeg's process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True while ffmpeg runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>What ffmpeg wrote on stderr so far.</summary>
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>A free loopback UDP port (for <c>localPort</c>).</summary>
    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// Starts ffmpeg sending VP8 (<paramref name="width"/>x<paramref name="height"/>, 30 fps, a key frame every second,
    /// about <paramref name="bitrateKbps"/> kbit/s) with <paramref name="ssrc"/> and <paramref name="payloadType"/> from
    /// 127.0.0.1:<paramref name="localPort"/> to 127.0.0.1:<paramref name="targetPort"/>, in real time (<c>-re</c>);
    /// with <paramref name="withRtcp"/>, its RTCP sender reports go to the same target port.
    /// </summary>
    public static FfmpegRtp StartVp8(int targetPort, int localPort, uint ssrc, int payloadType,
        int bitrateKbps = 400, int width = 320, int height = 240, bool withRtcp = false)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
            "-f", "lavfi", "-i", $"testsrc=size={I(width)}x{I(height)}:rate=30",
            "-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8",
            "-b:v", $"{I(bitrateKbps)}k", "-g", "30", "-keyint_min", "30",
            "-ssrc", ssrc.ToString(CultureInfo.InvariantCulture), "-payload_type", I(payloadType),
            "-f", "rtp", withRtcp
                ? $"rtp://127.0.0.1:{I(targetPort)}?localrtpport={I(localPort)}&rtcpport={I(targetPort)}"
                : $"rtp://127.0.0.1:{I(targetPort)}?localrtpport={I(localPort)}",
        };
        if (!withRtcp) args.InsertRange(args.Count - 3, ["-rtpflags", "skip_rtcp"]);
        return new FfmpegRtp(args);
    }

    /// <summary>Stops ffmpeg (kills it) and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
            AppDomain.CurrentDomain.UnhandledException -= OnProcessExit;
            _process.Dispose();
        }
    }
}
