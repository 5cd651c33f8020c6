namespace RxMediasoup;

/// <summary>How entities are created without leaks when the caller cancels.</summary>
internal static class EntityCreation
{
    /// <summary>
    /// Awaits a create request that was sent without the caller's token. If the caller cancels after it was
    /// sent and the worker still creates the entity, <paramref name="closeCreated"/> closes it in the worker,
    /// so nothing leaks.
    /// </summary>
    public static async Task AwaitCreatedAsync(Task created, Func<Task> closeCreated, CancellationToken cancellationToken)
    {
        try
        {
            await created.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up; whether the create is still in flight or has just completed, the entity (if the
            // worker created it) is closed there, since the caller will never get a handle on it.
            _ = created.ContinueWith(static (t, s) =>
            {
                if (t.IsCompletedSuccessfully) _ = ((Func<Task>)s!)().ContinueWith(static c => _ = c.Exception, TaskScheduler.Default);
                else _ = t.Exception;
            }, closeCreated, TaskScheduler.Default);
            throw;
        }
    }
}
