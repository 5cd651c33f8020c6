using System.Runtime.InteropServices;
using RxMediasoup.Channel.Native;

namespace RxMediasoup;

/// <summary>
/// Finds the mediasoup-worker binary, in this order:
/// <list type="number">
/// <item>an explicit path (<see cref="WorkerSettings.WorkerBin"/>);</item>
/// <item>the <c>MEDIASOUP_WORKER_BIN</c> environment variable (the Node package's name);</item>
/// <item>next to the application, where the <c>RxMediasoup.Worker.linux-x64</c> package (a dependency of the
/// <c>RxMediasoup</c> package) puts it: <c>AppContext.BaseDirectory/mediasoup-worker</c> after a RID-specific build
/// or publish (<c>-r linux-x64</c>), then <c>AppContext.BaseDirectory/runtimes/linux-x64/native/mediasoup-worker</c>
/// after a portable one;</item>
/// <item>the per-user build cache, keyed by version:
/// <c>${RXMEDIASOUP_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/rxmediasoup}/mediasoup-worker/&lt;version&gt;/mediasoup-worker</c>
/// (&lt;version&gt;: <see cref="MediasoupInfo.WorkerVersion"/>),
/// which <c>scripts/build-worker.sh</c> fills.</item>
/// </list>
/// NuGet archives do not keep Unix file modes, so a binary found next to the application that is not executable
/// gets its execute bits (for its owner, and for group and others where they may read it); when that is not
/// allowed, <see cref="Locate"/> throws <see cref="WorkerBinaryNotExecutableException"/> naming the <c>chmod</c> to run.
/// </summary>
public static class WorkerBinary
{
    /// <summary>The environment variable naming the worker binary (same as the Node package).</summary>
    public const string EnvironmentVariable = "MEDIASOUP_WORKER_BIN";

    /// <summary>The command that builds the worker into the cache, from a clone of the repository.</summary>
    public const string BuildCommand = "bash scripts/build-worker.sh";

    /// <summary>The worker's file name, in the cache and in the native package.</summary>
    public const string FileName = "mediasoup-worker";

    /// <summary>Where the cached build of <see cref="MediasoupInfo.WorkerVersion"/> lives.</summary>
    public static string CachePath
    {
        get
        {
            string? root = Environment.GetEnvironmentVariable("RXMEDIASOUP_CACHE_DIR");
            if (string.IsNullOrEmpty(root))
            {
                string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                string baseDir = !string.IsNullOrEmpty(xdg)
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
                root = Path.Combine(baseDir, "rxmediasoup");
            }
            return Path.Combine(root, FileName, MediasoupInfo.WorkerVersion, FileName);
        }
    }

    /// <summary>
    /// Where the native package puts the worker next to an application in <paramref name="appDirectory"/>, in the
    /// order they are tried: flat (RID-specific build or publish), then under <c>runtimes/linux-&lt;arch&gt;/native/</c>.
    /// </summary>
    /// <param name="appDirectory">The application's directory (<see cref="AppContext.BaseDirectory"/>).</param>
    public static IReadOnlyList<string> PackagedPaths(string appDirectory)
    {
        string rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return [Path.Combine(appDirectory, FileName), Path.Combine(appDirectory, "runtimes", rid, "native", FileName)];
    }

    /// <summary>
    /// Returns the worker binary to run (see the class remarks for the order).
    /// </summary>
    /// <param name="explicitPath">A path that takes precedence over everything else.</param>
    /// <exception cref="WorkerBinaryNotFoundException">No binary exists where it was looked for.</exception>
    /// <exception cref="WorkerBinaryNotExecutableException">The binary next to the application is not executable
    /// and its mode cannot be fixed.</exception>
    public static string Locate(string? explicitPath = null) =>
        LocateIn(explicitPath, Environment.GetEnvironmentVariable(EnvironmentVariable), AppContext.BaseDirectory, CachePath);

    internal static string LocateIn(string? explicitPath, string? fromEnv, string appDirectory, string cachePath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (File.Exists(explicitPath)) return Path.GetFullPath(explicitPath);
            throw new WorkerBinaryNotFoundException(
                $"mediasoup-worker not found at '{explicitPath}' (WorkerSettings.WorkerBin)", [explicitPath]);
        }
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (File.Exists(fromEnv)) return Path.GetFullPath(fromEnv);
            throw new WorkerBinaryNotFoundException(
                $"mediasoup-worker not found at '{fromEnv}' ({EnvironmentVariable})", [fromEnv]);
        }
        var searched = new List<string>();
        foreach (string packaged in PackagedPaths(appDirectory))
        {
            searched.Add(packaged);
            if (!File.Exists(packaged)) continue;
            string full = Path.GetFullPath(packaged);
            EnsureExecutable(full, IsExecutable, SetMode);
            return full;
        }
        searched.Add(cachePath);
        if (File.Exists(cachePath)) return cachePath;
        throw new WorkerBinaryNotFoundException(
            $"mediasoup-worker {MediasoupInfo.WorkerVersion} not found: add the RxMediasoup.Worker.linux-x64 package " +
            $"(a dependency of the RxMediasoup package), set WorkerSettings.WorkerBin or {EnvironmentVariable}, " +
            $"or build it into the cache ('{cachePath}') with `{BuildCommand}` from the RxMediasoup repository " +
            $"(about 5 to 12 minutes on 2 cores the first time); looked at: {string.Join(", ", searched)}", searched);
    }

    private static bool IsExecutable(string path) => LibC.access(path, LibC.X_OK) == 0;

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode);
    }

    /// <summary>
    /// Makes <paramref name="path"/> executable when it is not: adds the owner's execute bit, and group's and others'
    /// where they may read it. Throws <see cref="WorkerBinaryNotExecutableException"/> when the mode cannot be changed
    /// or the file still cannot be executed (e.g. a <c>noexec</c> mount).
    /// </summary>
    internal static void EnsureExecutable(string path, Func<string, bool> isExecutable, Action<string, UnixFileMode> setMode)
    {
        if (OperatingSystem.IsWindows() || isExecutable(path)) return;
        string chmod = $"chmod a+x '{path}'";
        try
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            mode |= UnixFileMode.UserExecute;
            if (mode.HasFlag(UnixFileMode.GroupRead)) mode |= UnixFileMode.GroupExecute;
            if (mode.HasFlag(UnixFileMode.OtherRead)) mode |= UnixFileMode.OtherExecute;
            setMode(path, mode);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new WorkerBinaryNotExecutableException(
                $"mediasoup-worker at '{path}' is not executable and its mode cannot be changed by this user ({e.Message}): " +
                $"run `{chmod}` as its owner or root, or point WorkerSettings.WorkerBin or {EnvironmentVariable} at an executable copy",
                path, e);
        }
        if (!isExecutable(path))
        {
            throw new WorkerBinaryNotExecutableException(
                $"mediasoup-worker at '{path}' is still not executable after `{chmod}` (a noexec mount, or a directory this " +
                $"user cannot search?): point WorkerSettings.WorkerBin or {EnvironmentVariable} at an executable copy",
                path, null);
        }
    }
}

/// <summary>The mediasoup-worker binary was not found; the message says how to build it.</summary>
public sealed class WorkerBinaryNotFoundException : MediasoupException
{
    /// <summary>Creates the exception.</summary>
    public WorkerBinaryNotFoundException(string message, IReadOnlyList<string> searchedPaths) : base(message)
        => SearchedPaths = searchedPaths;

    /// <summary>The paths that were tried.</summary>
    public IReadOnlyList<string> SearchedPaths { get; }
}

/// <summary>
/// The mediasoup-worker binary found next to the application is not executable and this process cannot make it so;
/// the message names the <c>chmod</c> to run.
/// </summary>
public sealed class WorkerBinaryNotExecutableException : MediasoupException
{
    /// <summary>Creates the exception.</summary>
    public WorkerBinaryNotExecutableException(string message, string path, Exception? innerException)
        : base(message, innerException) => Path = path;

    /// <summary>The binary that is not executable.</summary>
    public string Path { get; }
}
