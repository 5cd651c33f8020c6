using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RxMediasoup.BrowserTesting;

/// <summary>How to start a sample web program (samples/Room or a sample hosting a room).</summary>
public sealed record SampleProcessOptions
{
    /// <summary>The sample's built assembly, run as <c>dotnet &lt;AssemblyPath&gt; --urls http://127.0.0.1:PORT …</c>.</summary>
    public required string AssemblyPath { get; init; }

    /// <summary>Arguments after <c>--urls</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Extra environment variables (MEDIASOUP_WORKER_BIN is set from <see cref="TestMachine.WorkerBinary"/> unless given here).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for the line naming 127.0.0.1:PORT. Default 60 s: a cold start on a 2-core machine (JIT, worker spawn) takes several seconds.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Receives every output line as it arrives (for example a test's output helper).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>How a sample process ended.</summary>
/// <param name="ExitCode">The process's exit code (128+signal when a signal killed it).</param>
/// <param name="Elapsed">From the signal to the exit.</param>
/// <param name="Forced">True if it had to be killed with SIGKILL after the grace period.</param>
/// <param name="Leftovers">Processes still alive 2 s after it exited: members of its group, and mediasoup-workers it spawned
/// (RxMediasoup starts each worker in a process group of its own, so they are tracked as its children while it runs).</param>
public sealed record SampleExit(int ExitCode, TimeSpan Elapsed, bool Forced, IReadOnlyList<ProcInfo> Leftovers);

/// <summary>
/// A sample started as a real process in its own process group (through <c>setsid env --default-signal=INT dotnet …</c>,
/// so SIGINT is delivered as on a terminal, the group id is its pid and every
/// mediasoup-worker it spawns is a member): signals go to the whole group like a terminal's Ctrl+C, and after it exits
/// the group must be empty. Disposing stops it (SIGINT, then SIGKILL) and throws if a process of its group is left.
/// </summary>
public sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Action<string>? _log;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, ProcInfo> _workersSeen = new();
    private readonly Timer _workerTracker;
    private SampleExit? _exit;

    private SampleProcess(Process process, int port, Action<string>? log)
    {
        _process = process;
        _log = log;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _workerTracker = new Timer(_ => TrackWorkers(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
    }

    /// <summary>Every mediasoup-worker seen as its child since it started (a respawned worker included).</summary>
    public IReadOnlyCollection<ProcInfo> WorkersSeen => _workersSeen.Values.ToList();

    public int Pid => _process.Id;

    /// <summary>Its process group (= its pid: setsid made it the group leader).</summary>
    public int ProcessGroup => _process.Id;

    public int Port { get; }

    /// <summary>From starting the process to the line naming its URL.</summary>
    public TimeSpan StartupTime { get; private set; }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything it printed so far, stdout and stderr interleaved as received.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    public string OutputText => string.Join('\n', Output);

    public static async Task<SampleProcess> StartAsync(SampleProcessOptions options, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(options.AssemblyPath))
            throw new PrerequisiteMissingException($"The sample assembly {options.AssemblyPath} does not exist: build the sample first.");
        var port = FreeLoopbackPort();
        var psi = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = Path.GetDirectoryName(options.AssemblyPath)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // setsid execs in place (the child of Process.Start is not a group leader), so the pid stays the program's.
        // env --default-signal=INT: a test runner started as a background job of a non-interactive shell inherits SIGINT
        // ignored, and .NET would then never see the Ctrl+C the tests send.
        psi.ArgumentList.Add("env");
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add(DotnetHost());
        psi.ArgumentList.Add(options.AssemblyPath);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in options.Arguments)
            psi.ArgumentList.Add(argument);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (!options.Environment.ContainsKey("MEDIASOUP_WORKER_BIN"))
            psi.Environment["MEDIASOUP_WORKER_BIN"] = TestMachine.WorkerBinary();
        foreach (var (key, value) in options.Environment)
            psi.Environment[key] = value;

        var started = Stopwatch.StartNew();
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start setsid " + options.AssemblyPath);
        var sample = new SampleProcess(process, port, options.Log);
        process.OutputDataReceived += (_, e) => sample.Append(e.Data, "");
        process.ErrorDataReceived += (_, e) => sample.Append(e.Data, "[stderr] ");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var needle = $"127.0.0.1:{port}";
        try
        {
            await sample.WaitForLineAsync(l => l.Contains(needle, StringComparison.Ordinal), options.StartTimeout, cancellationToken);
            sample.StartupTime = started.Elapsed;
            var info = LinuxProcesses.TryRead(process.Id);
            if (info is null || info.ProcessGroup != process.Id)
                throw new InvalidOperationException($"the sample (pid {process.Id}) is not the leader of its own process group (group {info?.ProcessGroup}).");
        }
        catch
        {
            await sample.DisposeQuietlyAsync();
            throw;
        }
        return sample;
    }

    /// <summary>Waits for an output line matching <paramref name="match"/> (lines already printed count) and returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var found = Output.FirstOrDefault(match);
            if (found is not null)
                return found;
            if (_process.HasExited)
            {
                await Task.Delay(100, cancellationToken); // let the last lines drain
                found = Output.FirstOrDefault(match);
                if (found is not null)
                    return found;
                throw new InvalidOperationException($"the sample exited (code {_process.ExitCode}) before printing the expected line. Its output:\n{OutputText}");
            }
            if (stopwatch.Elapsed > timeout)
                throw new TimeoutException($"the sample did not print the expected line within {timeout.TotalSeconds:0} s. Its output:\n{OutputText}");
            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>The mediasoup-worker processes that are its children right now (from /proc).</summary>
    public IReadOnlyList<ProcInfo> Workers()
    {
        IReadOnlyList<ProcInfo> workers = _process.HasExited ? [] : LinuxProcesses.ChildrenOf(Pid, LinuxProcesses.WorkerName);
        foreach (var worker in workers)
            _workersSeen.TryAdd(worker.Pid, worker);
        return workers;
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (SIGINT by default, as Ctrl+C does) to its whole process group and waits up to
    /// <paramref name="timeout"/> for it to exit; SIGKILLs the group if it does not. Then waits up to 2 s for the rest of
    /// the group to go and reports who is left.
    /// </summary>
    public async Task<SampleExit> StopAsync(TimeSpan timeout, int signal = LinuxProcesses.SIGINT)
    {
        if (_exit is not null)
            return _exit;
        var stopwatch = Stopwatch.StartNew();
        var forced = false;
        if (!_process.HasExited)
        {
            LinuxProcesses.SignalGroup(ProcessGroup, signal);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                forced = true;
                LinuxProcesses.SignalGroup(ProcessGroup, LinuxProcesses.SIGKILL);
                await _process.WaitForExitAsync();
            }
        }
        var elapsed = stopwatch.Elapsed;
        await _process.WaitForExitAsync(); // drains the output
        await _workerTracker.DisposeAsync();
        var leftovers = Leftovers();
        for (var i = 0; i < 20 && leftovers.Count > 0; i++)
        {
            await Task.Delay(100);
            leftovers = Leftovers();
        }
        // Never leave them behind.
        LinuxProcesses.SignalGroup(ProcessGroup, LinuxProcesses.SIGKILL);
        foreach (var worker in leftovers.Where(p => p.Name == LinuxProcesses.WorkerName))
            LinuxProcesses.Signal(worker.Pid, LinuxProcesses.SIGKILL);
        _exit = new SampleExit(_process.ExitCode, elapsed, forced, leftovers);
        return _exit;
    }

    /// <summary>Stops it if still running (SIGINT, 10 s, then SIGKILL); throws if it left a process of its group behind.</summary>
    public async ValueTask DisposeAsync()
    {
        var exit = await StopAsync(TimeSpan.FromSeconds(10));
        await _workerTracker.DisposeAsync();
        _process.Dispose();
        if (exit.Leftovers.Count > 0)
        {
            throw new InvalidOperationException(
                "the sample left processes of its group behind (killed now): " +
                string.Join(", ", exit.Leftovers.Select(p => $"{p.Name} pid {p.Pid}")));
        }
    }

    private void TrackWorkers()
    {
        try
        {
            Workers();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or FormatException)
        {
            // exiting or disposed: the last snapshot stands
        }
    }

    /// <summary>Live members of its group, and live workers it spawned (still named mediasoup-worker: not a reused pid).</summary>
    private List<ProcInfo> Leftovers()
    {
        var left = LinuxProcesses.InGroup(ProcessGroup).ToList();
        foreach (var worker in _workersSeen.Values)
        {
            if (LinuxProcesses.TryRead(worker.Pid) is { State: not 'Z', Name: LinuxProcesses.WorkerName } alive && left.All(p => p.Pid != alive.Pid))
                left.Add(alive);
        }
        return left;
    }

    private async Task DisposeQuietlyAsync()
    {
        try
        {
            await DisposeAsync();
        }
        catch (InvalidOperationException)
        {
            // the start failure is the error to report
        }
    }

    private void Append(string? line, string prefix)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add(prefix + line);
        try
        {
            _log?.Invoke("[sample] " + prefix + line);
        }
        catch (InvalidOperationException)
        {
            // a test output helper refuses lines once its test has finished
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost()
    {
        if (System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        var root = System.Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root is { Length: > 0 } && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
