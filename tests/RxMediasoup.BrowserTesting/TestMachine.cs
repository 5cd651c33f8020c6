using System.Diagnostics;

namespace RxMediasoup.BrowserTesting;

/// <summary>
/// Locates what browser tests need on this machine: the repository root, the mediasoup-worker binary and Chromium.
/// A missing prerequisite throws <see cref="PrerequisiteMissingException"/> saying how to provide it (tests fail, never skip).
/// </summary>
public static class TestMachine
{
    public const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>The directory holding RxMediasoup.sln, searched upwards from the test's base directory.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxMediasoup.sln")))
                return dir.FullName;
        }
        throw new PrerequisiteMissingException($"Could not find the repository root (RxMediasoup.sln) above {AppContext.BaseDirectory}.");
    }

    /// <summary>CHROMIUM_BIN, else /usr/bin/chromium.</summary>
    public static string Chromium()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_BIN") is { Length: > 0 } fromEnv ? fromEnv : DefaultChromium;
        if (!File.Exists(path))
            throw new PrerequisiteMissingException($"Chromium was not found at {path}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_BIN.");
        return path;
    }

    /// <summary>
    /// MEDIASOUP_WORKER_BIN, else the path printed by <c>bash scripts/build-worker.sh --print-path</c>. Tests pass it to
    /// the sample explicitly so that a missing worker fails here with instructions instead of starting a 10-minute build.
    /// </summary>
    public static string WorkerBinary()
    {
        if (Environment.GetEnvironmentVariable("MEDIASOUP_WORKER_BIN") is { Length: > 0 } fromEnv)
        {
            if (!File.Exists(fromEnv))
                throw new PrerequisiteMissingException($"MEDIASOUP_WORKER_BIN={fromEnv} does not exist.");
            return fromEnv;
        }
        var root = RepoRoot();
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("scripts/build-worker.sh");
        psi.ArgumentList.Add("--print-path");
        using var process = Process.Start(psi) ?? throw new PrerequisiteMissingException("could not start bash scripts/build-worker.sh --print-path");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new PrerequisiteMissingException("bash scripts/build-worker.sh --print-path did not finish within 60 s.");
        }
        var printed = stdout.Result.Trim();
        if (process.ExitCode != 0 || printed.Length == 0 || !File.Exists(printed))
        {
            throw new PrerequisiteMissingException(
                $"mediasoup-worker was not found ({(printed.Length == 0 ? "no path printed" : printed)}; {stderr.Result.Trim()}): " +
                "build it with `bash scripts/build-worker.sh` or set MEDIASOUP_WORKER_BIN.");
        }
        return printed;
    }
}

/// <summary>Something the browser tests need is not installed or built; the message says how to provide it.</summary>
public sealed class PrerequisiteMissingException(string message) : Exception(message);
