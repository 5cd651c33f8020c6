using System.Diagnostics;
using RxMediasoup.Channel;
using RxMediasoup.Diagnostics;

namespace RxMediasoup;

/// <summary>
/// The one way an entity creates a child in the worker, without leaks whatever happens:
/// check the parent (command policy) → register the child's notification sink (a duplicate id is the caller's
/// error) → send the create request (without the caller's token) → if the caller cancels after it was sent and the
/// worker still creates the child, close it there → construct → add it to the parent's collections, or close it if the
/// parent closed meanwhile → attach the sink (notifications that came early are delivered first).
/// </summary>
internal static class EntityCreation
{
    /// <summary>The steps of one creation.</summary>
    /// <typeparam name="TResult">What the worker answers.</typeparam>
    /// <typeparam name="TEntity">The child.</typeparam>
    internal sealed class Steps<TResult, TEntity> where TEntity : MediasoupEntity
    {
        /// <summary>The child's kind, for the duplicate-id error ("Producer").</summary>
        public required string Kind { get; init; }

        /// <summary>The child's id (its handler id).</summary>
        public required string Id { get; init; }

        /// <summary>The child's notification sink, or null when it has none.</summary>
        public INotificationSink? Sink { get; init; }

        /// <summary>Sends the create request (never with the caller's token).</summary>
        public required Func<Task<TResult>> Send { get; init; }

        /// <summary>Closes the child in the worker (when the caller cancelled after it was created).</summary>
        public required Func<Task> CloseInWorker { get; init; }

        /// <summary>Builds the child from the worker's answer.</summary>
        public required Func<TResult, TEntity> Construct { get; init; }

        /// <summary>Adds the child to the parent's collections; false when the parent closed meanwhile.</summary>
        public required Func<TEntity, bool> Register { get; init; }

        /// <summary>Starts the child's notifications (attaches the sink).</summary>
        public Action<TEntity>? Attach { get; init; }

        /// <summary>The reason the child closes with when the parent closed during the creation.</summary>
        public required Func<CloseReason> ParentCloseReason { get; init; }
    }

    /// <summary>
    /// Creates a child of <paramref name="parent"/> (see the class summary); traced as a span <c>&lt;Kind&gt;.Create</c>
    /// when someone listens (with no extra continuation otherwise).
    /// </summary>
    public static Task<TEntity> CreateAsync<TResult, TEntity>(MediasoupEntity parent, Steps<TResult, TEntity> steps,
        CancellationToken cancellationToken) where TEntity : MediasoupEntity
    {
        if (!Telemetry.Source.HasListeners()) return CreateCoreAsync(parent, steps, cancellationToken);
        var previous = Activity.Current;
        var span = Telemetry.StartCreateSpan(parent, steps.Kind, steps.Id);
        try
        {
            var task = CreateCoreAsync(parent, steps, cancellationToken);
            return span is null ? task : Telemetry.Traced(task, span);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    private static async Task<TEntity> CreateCoreAsync<TResult, TEntity>(MediasoupEntity parent, Steps<TResult, TEntity> steps,
        CancellationToken cancellationToken) where TEntity : MediasoupEntity
    {
        parent.ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        var channel = parent.Channel;
        if (steps.Sink is { } sink && !channel.TryRegisterHandler(steps.Id, sink))
            throw new ArgumentException($"a {steps.Kind} with same id \"{steps.Id}\" already exists", "options.Id");
        TResult result;
        try
        {
            var created = steps.Send();
            // A token that can never be cancelled has nothing to watch (no extra state machine per creation).
            if (cancellationToken.CanBeCanceled)
                await AwaitCreatedAsync(created, steps.CloseInWorker, cancellationToken).ConfigureAwait(false);
            result = await created.ConfigureAwait(false);
        }
        catch
        {
            if (steps.Sink is not null) channel.UnregisterHandler(steps.Id);
            throw;
        }

        var entity = steps.Construct(result);
        if (!steps.Register(entity))
        {
            // The parent (or its router/worker) closed while the child was being created.
            entity.CloseCore(steps.ParentCloseReason());
            parent.ThrowIfClosed();
            throw new NotFoundException($"{parent.EntityKind} closed while creating a {steps.Kind} [id:{parent.EntityId}]");
        }
        steps.Attach?.Invoke(entity);
        return entity;
    }

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
                if (t.IsCompletedSuccessfully)
                    _ = ((Func<Task>)s!)().ContinueWith(static c => _ = c.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                else _ = t.Exception;
            }, closeCreated, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default); // no thread-pool hop (in virtual time, the close is sent inside the scheduler's action)
            throw;
        }
    }
}
