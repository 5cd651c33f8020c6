using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>
/// What the worker tells every transport type, parsed at the edge (trace and SCTP events). A pipe transport's
/// notifications are exactly these; the other types wrap them in their own family
/// (<see cref="WebRtcTransportNotification"/>, <see cref="PlainTransportNotification"/>,
/// <see cref="DirectTransportNotification"/>).
/// </summary>
internal abstract record TransportNotification
{
    private TransportNotification() { }

    /// <summary>TRANSPORT_TRACE.</summary>
    public sealed record Trace(TransportTraceEvent Event) : TransportNotification;

    /// <summary>TRANSPORT_SCTP_STATE_CHANGE.</summary>
    public sealed record SctpStateChange(SctpState State) : TransportNotification;

    /// <summary>TRANSPORT_SCTP_NEGOTIATED_CAPABILITIES.</summary>
    public sealed record SctpNegotiatedCapabilitiesChange(SctpNegotiatedCapabilities Capabilities) : TransportNotification;

    /// <summary>Parses a notification common to every transport type; null for any other event.</summary>
    public static readonly NotificationParser<TransportNotification> Parse = static (Event @event, in FBS.Notification.Notification n) =>
    {
        switch (@event)
        {
            case Event.TRANSPORT_TRACE:
                return new Trace(BaseTransportProtocol.ParseTrace(n.BodyAsTransport_TraceNotification()));
            case Event.TRANSPORT_SCTP_STATE_CHANGE:
                return new SctpStateChange(BaseTransportProtocol.ParseSctpState(n.BodyAsTransport_SctpStateChangeNotification().SctpState));
            case Event.TRANSPORT_SCTP_NEGOTIATED_CAPABILITIES:
                return n.BodyAsTransport_SctpNegotiatedCapabilitiesNotification().NegotiatedCapabilities is { } c
                    ? new SctpNegotiatedCapabilitiesChange(BaseTransportProtocol.ParseSctpNegotiatedCapabilities(c))
                    : null;
            default:
                return null;
        }
    };
}
