using System.Diagnostics;

namespace RxMediasoup.AcceptanceTests;

/// <summary>
/// Locates everything the browser acceptance test needs. Anything missing FAILS the test (never skips)
/// with a message that says how to provide it.
/// </summary>
internal sealed record AcceptancePrerequisites(
    string RepoRoot,
    string HarnessDir,
    string WorkerBin,
    string NodeBin,
    string ChromiumBin)
{
    public const string DefaultChromium = "/usr/bin/chromium";

    public static AcceptancePrerequisites Locate()
    {
        var repoRoot = FindRepoRoot();
        var harnessDir = Path.Combine(repoRoot, "tests", "browser");

        var problems = new List<string>();

        var workerBin = LocateWorker(repoRoot, problems);

        var nodeBin = Environment.GetEnvironmentVariable("NODE_BIN") is { Length: > 0 } nodeOverride
            ? nodeOverride
            : FindOnPath("node");
        if (nodeBin is null || !File.Exists(nodeBin))
            problems.Add("node was not found on PATH (or NODE_BIN): install Node.js >= 20 (apt-get install nodejs npm).");

        foreach (var required in new[] { "node_modules/mediasoup/package.json", "node_modules/mediasoup-client/package.json", "dist/page.bundle.js" })
        {
            if (!File.Exists(Path.Combine(harnessDir, required)))
            {
                problems.Add($"{Path.Combine(harnessDir, required)} is missing: run `bash tests/browser/setup.sh` from the repository root.");
                break;
            }
        }

        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_BIN") is { Length: > 0 } chromiumOverride
            ? chromiumOverride
            : DefaultChromium;
        if (!File.Exists(chromium))
            problems.Add($"Chromium was not found at {chromium}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_BIN.");

        if (problems.Count > 0)
        {
            Assert.Fail("Browser acceptance test prerequisites are missing:\n  - " + string.Join("\n  - ", problems));
        }

        return new AcceptancePrerequisites(repoRoot, harnessDir, workerBin!, nodeBin!, chromium);
    }

    private static string? LocateWorker(string repoRoot, List<string> problems)
    {
        var fromEnv = Environment.GetEnvironmentVariable("MEDIASOUP_WORKER_BIN");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!File.Exists(fromEnv))
            {
                problems.Add($"MEDIASOUP_WORKER_BIN={fromEnv} does not exist.");
                return null;
            }
            return fromEnv;
        }

        string printed;
        try
        {
            printed = RunAndCapture("bash", ["scripts/build-worker.sh", "--print-path"], repoRoot, TimeSpan.FromSeconds(60)).Trim();
        }
        catch (Exception ex)
        {
            problems.Add($"MEDIASOUP_WORKER_BIN is unset and `bash scripts/build-worker.sh --print-path` failed: {ex.Message}");
            return null;
        }

        if (printed.Length == 0 || !File.Exists(printed))
        {
            problems.Add(
                $"mediasoup-worker was not found at {(printed.Length == 0 ? "(no path printed)" : printed)}: " +
                "build it with `bash scripts/build-worker.sh` (or set MEDIASOUP_WORKER_BIN).");
            return null;
        }
        return printed;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxMediasoup.sln")))
                return dir.FullName;
        }
        Assert.Fail($"Could not find the repository root (RxMediasoup.sln) above {AppContext.BaseDirectory}.");
        throw new InvalidOperationException("unreachable");
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static string RunAndCapture(string fileName, string[] args, string workingDirectory, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            psi.ArgumentList.Add(arg);

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:0} s");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"exit code {process.ExitCode}: {stderr.Result.Trim()}");
        return stdout.Result;
    }
}
