namespace RxMediasoup;

/// <summary>
/// How a worker process died unexpectedly: its exit code, or the signal that killed it.
/// </summary>
/// <param name="Pid">The worker's process id.</param>
/// <param name="ExitCode">The exit code when the process exited by itself; null when a signal killed it.</param>
/// <param name="Signal">The signal number that killed the process; null when it exited by itself.</param>
public sealed record WorkerDeath(int Pid, int? ExitCode, int? Signal)
{
    /// <summary>The signal's name (e.g. <c>SIGKILL</c>), or null when no signal killed the process.</summary>
    public string? SignalName => Signal switch
    {
        null => null,
        1 => "SIGHUP", 2 => "SIGINT", 3 => "SIGQUIT", 4 => "SIGILL", 5 => "SIGTRAP", 6 => "SIGABRT",
        7 => "SIGBUS", 8 => "SIGFPE", 9 => "SIGKILL", 10 => "SIGUSR1", 11 => "SIGSEGV", 12 => "SIGUSR2",
        13 => "SIGPIPE", 14 => "SIGALRM", 15 => "SIGTERM",
        int s => $"SIG{s}",
    };

    /// <inheritdoc />
    public override string ToString() => $"[pid:{Pid}, code:{ExitCode?.ToString() ?? "null"}, signal:{SignalName ?? "null"}]";
}
