namespace RxMediasoup;

/// <summary>
/// Applies the state changes of commands (pause/resume) in the order the commands were issued, whatever order their
/// continuations run in: the channel completes requests in worker order, but their awaiters resume on the thread pool
/// and may overtake each other. Like mediasoup's single-threaded Node objects, a burst of un-awaited
/// pause/resume/pause… calls then yields every intermediate state, in order, and ends in the last command's state.
/// A command's task completes only after its own state change was applied.
/// </summary>
internal sealed class OrderedStateUpdates
{
    private readonly object _gate = new();
    private readonly SortedDictionary<long, Entry> _ready = [];
    private long _issued;
    private long _applied;

    private readonly record struct Entry(Action? Apply, Exception? Error, TaskCompletionSource Done);

    /// <summary>
    /// Sends a command (synchronously, under the lock, so issue order is send order) and, once it succeeded and every
    /// earlier command was handled, applies <paramref name="apply"/>.
    /// </summary>
    public Task RunAsync(Func<Task> send, Action apply)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long sequence;
        Task request;
        lock (_gate)
        {
            sequence = ++_issued;
            try
            {
                request = send();
            }
            catch (Exception e)
            {
                _ready[sequence] = new Entry(null, e, done);
                Drain();
                return done.Task;
            }
        }
        request.ContinueWith(t =>
        {
            lock (_gate)
            {
                _ready[sequence] = t.IsCompletedSuccessfully
                    ? new Entry(apply, null, done)
                    : new Entry(null, t.Exception?.InnerException ?? new OperationCanceledException(), done);
                Drain();
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return done.Task;
    }

    private void Drain()
    {
        while (_ready.Remove(_applied + 1, out var next))
        {
            _applied++;
            if (next.Error is { } error)
            {
                if (error is OperationCanceledException oce) next.Done.TrySetCanceled(oce.CancellationToken);
                else next.Done.TrySetException(error);
                continue;
            }
            try
            {
                next.Apply?.Invoke();
                next.Done.TrySetResult();
            }
            catch (Exception e)
            {
                next.Done.TrySetException(e);
            }
        }
    }
}
