using System.Runtime.InteropServices;

namespace RxMediasoup.RoomLogicTests;

/// <summary>The calling thread's CPU time (Linux: clock_gettime(CLOCK_THREAD_CPUTIME_ID)), unaffected by other processes' load.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now
    {
        get
        {
            if (ClockGetTime(ClockThreadCpuTimeId, out var ts) != 0) throw new InvalidOperationException($"clock_gettime failed ({Marshal.GetLastPInvokeError()})");
            return TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
