using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>What the worker tells a data consumer, parsed at the edge (mediasoup's data consumer notifications).</summary>
internal abstract record DataConsumerNotification
{
    private DataConsumerNotification() { }

    /// <summary>
    /// DATACONSUMER_MESSAGE (direct transports): the message itself. This record is the only object a message costs
    /// besides its payload copy: the sink posts it as is and the data consumer's stream carries it (no boxing).
    /// </summary>
    public sealed record Message(DataMessage Value) : DataConsumerNotification;

    /// <summary>DATACONSUMER_BUFFERED_AMOUNT_LOW: the buffered amount (bytes).</summary>
    public sealed record BufferedAmountLow(long BufferedAmount) : DataConsumerNotification;

    /// <summary>DATACONSUMER_SCTP_SENDBUFFER_FULL.</summary>
    public sealed record SctpSendBufferFull : DataConsumerNotification
    {
        /// <summary>The one instance (no body).</summary>
        public static readonly SctpSendBufferFull Instance = new();
    }

    /// <summary>DATACONSUMER_DATAPRODUCER_PAUSE / _RESUME: whether the data producer is paused now.</summary>
    public sealed record DataProducerPaused(bool Paused) : DataConsumerNotification
    {
        /// <summary>The data producer paused.</summary>
        public static readonly DataProducerPaused True = new(true);

        /// <summary>The data producer resumed.</summary>
        public static readonly DataProducerPaused False = new(false);
    }

    /// <summary>DATACONSUMER_DATAPRODUCER_CLOSE.</summary>
    public sealed record DataProducerClose : DataConsumerNotification
    {
        /// <summary>The one instance (no body).</summary>
        public static readonly DataProducerClose Instance = new();
    }

    /// <summary>Parses a notification for a data consumer; null for an event data consumers do not handle.</summary>
    public static readonly NotificationParser<DataConsumerNotification> Parse = static (Event @event, in FBS.Notification.Notification n) => @event switch
    {
        Event.DATACONSUMER_MESSAGE => DataConsumerProtocol.ParseMessageNotification(n),
        Event.DATACONSUMER_BUFFERED_AMOUNT_LOW => new BufferedAmountLow(DataConsumerProtocol.ParseBufferedAmountLowNotification(n)),
        Event.DATACONSUMER_SCTP_SENDBUFFER_FULL => SctpSendBufferFull.Instance,
        Event.DATACONSUMER_DATAPRODUCER_PAUSE => DataProducerPaused.True,
        Event.DATACONSUMER_DATAPRODUCER_RESUME => DataProducerPaused.False,
        Event.DATACONSUMER_DATAPRODUCER_CLOSE => DataProducerClose.Instance,
        _ => null,
    };
}
