using RxMediasoup.Channel;
using Event = FBS.Notification.Event;

namespace RxMediasoup;

/// <summary>LEGACY (being replaced by NotificationSink; delete once no entity uses it). Turns one notification into an action on the entity (parsed synchronously: the notification points into the receive buffer).</summary>
internal delegate Action<T>? EntityNotificationParser<T>(Event @event, in FBS.Notification.Notification notification);

/// <summary>
/// Delivers one notification directly to an existing entity, without the closure <see cref="EntityNotificationParser{T}"/>
/// allocates (the hot path of RTP notifications); returns false to fall back to the parser.
/// </summary>
internal delegate bool EntityNotificationDispatcher<in T>(T target, Event @event, in FBS.Notification.Notification notification);

/// <summary>
/// The notification handler of a producer or consumer. It is registered on the channel BEFORE the create request
/// is sent; whatever the worker says before the entity exists (e.g. CONSUMER_PRODUCER_PAUSE for a paused producer,
/// sent before the consume response) is parsed and buffered, and replayed in order when the entity attaches.
/// </summary>
internal sealed class EntityNotificationSink<T>(EntityNotificationParser<T> parse, EntityNotificationDispatcher<T>? dispatch = null)
    : INotificationSink where T : class
{
    private readonly object _gate = new();
    private T? _target;
    private List<Action<T>>? _early;

    /// <summary>How many notifications arrived before the entity attached (a diagnostic for tests).</summary>
    public int EarlyNotificationCount { get; private set; }

    /// <summary>Starts delivering to <paramref name="target"/>, first whatever arrived before.</summary>
    public void Attach(T target)
    {
        lock (_gate)
        {
            if (_early is { } early)
                foreach (var a in early) a(target);
            _early = null;
            Volatile.Write(ref _target, target);
        }
    }

    public void OnNotification(Event @event, in FBS.Notification.Notification notification)
    {
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            lock (_gate)
            {
                target = _target;
                if (target is null)
                {
                    if (parse(@event, notification) is { } action)
                    {
                        (_early ??= []).Add(action);
                        EarlyNotificationCount++;
                    }
                    return;
                }
            }
        }
        if (dispatch is not null && dispatch(target, @event, notification)) return;
        parse(@event, notification)?.Invoke(target);
    }
}
