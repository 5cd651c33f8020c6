namespace RxMediasoup;

/// <summary>
/// Finds the mediasoup-worker binary, in this order:
/// <list type="number">
/// <item>an explicit path (<see cref="WorkerSettings.WorkerBin"/>);</item>
/// <item>the <c>MEDIASOUP_WORKER_BIN</c> environment variable (the Node package's name);</item>
/// <item>the per-user build cache, keyed by version:
/// <c>${RXMEDIASOUP_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/rxmediasoup}/mediasoup-worker/&lt;version&gt;/mediasoup-worker</c>
/// (&lt;version&gt;: <see cref="MediasoupInfo.WorkerVersion"/>),
/// which <c>scripts/build-worker.sh</c> fills.</item>
/// </list>
/// </summary>
public static class WorkerBinary
{
    /// <summary>The environment variable naming the worker binary (same as the Node package).</summary>
    public const string EnvironmentVariable = "MEDIASOUP_WORKER_BIN";

    /// <summary>The command that builds the worker into the cache, from a clone of the repository.</summary>
    public const string BuildCommand = "bash scripts/build-worker.sh";

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
            return Path.Combine(root, "mediasoup-worker", MediasoupInfo.WorkerVersion, "mediasoup-worker");
        }
    }

    /// <summary>
    /// Returns the worker binary to run.
    /// </summary>
    /// <param name="explicitPath">A path that takes precedence over everything else.</param>
    /// <exception cref="WorkerBinaryNotFoundException">No binary exists where it was looked for.</exception>
    public static string Locate(string? explicitPath = null)
    {
        var searched = new List<string>();
        if (!string.IsNullOrEmpty(explicitPath))
        {
            if (File.Exists(explicitPath)) return Path.GetFullPath(explicitPath);
            throw new WorkerBinaryNotFoundException(
                $"mediasoup-worker not found at '{explicitPath}' (WorkerSettings.WorkerBin)", [explicitPath]);
        }
        string? fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (File.Exists(fromEnv)) return Path.GetFullPath(fromEnv);
            throw new WorkerBinaryNotFoundException(
                $"mediasoup-worker not found at '{fromEnv}' ({EnvironmentVariable})", [fromEnv]);
        }
        string cached = CachePath;
        searched.Add(cached);
        if (File.Exists(cached)) return cached;
        throw new WorkerBinaryNotFoundException(
            $"mediasoup-worker {MediasoupInfo.WorkerVersion} not found: set WorkerSettings.WorkerBin or {EnvironmentVariable}, " +
            $"or build it into the cache ('{cached}') with `{BuildCommand}` from the RxMediasoup repository " +
            "(about 5 to 12 minutes on 2 cores the first time)", searched);
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
