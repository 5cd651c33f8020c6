using System.Diagnostics;

namespace RxMediasoup.BrowserTesting;

/// <summary>Polling until a condition holds, with a timeout message that shows the last observed value.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(
        Func<Task<T>> sample,
        Func<T, bool> condition,
        TimeSpan timeout,
        string what,
        Func<T, string>? describe = null,
        Func<string>? context = null,
        int periodMs = 200)
    {
        var stopwatch = Stopwatch.StartNew();
        T? last = default;
        Exception? lastError = null;
        while (true)
        {
            try
            {
                last = await sample();
                lastError = null;
                if (condition(last))
                    return last;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                lastError = ex; // a page in the middle of a reload, for instance; the timeout reports it
            }
            if (stopwatch.Elapsed > timeout)
            {
                var seen = last is null ? "(nothing)" : describe?.Invoke(last) ?? last.ToString();
                throw new TimeoutException(
                    $"{what}: not reached within {timeout.TotalSeconds:0.#} s. Last seen: {seen}"
                    + (lastError is null ? "" : $"\nLast error: {lastError.Message}")
                    + (context is null ? "" : "\n--- context ---\n" + context()));
            }
            await Task.Delay(periodMs);
        }
    }
}
