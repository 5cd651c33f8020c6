namespace RxMediasoup.RoomServerTests;

/// <summary>
/// First run: with no cached worker, the program itself runs the build (here a stand-in command, as
/// RXMEDIASOUP_WORKER_BUILD_COMMAND allows) with its output inherited, announces it first, and starts once it is done.
/// </summary>
public sealed class FirstRunTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("rxmediasoup-firstrun-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string StandIn(string body)
    {
        string script = Path.Combine(_dir.FullName, "stand-in-build.sh");
        File.WriteAllText(script, "set -e\n" + body);
        return $"bash {script}";
    }

    [Fact(Timeout = 90_000)]
    public async Task AnEmptyCacheRunsTheBuildCommandWithItsOutputVisibleThenServesWithTheBuiltWorker()
    {
        string realWorker = WorkerBinary.Locate();
        string cache = Path.Combine(_dir.FullName, "cache");
        string installed = Path.Combine(cache, "mediasoup-worker", MediasoupInfo.WorkerVersion, "mediasoup-worker");
        string command = StandIn($"""
            echo "stand-in build: fetching sources"
            sleep 0.3
            echo "stand-in build: compiling" >&2
            mkdir -p "$(dirname '{installed}')"
            cp '{realWorker}' '{installed}'
            echo "stand-in build: installed"
            """);
        await using var room = await RoomProcess.StartAsync(new Dictionary<string, string?>
        {
            ["RXMEDIASOUP_CACHE_DIR"] = cache,
            ["MEDIASOUP_WORKER_BIN"] = null,
            ["RXMEDIASOUP_WORKER_BUILD_COMMAND"] = command,
        });

        var lines = room.Output;
        int Index(string text) => lines.ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal));
        int announced = Index($"building mediasoup-worker {MediasoupInfo.WorkerVersion} (first run, ~5–12 min");
        Assert.True(announced >= 0, room.OutputText);
        Assert.True(announced < Index("stand-in build: fetching sources"), room.OutputText);
        Assert.True(Index("stand-in build: fetching sources") < Index("stand-in build: installed"), room.OutputText);
        Assert.True(Index("stand-in build: compiling") > announced, room.OutputText);
        Assert.True(Index("stand-in build: installed") < Index("listening on http://127.0.0.1:"), room.OutputText);
        Assert.True(File.Exists(installed));
        // The workers run the binary the build installed.
        var workers = room.WorkerPids();
        Assert.NotEmpty(workers);
        Assert.All(workers, pid => Assert.Equal(installed, new FileInfo($"/proc/{pid}/exe").LinkTarget));
        // And the room works on it.
        var (client, _) = await SignallingClient.JoinAsync(room.WebSocketUrl, "first-run", "p1");
        await client.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task AFailingBuildEndsTheProgramWithExitCodeOneAndAMessageNotAStackTrace()
    {
        string command = StandIn("echo 'stand-in build: no compiler'\nexit 3\n");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.FullName,
        };
        start.ArgumentList.Add(RoomProcess.RoomDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["RXMEDIASOUP_CACHE_DIR"] = Path.Combine(_dir.FullName, "empty-cache");
        start.Environment.Remove("MEDIASOUP_WORKER_BIN");
        start.Environment["RXMEDIASOUP_WORKER_BUILD_COMMAND"] = command;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(45));
        string output = await stdout + await stderr;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("stand-in build: no compiler", output);
        Assert.Contains("error: the mediasoup-worker build failed (exit code 3); its output is above", output);
        LifecycleTests.AssertNoStackTrace(output);
    }
}
