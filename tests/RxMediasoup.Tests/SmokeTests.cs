using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Tests;

/// <summary>Port of the non-ORTC cases of mediasoup 3.27.1 node/lib/test/test-mediasoup.js.</summary>
public class SmokeTests
{
    private static string RepoFile(string relative, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", relative));

    [Fact]
    [NodeCase("test-mediasoup.js", "mediasoup.version matches version field in package.json")]
    public void VersionMatchesTheWorkerVersionTheBuildIsPinnedTo()
    {
        // The build pins the worker version in Directory.Build.props (the analogue of package.json).
        string props = File.ReadAllText(RepoFile("Directory.Build.props"));
        string pinned = Regex.Match(props, "<MediasoupVersion>([^<]+)</MediasoupVersion>").Groups[1].Value;
        Assert.Equal(pinned, MediasoupInfo.WorkerVersion);
        Assert.Matches(@"^\d+\.\d+\.\d+$", MediasoupInfo.WorkerVersion);
        // scripts/build-worker.sh reads the same version: it builds into the path the library looks in.
        var psi = new System.Diagnostics.ProcessStartInfo("bash", [RepoFile("scripts/build-worker.sh"), "--print-path"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment.Remove("MEDIASOUP_VERSION_TO_BUILD");
        using (var script = System.Diagnostics.Process.Start(psi)!)
        {
            string printed = script.StandardOutput.ReadToEnd().Trim();
            script.WaitForExit();
            Assert.Equal(0, script.ExitCode);
            Assert.Equal(WorkerBinary.CachePath, printed);
        }
        // And the cached worker build records the same version.
        string info = Path.Combine(Path.GetDirectoryName(WorkerBinary.CachePath)!, "BUILD-INFO");
        if (Environment.GetEnvironmentVariable(WorkerBinary.EnvironmentVariable) is not { Length: > 0 })
            Assert.Contains($"version={MediasoupInfo.WorkerVersion}", File.ReadAllText(info));
    }

    [Fact]
    [NodeCase("test-mediasoup.js", "mediasoup.setLoggerEventListeners() succeeds")]
    public async Task LoggerFactoryReceivesTheLibrarysDebugLogs()
    {
        // Node's setLogEventListeners({ ondebug }) is WorkerSettings.LoggerFactory here.
        var logs = new CapturingLoggerFactory();
        var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { LoggerFactory = logs });
        await worker.CloseAsync();
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Debug && e.Category.StartsWith("RxMediasoup", StringComparison.Ordinal));
    }
}
