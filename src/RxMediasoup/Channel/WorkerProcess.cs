using System.Collections;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel.Native;

namespace RxMediasoup.Channel;

/// <summary>
/// A spawned mediasoup-worker process. Its channel is one AF_UNIX stream socket pair whose child end is
/// duplicated onto fd 3 (the worker reads requests) and fd 4 (the worker writes responses); stdin is
/// /dev/null and stdout/stderr are socket pairs forwarded to logging.
/// Hygiene: every parent-side descriptor is close-on-exec (no other child inherits the channel, so a host
/// that dies always closes it and the worker exits), the worker gets its own process group (a Ctrl+C in
/// the host's terminal does not reach it), default signal dispositions and an empty signal mask, and a
/// dedicated thread reaps it with waitpid and records its exit code or signal.
/// </summary>
internal sealed class WorkerProcess : IWorkerBackend
{
    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _recentStderr = new();
    private readonly TaskCompletionSource _outputDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openOutputs = 2;
    private int _reaped;

    public int Pid { get; }

    /// <summary>The parent's end of the channel (both directions).</summary>
    public Socket ChannelSocket { get; }

    /// <inheritdoc/>
    public IWorkerTransport Transport { get; }

    /// <inheritdoc/>
    public string RunningHandlerId => Pid.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Completes once the process has exited and been reaped.</summary>
    public Task<ProcessExit> Exited => _exited.Task;

    public bool HasExited => Volatile.Read(ref _reaped) != 0;

    /// <summary>Completes when both stdout and stderr reached end of file.</summary>
    public Task OutputDrained => _outputDrained.Task;

    /// <summary>The last lines the worker wrote to stderr (at most 20), e.g. to explain a start-up failure.</summary>
    public IReadOnlyList<string> RecentStderr => _recentStderr.ToArray();

    private WorkerProcess(int pid, Socket channel, ILogger logger)
    {
        Pid = pid;
        ChannelSocket = channel;
        Transport = new SocketTransport(channel);
        _logger = logger;
    }

    /// <summary>Spawns <paramref name="path"/> with <paramref name="args"/> (not including argv[0]).</summary>
    /// <exception cref="MediasoupException">posix_spawn failed (e.g. the binary does not exist or is not executable).</exception>
    public static unsafe WorkerProcess Spawn(string path, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> extraEnv, ILogger logger)
    {
        int* channel = stackalloc int[2];
        int* stdoutPair = stackalloc int[2];
        int* stderrPair = stackalloc int[2];
        channel[0] = channel[1] = stdoutPair[0] = stdoutPair[1] = stderrPair[0] = stderrPair[1] = -1;
        void* actions = NativeMemory.AllocZeroed(LibC.FileActionsSize);
        void* attr = NativeMemory.AllocZeroed(LibC.SpawnAttrSize);
        void* sigset = NativeMemory.AllocZeroed(LibC.SigSetSize);
        var strings = new List<IntPtr>();
        bool actionsInit = false, attrInit = false;
        try
        {
            CreatePair(channel);
            CreatePair(stdoutPair);
            CreatePair(stderrPair);

            Check(LibC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
            actionsInit = true;
            Check(LibC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", LibC.O_RDONLY, 0), "addopen stdin");
            Check(LibC.posix_spawn_file_actions_adddup2(actions, stdoutPair[1], 1), "adddup2 stdout");
            Check(LibC.posix_spawn_file_actions_adddup2(actions, stderrPair[1], 2), "adddup2 stderr");
            Check(LibC.posix_spawn_file_actions_adddup2(actions, channel[1], 3), "adddup2 fd 3");
            Check(LibC.posix_spawn_file_actions_adddup2(actions, channel[1], 4), "adddup2 fd 4");

            Check(LibC.posix_spawnattr_init(attr), "posix_spawnattr_init");
            attrInit = true;
            Check(LibC.posix_spawnattr_setflags(attr,
                (short)(LibC.POSIX_SPAWN_SETPGROUP | LibC.POSIX_SPAWN_SETSIGDEF | LibC.POSIX_SPAWN_SETSIGMASK)), "setflags");
            Check(LibC.posix_spawnattr_setpgroup(attr, 0), "setpgroup");
            LibC.sigfillset(sigset);
            Check(LibC.posix_spawnattr_setsigdefault(attr, sigset), "setsigdefault");
            LibC.sigemptyset(sigset);
            Check(LibC.posix_spawnattr_setsigmask(attr, sigset), "setsigmask");

            byte* pathZ = LibC.Utf8Z(path, strings);
            var argv = stackalloc byte*[args.Count + 2];
            argv[0] = pathZ;
            for (int i = 0; i < args.Count; i++) argv[i + 1] = LibC.Utf8Z(args[i], strings);
            argv[args.Count + 1] = null;

            var env = BuildEnvironment(extraEnv);
            var envp = (byte**)NativeMemory.Alloc((nuint)(env.Count + 1), (nuint)sizeof(byte*));
            strings.Add((IntPtr)envp);
            for (int i = 0; i < env.Count; i++) envp[i] = LibC.Utf8Z(env[i], strings);
            envp[env.Count] = null;

            int pid;
            int rc = LibC.posix_spawn(&pid, pathZ, actions, attr, argv, envp);
            if (rc != 0)
                throw new MediasoupException($"failed to spawn mediasoup-worker '{path}': {LibC.ErrorText(rc)}");

            // The child's ends now live in the child only.
            LibC.close(channel[1]); channel[1] = -1;
            LibC.close(stdoutPair[1]); stdoutPair[1] = -1;
            LibC.close(stderrPair[1]); stderrPair[1] = -1;

            var process = new WorkerProcess(pid, ToSocket(ref channel[0]), logger);
            process.StartReaper();
            process.ForwardOutput(ToSocket(ref stdoutPair[0]), LogLevel.Debug, "stdout");
            process.ForwardOutput(ToSocket(ref stderrPair[0]), LogLevel.Error, "stderr");
            return process;
        }
        finally
        {
            if (actionsInit) LibC.posix_spawn_file_actions_destroy(actions);
            if (attrInit) LibC.posix_spawnattr_destroy(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(attr);
            NativeMemory.Free(sigset);
            foreach (var p in strings) NativeMemory.Free((void*)p);
            for (int i = 0; i < 2; i++)
            {
                if (channel[i] >= 0) LibC.close(channel[i]);
                if (stdoutPair[i] >= 0) LibC.close(stdoutPair[i]);
                if (stderrPair[i] >= 0) LibC.close(stderrPair[i]);
            }
        }
    }

    /// <summary>Sends a signal to the worker (no-op once it has been reaped, so a recycled pid is never hit).</summary>
    public bool Signal(int signal)
    {
        if (HasExited) return false;
        return LibC.kill(Pid, signal) == 0;
    }

    /// <summary>SIGKILL (see <see cref="Signal"/>).</summary>
    public bool Kill() => Signal(LibC.SIGKILL);

    public void Dispose()
    {
        ChannelSocket.Dispose();
    }

    private unsafe void StartReaper()
    {
        var thread = new Thread(() =>
        {
            int status = 0;
            while (true)
            {
                int r = LibC.waitpid(Pid, &status, 0);
                if (r == Pid) break;
                int errno = Marshal.GetLastPInvokeError();
                if (r == -1 && errno == LibC.EINTR) continue;
                // ECHILD: someone else reaped it (should not happen); report an unknown exit.
                _logger.LogWarning("waitpid({Pid}) failed: {Error}", Pid, LibC.ErrorText(errno));
                Volatile.Write(ref _reaped, 1);
                _exited.TrySetResult(new ProcessExit(null, null));
                return;
            }
            var exit = LibC.WIfExited(status)
                ? new ProcessExit(LibC.WExitStatus(status), null)
                : new ProcessExit(null, LibC.WTermSig(status));
            Volatile.Write(ref _reaped, 1);
            _exited.TrySetResult(exit);
        })
        {
            IsBackground = true,
            Name = $"mediasoup-worker {Pid} reaper",
        };
        thread.Start();
    }

    private void ForwardOutput(Socket socket, LogLevel level, string stream)
    {
        _ = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            var pending = new StringBuilder();
            try
            {
                while (true)
                {
                    int n = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                    if (n == 0) break;
                    pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
                    EmitLines(pending, level, stream, flush: false);
                }
            }
            catch (SocketException) { }
            catch (ObjectDisposedException) { }
            finally
            {
                EmitLines(pending, level, stream, flush: true);
                socket.Dispose();
                if (Interlocked.Decrement(ref _openOutputs) == 0) _outputDrained.TrySetResult();
            }
        });
    }

    private void EmitLines(StringBuilder pending, LogLevel level, string stream, bool flush)
    {
        var text = pending.ToString();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            if (i > start) EmitLine(level, stream, text[start..i]);
            start = i + 1;
        }
        pending.Clear();
        if (start < text.Length)
        {
            if (flush) EmitLine(level, stream, text[start..]);
            else pending.Append(text, start, text.Length - start);
        }
    }

    private void EmitLine(LogLevel level, string stream, string line)
    {
        if (stream == "stderr")
        {
            _recentStderr.Enqueue(line);
            while (_recentStderr.Count > 20) _recentStderr.TryDequeue(out _);
        }
        if (_logger.IsEnabled(level)) _logger.Log(level, "worker[pid:{Pid}] ({Stream}) {Line}", Pid, stream, line);
    }

    private static List<string> BuildEnvironment(IReadOnlyDictionary<string, string> extra)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in extra) env[pair.Key] = pair.Value;
        // As the Node package does: the host's environment wins over the defaults given here.
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            env[(string)e.Key] = (string?)e.Value ?? "";
        return env.Select(p => $"{p.Key}={p.Value}").ToList();
    }

    private static unsafe void CreatePair(int* fds)
    {
        if (LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0, fds) != 0)
            throw new MediasoupException($"socketpair failed: {LibC.ErrorText(Marshal.GetLastPInvokeError())}");
    }

    private static Socket ToSocket(ref int fd)
    {
        var socket = new Socket(new SafeSocketHandle((IntPtr)fd, ownsHandle: true));
        fd = -1;
        return socket;
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0) throw new MediasoupException($"{what} failed: {LibC.ErrorText(rc)}");
    }
}
