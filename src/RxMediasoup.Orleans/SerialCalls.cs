namespace RxMediasoup.Orleans;

/// <summary>
/// Remote calls made one at a time, in the order posted (e.g. the pause states of a producer sent to the room grain):
/// each starts when the previous one finished, failed or not.
/// </summary>
internal sealed class SerialCalls
{
    private readonly object _gate = new();
    private Task _tail = Task.CompletedTask;

    /// <summary>Queues <paramref name="call"/> behind the calls posted before; it must not throw (wrap it in a handler).</summary>
    public void Post(Func<Task> call)
    {
        lock (_gate)
            _tail = _tail.ContinueWith(_ => call(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }
}
