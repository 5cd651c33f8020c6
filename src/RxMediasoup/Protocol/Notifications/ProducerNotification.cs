using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>What the worker tells a producer, parsed at the edge (mediasoup's producer notifications).</summary>
internal abstract record ProducerNotification
{
    private ProducerNotification() { }

    /// <summary>PRODUCER_SCORE: the scores of all the producer's streams.</summary>
    public sealed record Score(IReadOnlyList<ProducerScore> Scores) : ProducerNotification;

    /// <summary>PRODUCER_VIDEO_ORIENTATION_CHANGE.</summary>
    public sealed record VideoOrientationChange(ProducerVideoOrientation Orientation) : ProducerNotification;

    /// <summary>PRODUCER_TRACE.</summary>
    public sealed record Trace(ProducerTraceEvent Event) : ProducerNotification;

    /// <summary>Parses a notification for a producer; null for an event producers do not handle.</summary>
    public static readonly NotificationParser<ProducerNotification> Parse = static (Event @event, in FBS.Notification.Notification n) => @event switch
    {
        Event.PRODUCER_SCORE => new Score(ProducerProtocol.ParseScoreNotification(n)),
        Event.PRODUCER_VIDEO_ORIENTATION_CHANGE => new VideoOrientationChange(ProducerProtocol.ParseVideoOrientationNotification(n)),
        Event.PRODUCER_TRACE => new Trace(ProducerProtocol.ParseTraceNotification(n)),
        _ => null,
    };
}
