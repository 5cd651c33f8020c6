namespace RxMediasoup;

/// <summary>
/// The worker process's resource usage (<c>getrusage(2)</c>, through libuv), as returned by
/// <see cref="Worker.GetResourceUsageAsync"/>. Field names follow <c>struct rusage</c>.
/// </summary>
public sealed record WorkerResourceUsage
{
    /// <summary><c>ru_utime</c>: user CPU time used.</summary>
    public TimeSpan UserCpuTime { get; init; }

    /// <summary><c>ru_stime</c>: system CPU time used.</summary>
    public TimeSpan SystemCpuTime { get; init; }

    /// <summary><c>ru_maxrss</c>: maximum resident set size, in kilobytes.</summary>
    public ulong MaxResidentSetSize { get; init; }

    /// <summary><c>ru_ixrss</c>: integral shared memory size.</summary>
    public ulong SharedMemorySize { get; init; }

    /// <summary><c>ru_idrss</c>: integral unshared data size.</summary>
    public ulong UnsharedDataSize { get; init; }

    /// <summary><c>ru_isrss</c>: integral unshared stack size.</summary>
    public ulong UnsharedStackSize { get; init; }

    /// <summary><c>ru_minflt</c>: page reclaims (soft page faults).</summary>
    public ulong MinorPageFaults { get; init; }

    /// <summary><c>ru_majflt</c>: page faults (hard page faults).</summary>
    public ulong MajorPageFaults { get; init; }

    /// <summary><c>ru_nswap</c>: swaps.</summary>
    public ulong Swaps { get; init; }

    /// <summary><c>ru_inblock</c>: block input operations.</summary>
    public ulong BlockInputOperations { get; init; }

    /// <summary><c>ru_oublock</c>: block output operations.</summary>
    public ulong BlockOutputOperations { get; init; }

    /// <summary><c>ru_msgsnd</c>: IPC messages sent.</summary>
    public ulong IpcMessagesSent { get; init; }

    /// <summary><c>ru_msgrcv</c>: IPC messages received.</summary>
    public ulong IpcMessagesReceived { get; init; }

    /// <summary><c>ru_nsignals</c>: signals received.</summary>
    public ulong SignalsReceived { get; init; }

    /// <summary><c>ru_nvcsw</c>: voluntary context switches.</summary>
    public ulong VoluntaryContextSwitches { get; init; }

    /// <summary><c>ru_nivcsw</c>: involuntary context switches.</summary>
    public ulong InvoluntaryContextSwitches { get; init; }
}
