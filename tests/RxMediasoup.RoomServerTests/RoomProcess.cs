using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RxMediasoup.RoomServerTests;

/// <summary>
/// The Room server as a real process: <c>dotnet Room.dll --urls http://127.0.0.1:0 --workers 1</c> (no <c>--workers</c>
/// with <c>oneWorker: false</c>; another Room.dll with <c>roomDll</c>), started through
/// <c>env --default-signal=INT</c> so SIGINT reaches it even when this test host was started with SIGINT ignored (a
/// background job of a non-interactive shell). Its output is collected; <see cref="BaseUrl"/> comes from the line it
/// prints once listening. Disposing kills it (and its workers) if it is still running.
/// </summary>
internal sealed partial class RoomProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RoomProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseUrl => _listening.Task.Result;
    public Uri WebSocketUrl => new($"ws://{BaseUrl.Authority}/ws");
    public int Pid => _process.Id;
    public Process Process => _process;
    public IReadOnlyList<string> Output => [.. _output];
    public string OutputText => string.Join('\n', _output);

    /// <summary>Room.dll beside the tests (the ProjectReference copies it).</summary>
    public static string RoomDll => Path.Combine(AppContext.BaseDirectory, "Room.dll");

    public static async Task<RoomProcess> StartAsync(IDictionary<string, string?>? environment = null, TimeSpan? timeout = null,
        string? workingDirectory = null, bool oneWorker = true, string? roomDll = null, params string[] extraArgs)
    {
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var arg in (string[])["--default-signal=INT", "dotnet", roomDll ?? RoomDll, "--urls", "http://127.0.0.1:0", .. oneWorker ? ["--workers", "1"] : (string[])[], .. extraArgs])
            start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        var room = new RoomProcess(Process.Start(start)!);
        try
        {
            await room._listening.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await room.DisposeAsync();
            throw new TimeoutException($"the Room did not print its URL line in time; output:\n{room.OutputText}");
        }
        return room;
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        var match = ListeningLine().Match(line);
        if (match.Success) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"listening on (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    /// <summary>The mediasoup-worker processes whose parent is this process.</summary>
    public IReadOnlyList<int> WorkerPids() => ChildrenOf(_process.Id, "mediasoup-worker");

    public static IReadOnlyList<int> ChildrenOf(int parent, string name)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                int close = stat.LastIndexOf(')');
                string comm = stat[(stat.IndexOf('(') + 1)..close];
                int ppid = int.Parse(stat[(close + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (ppid == parent && comm.StartsWith(name[..Math.Min(15, name.Length)], StringComparison.Ordinal)) pids.Add(pid);
            }
            catch (IOException)
            {
                // The process exited while we looked.
            }
        }
        return pids;
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            var workers = WorkerPids();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            foreach (int pid in workers) _ = Kill(pid, 9);
        }
        _process.Dispose();
    }
}
