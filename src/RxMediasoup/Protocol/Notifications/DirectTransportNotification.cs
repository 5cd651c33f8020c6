using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>What the worker tells a direct transport, parsed at the edge: RTCP packets, and the common ones.</summary>
internal abstract record DirectTransportNotification
{
    private DirectTransportNotification() { }

    /// <summary>A notification every transport type gets (trace).</summary>
    public sealed record Common(TransportNotification Notification) : DirectTransportNotification;

    /// <summary>DIRECTTRANSPORT_RTCP: a packet copied out of the receive buffer (the subscriber may keep it).</summary>
    public sealed record Rtcp(byte[] Packet) : DirectTransportNotification;

    /// <summary>Parses a notification for a direct transport; null for an event it does not handle.</summary>
    public static readonly NotificationParser<DirectTransportNotification> Parse = static (Event @event, in FBS.Notification.Notification n) =>
        @event == Event.DIRECTTRANSPORT_RTCP
            ? new Rtcp(n.BodyAsDirectTransport_RtcpNotification().GetDataArray() ?? [])
            : TransportNotification.Parse(@event, n) is { } common ? new Common(common) : null;
}
