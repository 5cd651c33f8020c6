using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>What the worker tells a plain transport, parsed at the edge: tuple events, and the common ones.</summary>
internal abstract record PlainTransportNotification
{
    private PlainTransportNotification() { }

    /// <summary>A notification every transport type gets (trace, SCTP).</summary>
    public sealed record Common(TransportNotification Notification) : PlainTransportNotification;

    /// <summary>PLAINTRANSPORT_TUPLE (comedia: the remote RTP address learned).</summary>
    public sealed record TupleChange(TransportTuple Tuple) : PlainTransportNotification;

    /// <summary>PLAINTRANSPORT_RTCP_TUPLE (comedia without RTCP mux: the remote RTCP address learned).</summary>
    public sealed record RtcpTupleChange(TransportTuple Tuple) : PlainTransportNotification;

    /// <summary>Parses a notification for a plain transport; null for an event it does not handle.</summary>
    public static readonly NotificationParser<PlainTransportNotification> Parse = static (Event @event, in FBS.Notification.Notification n) =>
    {
        switch (@event)
        {
            case Event.PLAINTRANSPORT_TUPLE:
                return n.BodyAsPlainTransport_TupleNotification().Tuple is { } tuple
                    ? new TupleChange(BaseTransportProtocol.ParseTuple(tuple))
                    : null;
            case Event.PLAINTRANSPORT_RTCP_TUPLE:
                return n.BodyAsPlainTransport_RtcpTupleNotification().Tuple is { } rtcpTuple
                    ? new RtcpTupleChange(BaseTransportProtocol.ParseTuple(rtcpTuple))
                    : null;
            default:
                return TransportNotification.Parse(@event, n) is { } common ? new Common(common) : null;
        }
    };
}
