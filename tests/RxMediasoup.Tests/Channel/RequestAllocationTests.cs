using RxMediasoup.Tests.Infrastructure;

namespace RxMediasoup.Tests.Channel;

/// <summary>
/// Allocations of a request at steady state (issue 10 §3: at most 200 B per <c>dump()</c>). Measured 192 B: the
/// <c>Task&lt;WorkerDump&gt;</c> (72), the pending request that completes it (40: what only some requests need lives in a
/// subclass), the <see cref="WorkerDump"/> (48) and its <see cref="ChannelMessageHandlers"/> (32); before this check, a
/// closure per command, a delegate boxing a FlatBuffers table per string vector, a dictionary node and a pooled frame
/// made it 872 B.
/// </summary>
[Collection(SerialCollection.Name)]
public class RequestAllocationTests
{
    private const int Count = 5_000;

    // 192 B measured + 30 % margin: GC.GetTotalAllocatedBytes counts the whole process, and the test host's own threads
    // (the runner, timers) allocate now and then during the window (the serial collection keeps other tests out). One
    // closure or boxed table per request more (≥ 64 B) fails it.
    private const long MaxBytesPerDump = 250;

    // A simulated worker answers on the managed heap of this process, so its own allocations would be counted too.
    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task ADumpAllocatesAtMost250BytesAtSteadyState()
    {
        var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        try
        {
            long perDump = await BytesPerDumpAsync(worker);
            Assert.True(perDump <= MaxBytesPerDump, $"{perDump} B allocated per dump() at steady state (at most {MaxBytesPerDump})");
        }
        finally
        {
            await worker.CloseAsync();
        }
        Assert.True(worker.IsSubprocessClosed, "the worker has not exited");
        if (worker.Backend is not RxMediasoup.Channel.InProcessWorker)
            Assert.True(await Processes.WaitUntilGoneAsync(worker.Pid, TimeSpan.FromSeconds(5)), $"worker {worker.Pid} is still running");
    }

    /// <summary>Off the test's synchronization context (its posts would allocate): dumps one after another.</summary>
    private static async Task<long> BytesPerDumpAsync(Worker worker)
    {
        // Warm-up: the JIT's tiers, the thread pool and the channel's buffers settle.
        for (int i = 0; i < 3_000; i++) await worker.DumpAsync().ConfigureAwait(false);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Count; i++) await worker.DumpAsync().ConfigureAwait(false);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / Count;
    }
}
