// One ffmpeg child process as an Rx resource: started on subscribe, emitted once, stopped on dispose.
// Shared (linked) by samples/Broadcast and samples/Recorder; each compiles its own internal copy.
using System.Diagnostics;
using System.Globalization;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text;

namespace RxMediasoup.Samples.Media;

/// <summary>ffmpeg ended by itself, with a failure code, before it was asked to stop.</summary>
internal sealed class FfmpegExitedException(int exitCode, string standardError)
    : Exception($"ffmpeg exited with code {exitCode}: {LastLines(standardError, 6)}")
{
    /// <summary>ffmpeg's exit code.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>What ffmpeg wrote on stderr.</summary>
    public string StandardError { get; } = standardError;

    private static string LastLines(string text, int count) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(count));
}

/// <summary>
/// A running ffmpeg (<c>ffmpeg</c> on PATH, or <c>FFMPEG_BIN</c>). Its <c>-progress pipe:1</c> report (if the arguments
/// ask for it) is read into <see cref="Frames"/>; stderr is kept for error messages.
/// </summary>
internal sealed class FfmpegProcess
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _frames;
    private volatile bool _stopping;

    private FfmpegProcess(IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments) info.ArgumentList.Add(arg);
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => ReadProgress(e.Data);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Exited += (_, _) =>
        {
            _process.WaitForExit(); // the redirected streams are drained: stderr is complete for the error message
            int code = _process.ExitCode;
            _process.Dispose();
            _exited.TrySetResult(code);
        };
        try
        {
            if (!_process.Start()) throw new InvalidOperationException($"{Binary} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"cannot start ffmpeg ('{Binary}': {e.Message}): install it (apt-get install ffmpeg) or set FFMPEG_BIN", e);
        }
        Pid = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>ffmpeg's exit code when SIGINT/SIGTERM stopped it (it still closes its outputs properly).</summary>
    public const int InterruptedExitCode = 255;

    /// <summary>The ffmpeg binary: <c>FFMPEG_BIN</c>, else <c>ffmpeg</c> from PATH.</summary>
    public static string Binary => Environment.GetEnvironmentVariable("FFMPEG_BIN") is { Length: > 0 } bin ? bin : "ffmpeg";

    /// <summary>ffmpeg's process id.</summary>
    public int Pid { get; }

    /// <summary>Frames ffmpeg reported (<c>frame=N</c> of <c>-progress pipe:1</c>).</summary>
    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Completes with the exit code when ffmpeg has exited.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>What ffmpeg wrote on stderr so far.</summary>
    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>
    /// ffmpeg with <paramref name="arguments"/> while the subscription lives: emitted once started; fails with
    /// <see cref="FfmpegExitedException"/> if it exits with a failure code before being stopped, completes if it ends
    /// by itself (end of input, or a signal such as Ctrl+C); disposing the subscription stops it (<see cref="StopAsync"/> with
    /// <paramref name="grace"/>, zero: killed at once) and returns once it has exited, so no ffmpeg outlives its
    /// subscription.
    /// </summary>
    public static IObservable<FfmpegProcess> Using(IReadOnlyList<string> arguments, TimeSpan grace) =>
        Observable.Create<FfmpegProcess>(observer =>
        {
            var ffmpeg = new FfmpegProcess(arguments);
            observer.OnNext(ffmpeg);
            ffmpeg.Exited.ContinueWith(t =>
            {
                if (ffmpeg._stopping) return;
                // 0: the input ended; 255: a signal stopped it (Ctrl+C on a terminal reaches the whole process group).
                if (t.Result is 0 or InterruptedExitCode) observer.OnCompleted();
                else observer.OnError(new FfmpegExitedException(t.Result, ffmpeg.StandardError));
            }, TaskScheduler.Default);
            return Disposable.Create(() => ffmpeg.StopAsync(grace).GetAwaiter().GetResult());
        });

    /// <summary>
    /// Asks ffmpeg to finish (<c>q</c> on stdin: it flushes and closes its outputs), waits up to
    /// <paramref name="grace"/> (default 5 s), then kills it. Returns the exit code (-1 when killed).
    /// </summary>
    public async Task<int> StopAsync(TimeSpan? grace = null)
    {
        _stopping = true;
        grace ??= TimeSpan.FromSeconds(5);
        try
        {
            if (!_process.HasExited && grace > TimeSpan.Zero)
            {
                await _process.StandardInput.WriteAsync("q").ConfigureAwait(false);
                await _process.StandardInput.FlushAsync().ConfigureAwait(false);
                _process.StandardInput.Close();
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Already exiting: the pipe is closed.
        }
        try
        {
            return await Exited.WaitAsync(grace.Value).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            try { _process.Kill(entireProcessTree: true); }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException) { /* exited meanwhile */ }
            await Exited.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            return -1;
        }
    }

    private void ReadProgress(string? line)
    {
        if (line is not null && line.StartsWith("frame=", StringComparison.Ordinal)
            && long.TryParse(line.AsSpan(6), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
        {
            Interlocked.Exchange(ref _frames, n);
        }
    }
}
