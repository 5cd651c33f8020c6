namespace RxMediasoup.Channel;

// The notification handler registry: which entity's sink receives the notifications addressed to a handler id.
internal sealed partial class WorkerChannel
{
    /// <summary>Registered notification handlers (a diagnostic: it returns to zero when every entity closed).</summary>
    public int HandlerCount => _handlers.Count;

    /// <summary>
    /// Routes notifications for <paramref name="handlerId"/> to <paramref name="sink"/>. Register before the
    /// request that creates the entity, so nothing the worker says before its response is lost.
    /// </summary>
    public void RegisterHandler(string handlerId, INotificationSink sink)
    {
        if (!TryRegisterHandler(handlerId, sink))
            throw new InvalidOperationException($"a notification handler is already registered for '{handlerId}'");
    }

    /// <summary>Like <see cref="RegisterHandler"/>; false when <paramref name="handlerId"/> is taken (an entity with that id exists).</summary>
    public bool TryRegisterHandler(string handlerId, INotificationSink sink) => _handlers.TryAdd(handlerId, sink);

    /// <summary>Ids whose handler was unregistered lately (bounded): the worker's late notifications for them are dropped silently.</summary>
    private readonly RecentIds _closedHandlers = new(4096);

    /// <summary>Stops routing notifications for <paramref name="handlerId"/>.</summary>
    /// <remarks>
    /// The worker may still be sending notifications for the entity (it learns of the close later, or a parent's close
    /// covers it): those are dropped silently; a notification for an id never registered is logged at Debug.
    /// </remarks>
    public void UnregisterHandler(string handlerId)
    {
        if (_handlers.TryRemove(handlerId, out _)) _closedHandlers.Add(handlerId);
    }
}
