using RxMediasoup.Channel.Native;

namespace RxMediasoup.Tests.Infrastructure;

/// <summary>Linux process facts read from /proc, and signals, for tests of process hygiene.</summary>
public static class Processes
{
    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (SimulatedTestWorkers.TryGet(pid) is { } simulated) return !simulated.HasExited;
        var stat = Stat(pid);
        return stat is not null && stat.Value.State != 'Z';
    }

    /// <summary>The process group id of <paramref name="pid"/>.</summary>
    public static int ProcessGroup(int pid) => Stat(pid)?.Pgrp ?? throw new InvalidOperationException($"no process {pid}");

    public static void Signal(int pid, int signal)
    {
        // A simulated worker's pid is fake: its simulated process takes the signal.
        if (SimulatedTestWorkers.TryGet(pid) is { } simulated)
        {
            if (!simulated.Signal(signal)) throw new InvalidOperationException($"kill({pid}, {signal}): the simulated worker has ended");
            return;
        }
        // An in-process worker's Pid is a thread of this process: a signal would hit the test host.
        if (pid == Environment.ProcessId || Directory.Exists($"/proc/self/task/{pid}"))
            throw new InvalidOperationException(
                $"refusing to signal {pid}, a thread of the test host (an in-process worker): mark the test " +
                $"[Trait(\"WorkerMode\", \"{TestWorkerMode.SubprocessOnly}\")] or end the worker with TestWorkerMode.Kill");
        if (LibC.kill(pid, signal) != 0) throw new InvalidOperationException($"kill({pid}, {signal}) failed");
    }

    public static async Task<bool> WaitUntilGoneAsync(int pid, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (!IsAlive(pid)) return true;
            await Task.Delay(50);
        }
        return !IsAlive(pid);
    }

    private static (char State, int Pgrp)? Stat(int pid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid pgrp ...; comm may contain spaces, so split after the last ')'.
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (rest[0][0], int.Parse(rest[2]));
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
