using System.Diagnostics.Metrics;

namespace RxMediasoup.Diagnostics;

// The notification counters: what the worker said that reached an entity, and what was dropped on the way.
internal static partial class Telemetry
{
    /// <summary>Why a notification (or a value derived from one) was not delivered: the <c>reason</c> tag.</summary>
    public static class DropReason
    {
        /// <summary>A bounded buffer (Consumer.BufferedRtp, DataConsumer.BufferedMessages) was full: its oldest value went.</summary>
        public const string BufferFull = "buffer_full";

        /// <summary>The worker's notification for an entity that was closed lately (the worker had not heard yet).</summary>
        public const string ClosedEntity = "closed_entity";

        /// <summary>The worker's notification for a handler id never registered (or closed long ago).</summary>
        public const string UnknownHandler = "unknown_handler";

        /// <summary>An event the entity does not handle.</summary>
        public const string UnhandledEvent = "unhandled_event";
    }

    public static readonly Counter<long> NotificationsDelivered = Meter.CreateCounter<long>("rxmediasoup.notifications.delivered",
        "{notification}", "Worker notifications dispatched to an entity, by rxmediasoup.entity.type and event.");

    public static readonly Counter<long> NotificationsDropped = Meter.CreateCounter<long>("rxmediasoup.notifications.dropped",
        "{notification}", "Notifications (or values of a bounded buffer) not delivered, by reason.");

    /// <summary>Counts a notification (the worker's <paramref name="event"/> name) dispatched to an entity of type
    /// <paramref name="entityType"/>; the caller checked Enabled.</summary>
    public static void CountDelivered(string entityType, string @event)
        => NotificationsDelivered.Add(1,
            new KeyValuePair<string, object?>("rxmediasoup.entity.type", entityType),
            new KeyValuePair<string, object?>("event", @event));

    /// <summary>Counts a notification of <paramref name="event"/> dropped for <paramref name="reason"/>; the caller checked Enabled.</summary>
    public static void CountDropped(string reason, string @event)
        => NotificationsDropped.Add(1,
            new KeyValuePair<string, object?>("reason", reason),
            new KeyValuePair<string, object?>("event", @event));

    /// <summary>Counts a value a full bounded buffer of an <paramref name="entityType"/> dropped.</summary>
    public static void CountBufferDrop(string entityType)
    {
        if (!NotificationsDropped.Enabled) return;
        NotificationsDropped.Add(1,
            new KeyValuePair<string, object?>("reason", DropReason.BufferFull),
            new KeyValuePair<string, object?>("rxmediasoup.entity.type", entityType));
    }

}
