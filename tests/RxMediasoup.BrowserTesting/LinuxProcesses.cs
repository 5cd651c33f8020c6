using System.Globalization;
using System.Runtime.InteropServices;

namespace RxMediasoup.BrowserTesting;

/// <summary>One line of /proc/PID/stat: what the fixture needs to find a process's children and its group.</summary>
public sealed record ProcInfo(int Pid, string Name, char State, int ParentPid, int ProcessGroup, long CpuTicks);

/// <summary>
/// Linux process facts read from /proc, and signals sent with kill(2). Used to find the mediasoup-worker
/// children of a sample process and to make sure none is left once the sample has exited.
/// </summary>
public static partial class LinuxProcesses
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>
    /// mediasoup-worker's name as /proc/PID/stat shows it: the kernel keeps 15 characters of a command name
    /// (TASK_COMM_LEN 16), so "mediasoup-worker" reads "mediasoup-worke".
    /// </summary>
    public const string WorkerName = "mediasoup-worke";

    /// <summary>Every process currently listed in /proc (zombies included, with state 'Z').</summary>
    public static IReadOnlyList<ProcInfo> All()
    {
        var result = new List<ProcInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            if (TryRead(pid) is { } info)
                result.Add(info);
        }
        return result;
    }

    /// <summary>The process's /proc/PID/stat, or null once it is gone.</summary>
    public static ProcInfo? TryRead(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ..."
        // comm may contain spaces and parentheses: it ends at the LAST ')'.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
            return null;
        var name = stat[(open + 1)..close];
        var fields = stat[(close + 2)..].Split(' ');
        long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
        return new ProcInfo(pid, name, fields[0][0], (int)Field(1), (int)Field(2), Field(11) + Field(12));
    }

    /// <summary>Live (non-zombie) children of <paramref name="parentPid"/> named <paramref name="name"/> (any name if null; /proc's 15-character names).</summary>
    public static IReadOnlyList<ProcInfo> ChildrenOf(int parentPid, string? name = null) =>
        All().Where(p => p.ParentPid == parentPid && p.State != 'Z' && (name is null || p.Name == name)).ToList();

    /// <summary>Live (non-zombie) members of process group <paramref name="processGroup"/>.</summary>
    public static IReadOnlyList<ProcInfo> InGroup(int processGroup) =>
        All().Where(p => p.ProcessGroup == processGroup && p.State != 'Z').ToList();

    /// <summary>Live (non-zombie) processes called mediasoup-worker anywhere on the machine.</summary>
    public static IReadOnlyList<ProcInfo> Workers() =>
        All().Where(p => p.Name == WorkerName && p.State != 'Z').ToList();

    /// <summary>kill(2) on one process; false if it does not exist (ESRCH).</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>kill(2) on a whole process group (kill(-pgid, signal)); false if the group is empty.</summary>
    public static bool SignalGroup(int processGroup, int signal) => kill(-processGroup, signal) == 0;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
