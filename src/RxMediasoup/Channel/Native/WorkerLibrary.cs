using System.Runtime.InteropServices;

namespace RxMediasoup.Channel.Native;

/// <summary>
/// <c>libmediasoup-worker.so</c>, loaded once per path with <see cref="NativeLibrary"/>: its entry point
/// <c>mediasoup_worker_run</c> and libuv's <c>uv_async_send</c> (which wakes a worker when the host has messages
/// for it). Built by <c>scripts/build-worker.sh --lib</c> beside the worker binary.
/// </summary>
internal sealed unsafe class WorkerLibrary
{
    /// <summary>The library's file name.</summary>
    public const string FileName = "libmediasoup-worker.so";

    /// <summary>The environment variable naming the library explicitly.</summary>
    public const string EnvironmentVariable = "MEDIASOUP_WORKER_LIB";

    private static readonly Dictionary<string, WorkerLibrary> Loaded = new(StringComparer.Ordinal);

    /// <summary>
    /// <c>int mediasoup_worker_run(int argc, char* argv[], const char* version, int consumerChannelFd,
    /// int producerChannelFd, ChannelReadFn, ChannelReadCtx, ChannelWriteFn, ChannelWriteCtx)</c> (worker/src/lib.cpp).
    /// </summary>
    public readonly delegate* unmanaged[Cdecl]<int, byte**, byte*, int, int, nint, nint, nint, nint, int> Run;

    /// <summary><c>int uv_async_send(uv_async_t*)</c>.</summary>
    public readonly delegate* unmanaged[Cdecl]<nint, int> AsyncSend;

    public string Path { get; }

    private WorkerLibrary(string path, nint handle)
    {
        Path = path;
        Run = (delegate* unmanaged[Cdecl]<int, byte**, byte*, int, int, nint, nint, nint, nint, int>)
            NativeLibrary.GetExport(handle, "mediasoup_worker_run");
        AsyncSend = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(handle, "uv_async_send");
    }

    /// <summary>Loads the library at <paramref name="path"/> (once per process).</summary>
    /// <exception cref="MediasoupException">It cannot be loaded or lacks an entry point.</exception>
    public static WorkerLibrary Load(string path)
    {
        lock (Loaded)
        {
            if (Loaded.TryGetValue(path, out var loaded)) return loaded;
            try
            {
                var library = new WorkerLibrary(path, NativeLibrary.Load(path));
                Loaded[path] = library;
                return library;
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
            {
                throw new MediasoupException($"cannot load the in-process worker library '{path}': {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Finds the library: <c>MEDIASOUP_WORKER_LIB</c>, else beside the worker binary that <see cref="WorkerBinary.Locate"/>
    /// finds with <paramref name="workerBin"/> (where <c>scripts/build-worker.sh --lib</c> puts it).
    /// </summary>
    /// <exception cref="WorkerBinaryNotFoundException">Not found; the message says how to build it.</exception>
    public static string Locate(string? workerBin) => Locate(workerBin, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary><see cref="Locate(string?)"/> with the value of <c>MEDIASOUP_WORKER_LIB</c> given.</summary>
    internal static string Locate(string? workerBin, string? fromEnv)
    {
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (File.Exists(fromEnv)) return System.IO.Path.GetFullPath(fromEnv);
            throw new WorkerBinaryNotFoundException($"{FileName} not found at '{fromEnv}' ({EnvironmentVariable})", [fromEnv]);
        }
        string beside = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(WorkerBinary.Locate(workerBin))!, FileName);
        if (File.Exists(beside)) return beside;
        throw new WorkerBinaryNotFoundException(
            $"{FileName} {MediasoupInfo.WorkerVersion} (WorkerMode.InProcess) not found at '{beside}': set {EnvironmentVariable}, " +
            $"or build it beside the worker binary with `{WorkerBinary.BuildCommand} --lib` from the RxMediasoup repository", [beside]);
    }
}
