using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>What the worker tells a consumer, parsed at the edge (mediasoup's consumer notifications).</summary>
internal abstract record ConsumerNotification
{
    private ConsumerNotification() { }

    /// <summary>CONSUMER_PRODUCER_CLOSE: the worker closed the consumer because its producer closed.</summary>
    public sealed record ProducerClose : ConsumerNotification
    {
        /// <summary>The one instance (the notification has no body).</summary>
        public static readonly ProducerClose Instance = new();
    }

    /// <summary>CONSUMER_PRODUCER_PAUSE (true) and CONSUMER_PRODUCER_RESUME (false).</summary>
    public sealed record ProducerPaused(bool Paused) : ConsumerNotification
    {
        /// <summary>CONSUMER_PRODUCER_PAUSE.</summary>
        public static readonly ProducerPaused Pause = new(true);

        /// <summary>CONSUMER_PRODUCER_RESUME.</summary>
        public static readonly ProducerPaused Resume = new(false);
    }

    /// <summary>CONSUMER_SCORE.</summary>
    public sealed record Score(ConsumerScore Value) : ConsumerNotification;

    /// <summary>CONSUMER_LAYERS_CHANGE: the layers now sent, null when none is.</summary>
    public sealed record LayersChange(ConsumerLayers? Layers) : ConsumerNotification;

    /// <summary>CONSUMER_TRACE.</summary>
    public sealed record Trace(ConsumerTraceEvent Event) : ConsumerNotification;

    /// <summary>CONSUMER_RTP: a packet for a consumer of a direct transport (the packet's own copy, never reused).</summary>
    public sealed record Rtp(byte[] Packet) : ConsumerNotification;

    /// <summary>Parses a notification for a consumer; null for an event consumers do not handle.</summary>
    public static readonly NotificationParser<ConsumerNotification> Parse = static (Event @event, in FBS.Notification.Notification n) => @event switch
    {
        // The hot path first: one copy of the packet and this record per notification.
        Event.CONSUMER_RTP => new Rtp(ConsumerProtocol.ParseRtpNotification(n)),
        Event.CONSUMER_SCORE => new Score(ConsumerProtocol.ParseScoreNotification(n)),
        Event.CONSUMER_LAYERS_CHANGE => new LayersChange(ConsumerProtocol.ParseLayersChangeNotification(n)),
        Event.CONSUMER_PRODUCER_PAUSE => ProducerPaused.Pause,
        Event.CONSUMER_PRODUCER_RESUME => ProducerPaused.Resume,
        Event.CONSUMER_PRODUCER_CLOSE => ProducerClose.Instance,
        Event.CONSUMER_TRACE => new Trace(ConsumerProtocol.ParseTraceNotification(n)),
        _ => null,
    };
}
