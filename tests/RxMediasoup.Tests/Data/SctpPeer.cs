using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace RxMediasoup.Tests.Data;

/// <summary>
/// A real SCTP-over-UDP peer: werift-sctp (npm) in a Node process (tests/sctp-peer/peer.mjs), driven over
/// stdin/stdout with JSON lines. Missing prerequisites FAIL the test (never skip), saying how to provide them.
/// </summary>
internal sealed class SctpPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<JsonElement> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Threading.Channels.Channel<(int StreamId, uint Ppid, byte[] Data)> _messages = System.Threading.Channels.Channel.CreateUnbounded<(int, uint, byte[])>();
    private readonly List<string> _stderr = [];
    private readonly Task _reader;

    private SctpPeer(Process process)
    {
        _process = process;
        _reader = Task.Run(ReadAsync);
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        _process.BeginErrorReadLine();
    }

    /// <summary>Resolves with the peer's "connected" event once its SCTP association is established.</summary>
    public Task<JsonElement> Connected => _connected.Task;

    /// <summary>Messages the peer received: (stream id, PPID, payload).</summary>
    public ChannelReader<(int StreamId, uint Ppid, byte[] Data)> Messages => _messages.Reader;

    /// <summary>Starts the peer, which connects (as SCTP client) to <paramref name="address"/>:<paramref name="port"/> at once.</summary>
    public static SctpPeer Start(string address, int port)
    {
        string dir = Path.Combine(FindRepoRoot(), "tests", "sctp-peer");
        if (!File.Exists(Path.Combine(dir, "node_modules", "werift-sctp", "package.json")))
            Assert.Fail($"{dir}/node_modules/werift-sctp is missing: run `bash tests/sctp-peer/setup.sh` from the repository root.");
        string node = Environment.GetEnvironmentVariable("NODE_BIN") is { Length: > 0 } nodeBin ? nodeBin : "node";
        var info = new ProcessStartInfo(node)
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("peer.mjs");
        info.ArgumentList.Add(address);
        info.ArgumentList.Add(port.ToString());
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e)
        {
            Assert.Fail($"could not start node ({node}): {e.Message}; install Node.js >= 20 or set NODE_BIN.");
            throw;
        }
        return new SctpPeer(process);
    }

    /// <summary>Sends one SCTP message (messages are sent in call order).</summary>
    public async Task SendAsync(int streamId, uint ppid, byte[] data)
    {
        string line = JsonSerializer.Serialize(new { cmd = "send", streamId, ppid, data = Convert.ToBase64String(data) });
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>What the peer wrote to stderr (for failure messages).</summary>
    public string Stderr { get { lock (_stderr) return string.Join('\n', _stderr); } }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await _process.StandardInput.WriteLineAsync("""{"cmd":"stop"}""");
                await _process.StandardInput.FlushAsync();
                _process.StandardInput.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try { await _process.WaitForExitAsync(cts.Token); }
                catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
        }
        await _reader.ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                switch (root.GetProperty("event").GetString())
                {
                    case "connected":
                        _connected.TrySetResult(root.Clone());
                        break;
                    case "message":
                        _messages.Writer.TryWrite((root.GetProperty("streamId").GetInt32(), root.GetProperty("ppid").GetUInt32(),
                            Convert.FromBase64String(root.GetProperty("data").GetString()!)));
                        break;
                    case "error":
                        _connected.TrySetException(new InvalidOperationException($"sctp peer: {root.GetProperty("message").GetString()}"));
                        break;
                }
            }
            _connected.TrySetException(new InvalidOperationException($"sctp peer exited: {Stderr}"));
        }
        catch (Exception e)
        {
            _connected.TrySetException(e);
        }
        finally
        {
            _messages.Writer.TryComplete();
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RxMediasoup.sln"))) return dir.FullName;
        Assert.Fail($"Could not find the repository root (RxMediasoup.sln) above {AppContext.BaseDirectory}.");
        throw new InvalidOperationException("unreachable");
    }
}
