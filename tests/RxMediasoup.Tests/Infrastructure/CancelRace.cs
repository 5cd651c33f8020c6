namespace RxMediasoup.Tests.Infrastructure;

/// <summary>
/// Cancels a command right after issuing it. A worker may answer before the cancel (an in-process worker can answer
/// within microseconds, while the test's thread was descheduled): then the command completed and the cancel has
/// nothing to undo — a race the test cannot control. So it tries again (after undoing the completed attempt) until a
/// cancel wins, at most <paramref name="attempts"/> times, and fails if none did.
/// </summary>
internal static class CancelRace
{
    public static async Task CancelRightAfterIssuingAsync<T>(Func<CancellationToken, Task<T>> issue, Func<T, Task> undo, int attempts = 20)
    {
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            using var cts = new CancellationTokenSource();
            var command = issue(cts.Token);
            cts.Cancel();
            try
            {
                var completed = await command;
                await undo(completed); // the worker answered before the cancel: the command stands; undo it and try again
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        Assert.Fail($"the worker answered before the cancel in all {attempts} attempts");
    }
}
