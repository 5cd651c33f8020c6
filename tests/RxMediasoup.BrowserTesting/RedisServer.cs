using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RxMediasoup.BrowserTesting;

/// <summary>
/// A real <c>redis-server</c> (Debian's package; no Docker here) started by a test on a free loopback port, with no
/// persistence (<c>--save "" --appendonly no</c>, its working directory a fresh temporary folder) and stopped by it:
/// <see cref="StopAsync"/> sends SIGTERM (SIGKILL after the grace period), then checks the process is gone and the port
/// refuses connections; <see cref="DisposeAsync"/> throws if either is not so.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Debian's path of the binary (<c>apt-get install -y redis-server</c>).</summary>
    public const string DefaultBinary = "/usr/bin/redis-server";

    private readonly Process _process;
    private readonly string _directory;
    private readonly List<string> _lines = [];
    private readonly Action<string>? _log;
    private RedisExit? _exit;

    private RedisServer(Process process, int port, string directory, Action<string>? log)
    {
        _process = process;
        _directory = directory;
        _log = log;
        Port = port;
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>: the form Orleans' Redis clustering and the Room's <c>--cluster redis=…</c> take.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The redis-server process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Everything it printed so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_lines)
                return _lines.ToList();
        }
    }

    /// <summary>REDIS_SERVER_BIN, else <see cref="DefaultBinary"/>; missing → <see cref="PrerequisiteMissingException"/>.</summary>
    public static string Binary()
    {
        var path = Environment.GetEnvironmentVariable("REDIS_SERVER_BIN") is { Length: > 0 } fromEnv ? fromEnv : DefaultBinary;
        if (!File.Exists(path))
            throw new PrerequisiteMissingException($"redis-server was not found at {path}: install Debian's package (apt-get install -y redis-server) or set REDIS_SERVER_BIN.");
        return path;
    }

    /// <summary>
    /// Starts redis-server on a free loopback port and waits until it answers PING (another process taking the port
    /// between the choice and the bind is retried with a new port, up to 3 times).
    /// </summary>
    public static async Task<RedisServer> StartAsync(Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        var binary = Binary();
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(binary, FreeLoopbackPort(), log);
            try
            {
                await server.WaitReadyAsync(TimeSpan.FromSeconds(20), cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Any(l => l.Contains("Address already in use", StringComparison.Ordinal)))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.StopAsync(TimeSpan.FromSeconds(2));
                throw;
            }
        }
    }

    /// <summary>Sends one command (RESP) and returns the reply's first line without its type prefix (<c>PONG</c>, <c>OK</c>, an error's text).</summary>
    public async Task<string> CommandAsync(params string[] arguments)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        var request = new StringBuilder($"*{arguments.Length}\r\n");
        foreach (var argument in arguments)
            request.Append($"${Encoding.UTF8.GetByteCount(argument)}\r\n{argument}\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var line = await reader.ReadLineAsync() ?? throw new IOException("redis-server closed the connection without a reply");
        // Bulk strings ("$3" then the value) and integers (":1") are read as their value.
        if (line.StartsWith('$'))
            return line == "$-1" ? "" : await reader.ReadLineAsync() ?? "";
        return line[1..];
    }

    /// <summary>The keys matching <paramref name="pattern"/> (KEYS; fine for a test's small database).</summary>
    public async Task<IReadOnlyList<string>> KeysAsync(string pattern = "*")
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"*2\r\n$4\r\nKEYS\r\n${Encoding.UTF8.GetByteCount(pattern)}\r\n{pattern}\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var header = await reader.ReadLineAsync() ?? throw new IOException("redis-server closed the connection without a reply");
        if (!header.StartsWith('*'))
            throw new IOException($"KEYS replied {header}");
        var keys = new List<string>();
        for (var i = int.Parse(header[1..], System.Globalization.CultureInfo.InvariantCulture); i > 0; i--)
        {
            await reader.ReadLineAsync(); // $length
            keys.Add(await reader.ReadLineAsync() ?? "");
        }
        return keys;
    }

    /// <summary>
    /// SIGTERM (redis-server exits at once without persistence), SIGKILL if it has not exited within
    /// <paramref name="timeout"/>; then whether the process and the listening port are gone (waits up to 2 s for both).
    /// </summary>
    public async Task<RedisExit> StopAsync(TimeSpan timeout)
    {
        if (_exit is not null)
            return _exit;
        var stopwatch = Stopwatch.StartNew();
        var forced = false;
        if (!_process.HasExited)
        {
            LinuxProcesses.Signal(_process.Id, LinuxProcesses.SIGTERM);
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                forced = true;
                LinuxProcesses.Signal(_process.Id, LinuxProcesses.SIGKILL);
                await _process.WaitForExitAsync();
            }
        }
        var elapsed = stopwatch.Elapsed;
        bool processLeft = true, portOpen = true;
        for (var i = 0; i < 20 && (processLeft || portOpen); i++)
        {
            processLeft = LinuxProcesses.TryRead(_process.Id) is { State: not 'Z', Name: "redis-server" };
            portOpen = await PortAcceptsAsync(Port);
            if (processLeft || portOpen)
                await Task.Delay(100);
        }
        if (processLeft)
            LinuxProcesses.Signal(_process.Id, LinuxProcesses.SIGKILL); // never leave it behind
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still being written: the folder is in /tmp
        }
        _exit = new RedisExit(_process.ExitCode, elapsed, forced, processLeft, portOpen);
        return _exit;
    }

    /// <summary>Stops it (10 s grace) and throws if its process or its port outlived it.</summary>
    public async ValueTask DisposeAsync()
    {
        var exit = await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        if (exit.ProcessLeft || exit.PortStillOpen)
            throw new InvalidOperationException($"redis-server (pid {Pid}, port {Port}) outlived its stop: process left {exit.ProcessLeft}, port open {exit.PortStillOpen}");
    }

    private static RedisServer Launch(string binary, int port, Action<string>? log)
    {
        var directory = Directory.CreateTempSubdirectory("rxmediasoup-redis-").FullName;
        var psi = new ProcessStartInfo(binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", directory, "--daemonize", "no", "--loglevel", "notice",
                 })
            psi.ArgumentList.Add(argument);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + binary);
        var server = new RedisServer(process, port, directory, log);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                await Task.Delay(100, cancellationToken); // let the last lines drain
                throw new InvalidOperationException($"redis-server exited (code {_process.ExitCode}) before answering PING:\n{string.Join('\n', Output)}");
            }
            if (await PortAcceptsAsync(Port))
            {
                try
                {
                    if (await CommandAsync("PING") == "PONG")
                        return;
                }
                catch (IOException)
                {
                    // still loading
                }
            }
            if (stopwatch.Elapsed > timeout)
                throw new TimeoutException($"redis-server did not answer PING within {timeout.TotalSeconds:0} s:\n{string.Join('\n', Output)}");
            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<bool> PortAcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add(line);
        try
        {
            _log?.Invoke("[redis] " + line);
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
}

/// <summary>How a <see cref="RedisServer"/> ended.</summary>
/// <param name="ExitCode">redis-server's exit code (0 after SIGTERM).</param>
/// <param name="Elapsed">From the signal to the exit.</param>
/// <param name="Forced">True if it had to be killed with SIGKILL.</param>
/// <param name="ProcessLeft">True if its process was still alive (not a zombie) 2 s after the exit was seen (it was killed then).</param>
/// <param name="PortStillOpen">True if its port still accepted connections 2 s after the exit.</param>
public sealed record RedisExit(int ExitCode, TimeSpan Elapsed, bool Forced, bool ProcessLeft, bool PortStillOpen);
