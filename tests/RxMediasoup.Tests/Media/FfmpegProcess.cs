using System.Diagnostics;
using System.Globalization;
using System.Text;
using RxMediasoup.Tests.Infrastructure;

namespace RxMediasoup.Tests.Media;

/// <summary>
/// One ffmpeg run with arbitrary arguments: stderr kept for failure messages, and the frame count of its
/// <c>-progress pipe:1</c> report (the highest <c>frame=N</c> seen on stdout). Dispose kills it and checks it is gone.
/// </summary>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private long _frames;

    public FfmpegProcess(IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/ffmpeg")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("ffmpeg did not start");
        Pid = _process.Id;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("frame=", StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(6), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
                && n > Interlocked.Read(ref _frames))
            {
                Interlocked.Exchange(ref _frames, n);
            }
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>ffmpeg's process id (kept after exit).</summary>
    public int Pid { get; }

    /// <summary>True while ffmpeg runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Frames ffmpeg reported as processed (decoded, for a <c>-f null</c> output) so far.</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>What ffmpeg wrote on stderr so far.</summary>
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Kills ffmpeg, waits for its exit and throws when the process is still there.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
        if (!await Processes.WaitUntilGoneAsync(Pid, TimeSpan.FromSeconds(5)))
            throw new InvalidOperationException($"ffmpeg {Pid} is still running after kill");
    }
}
