using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace RxMediasoup.AcceptanceTests;

/// <summary>
/// The Node signalling server of tests/browser (server.mjs) running as a child process: it spawns the
/// mediasoup-worker under test and serves the test page plus a small JSON signalling API.
/// </summary>
internal sealed class HarnessServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly HttpClient _http;

    private HarnessServer(Process process, int port)
    {
        _process = process;
        Port = port;
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        _http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Port { get; }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the server wrote (stderr, plus unexpected stdout), for failure messages.</summary>
    public string Log => string.Join('\n', _log);

    public static async Task<HarnessServer> StartAsync(AcceptancePrerequisites prereq, TimeSpan startTimeout)
    {
        var psi = new ProcessStartInfo(prereq.NodeBin)
        {
            WorkingDirectory = prereq.HarnessDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--no-warnings");
        psi.ArgumentList.Add("server.mjs");
        psi.ArgumentList.Add("--exit-on-stdin-close");
        psi.Environment["MEDIASOUP_WORKER_BIN"] = prereq.WorkerBin;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start node server.mjs");
        var log = new ConcurrentQueue<string>();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                log.Enqueue(e.Data);
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("server.mjs closed stdout before printing LISTENING"));
                return;
            }
            if (e.Data.StartsWith("LISTENING ", StringComparison.Ordinal) && int.TryParse(e.Data.AsSpan(10), out var p))
                listening.TrySetResult(p);
            else
                log.Enqueue("[stdout] " + e.Data);
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        int port;
        try
        {
            port = await listening.Task.WaitAsync(startTimeout);
        }
        catch (Exception ex)
        {
            KillQuietly(process);
            await Task.Delay(200); // let stderr drain into the log
            process.Dispose();
            Assert.Fail($"server.mjs did not start ({ex.Message}). Its output:\n{string.Join('\n', log)}");
            throw;
        }

        var server = new HarnessServer(process, port);
        foreach (var line in log)
            server._log.Enqueue(line);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                server._log.Enqueue(e.Data);
        };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                server._log.Enqueue("[stdout] " + e.Data);
        };
        return server;
    }

    public async Task<JsonDocument> GetStatusAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("api/status", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET /api/status: HTTP {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                // Graceful: server.mjs closes the worker and exits when its stdin closes.
                try
                {
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // already gone
                }
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    // fall through to the kill below
                }
            }
        }
        finally
        {
            KillQuietly(_process);
            _process.Dispose();
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
    }
}
