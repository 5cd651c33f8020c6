// Shared by the samples (linked into samples/Room and samples/WorkerStats): finds the mediasoup-worker binary and, on
// a first run, builds it with its progress on the terminal. The build runs as a child process that inherits this
// program's stdout and stderr, which is what `dotnet run` shows (an MSBuild Exec target's output it would hide).
using System.Diagnostics;
using System.Reflection;

namespace RxMediasoup.Samples;

/// <summary>Locates mediasoup-worker, building it into the per-user cache when it is missing.</summary>
public static class WorkerBootstrap
{
    /// <summary>
    /// An environment variable holding a command (run with <c>bash -c</c>) that replaces
    /// <c>bash scripts/build-worker.sh</c>; the tests use it to stand in for the 5–12 minute build.
    /// </summary>
    public const string BuildCommandVariable = "RXMEDIASOUP_WORKER_BUILD_COMMAND";

    /// <summary>
    /// Returns the worker binary: <see cref="WorkerBinary.Locate"/>'s answer when there is one; otherwise runs the build
    /// (stand-in command or <c>bash &lt;repo&gt;/scripts/build-worker.sh</c>) with inherited output and locates again.
    /// An explicit <c>MEDIASOUP_WORKER_BIN</c> that does not exist is an error, never a reason to build.
    /// </summary>
    /// <param name="output">Where the one line announcing the build goes (the console by default).</param>
    /// <param name="cancellationToken">Cancels the wait (and kills the build).</param>
    /// <exception cref="WorkerBinaryNotFoundException">The build did not produce the binary.</exception>
    /// <exception cref="InvalidOperationException">The build failed or the build script cannot be found.</exception>
    public static async Task<string> EnsureWorkerAsync(TextWriter? output = null, CancellationToken cancellationToken = default)
    {
        output ??= Console.Out;
        try
        {
            return WorkerBinary.Locate();
        }
        catch (WorkerBinaryNotFoundException) when (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WorkerBinary.EnvironmentVariable)))
        {
        }

        var start = BuildStartInfo();
        output.WriteLine($"building mediasoup-worker {MediasoupInfo.WorkerVersion} (first run, ~5–12 min; later runs start at once)…");
        output.WriteLine($"  into {WorkerBinary.CachePath}");
        output.Flush();
        using var build = Process.Start(start)
            ?? throw new InvalidOperationException($"could not start the worker build ({start.FileName} {string.Join(' ', start.ArgumentList)})");
        try
        {
            await build.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { build.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        if (build.ExitCode != 0)
            throw new InvalidOperationException($"the mediasoup-worker build failed (exit code {build.ExitCode}); its output is above");
        string path = WorkerBinary.Locate();
        output.WriteLine($"mediasoup-worker {MediasoupInfo.WorkerVersion} built: {path}");
        return path;
    }

    private static ProcessStartInfo BuildStartInfo()
    {
        // Inherit stdin/stdout/stderr: the build's progress lines appear on the terminal as they are written.
        var start = new ProcessStartInfo("bash") { UseShellExecute = false };
        string? standIn = Environment.GetEnvironmentVariable(BuildCommandVariable);
        if (!string.IsNullOrWhiteSpace(standIn))
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(standIn);
            return start;
        }
        string script = FindBuildScript()
            ?? throw new InvalidOperationException(
                $"mediasoup-worker {MediasoupInfo.WorkerVersion} is not built and scripts/build-worker.sh was not found " +
                $"(looked above {AppContext.BaseDirectory} and {Environment.CurrentDirectory}); set {WorkerBinary.EnvironmentVariable} " +
                "or run the build script from an RxMediasoup checkout");
        start.ArgumentList.Add(script);
        return start;
    }

    /// <summary>The repository's scripts/build-worker.sh: recorded at build time, else searched above the app and the cwd.</summary>
    private static string? FindBuildScript()
    {
        var recorded = typeof(WorkerBootstrap).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RxMediasoupRepository")?.Value;
        foreach (var start in new[] { recorded, AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "scripts", "build-worker.sh");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }
}
