using RxMediasoup.Channel;
using RxMediasoup.Diagnostics;
using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>
/// Parses one notification into the entity's typed notification record (one family per entity, e.g.
/// <see cref="ProducerNotification"/>); null for an event the entity does not handle. Runs on the channel's reader
/// while the notification is still in the receive buffer: it copies what it keeps.
/// </summary>
internal delegate TNotification? NotificationParser<TNotification>(Event @event, in FBS.Notification.Notification notification)
    where TNotification : class;

/// <summary>An entity that handles its typed notifications (called on the worker's <see cref="DeliveryQueue"/>, in worker order).</summary>
internal interface INotificationTarget<in TNotification>
{
    void OnNotification(TNotification notification);
}

/// <summary>
/// The one notification sink of every entity. It is registered on the channel BEFORE the create request is sent;
/// each notification is parsed at once on the reader into a typed record and posted to the worker's delivery
/// queue, so the reader never runs entity or subscriber code. Records that arrive before the entity exists (e.g.
/// CONSUMER_PRODUCER_PAUSE for a paused producer, sent before the consume response) are kept and delivered first,
/// in order, when the entity attaches. <c>name</c> is the entity's type (e.g. <c>Consumer</c>, <c>WebRtcTransport</c>):
/// it names the deliveries and tags the rxmediasoup.notifications.delivered counter.
/// </summary>
internal sealed class NotificationSink<TNotification>(NotificationParser<TNotification> parse, DeliveryQueue queue, string name)
    : INotificationSink where TNotification : class
{
    // The entity handles it as an item of the delivery queue, marked as a handler: the events it publishes are delivered
    // in place (DeliveryQueue.EnterHandler).
    private static readonly Action<object?, object?> Deliver = static (target, notification) =>
    {
        var previous = DeliveryQueue.EnterHandler();
        try { ((INotificationTarget<TNotification>)target!).OnNotification((TNotification)notification!); }
        finally { DeliveryQueue.ExitHandler(previous); }
    };

    // Locked on itself (never exposed outside the library): no lock object per entity.
    private INotificationTarget<TNotification>? _target;
    private List<TNotification>? _early;

    /// <summary>How many notifications arrived before the entity attached (a diagnostic for tests).</summary>
    public int EarlyNotificationCount { get; private set; }

    /// <summary>Starts delivering to <paramref name="target"/>, first whatever arrived before.</summary>
    public void Attach(INotificationTarget<TNotification> target)
    {
        // Entity and subscriber code never runs under the lock: the reader takes it for a record that arrives meanwhile,
        // and a subscriber blocked on a command there would hold that very reader. So the early records are posted after
        // the lock, one at a time as they arrived (a post may drain right here); what arrived meanwhile is enqueued under
        // it as the target is set (before the reader can post anything later), and drained after it.
        List<TNotification>? early;
        lock (this)
        {
            early = _early;
            _early = null;
            if (early is null)
            {
                Volatile.Write(ref _target, target);
                return;
            }
        }
        foreach (var n in early) queue.Post(Deliver, target, n, name);
        bool run = false;
        lock (this)
        {
            if (_early is { } meanwhile)
                foreach (var n in meanwhile) run |= queue.Enqueue(Deliver, target, n, name);
            _early = null;
            Volatile.Write(ref _target, target);
        }
        if (run) queue.Run();
    }

    public void OnNotification(Event @event, in FBS.Notification.Notification notification)
    {
        if (parse(@event, notification) is not { } parsed)
        {
            if (Telemetry.NotificationsDropped.Enabled) Telemetry.CountDropped(Telemetry.DropReason.UnhandledEvent, FbsNames.Of(@event));
            return;
        }
        // rxmediasoup.notifications.delivered: counted once, here, whether delivered now or on attach.
        if (Telemetry.NotificationsDelivered.Enabled) Telemetry.CountDelivered(name, FbsNames.Of(@event));
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            lock (this)
            {
                target = _target;
                if (target is null)
                {
                    (_early ??= []).Add(parsed);
                    EarlyNotificationCount++;
                    return;
                }
            }
        }
        queue.Post(Deliver, target, parsed, name);
    }
}
