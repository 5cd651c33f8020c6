using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>What the worker tells a WebRTC transport, parsed at the edge: ICE and DTLS events, and the common ones.</summary>
internal abstract record WebRtcTransportNotification
{
    private WebRtcTransportNotification() { }

    /// <summary>A notification every transport type gets (trace, SCTP).</summary>
    public sealed record Common(TransportNotification Notification) : WebRtcTransportNotification;

    /// <summary>WEBRTCTRANSPORT_ICE_STATE_CHANGE.</summary>
    public sealed record IceStateChange(IceState State) : WebRtcTransportNotification;

    /// <summary>WEBRTCTRANSPORT_ICE_SELECTED_TUPLE_CHANGE.</summary>
    public sealed record IceSelectedTupleChange(TransportTuple Tuple) : WebRtcTransportNotification;

    /// <summary>WEBRTCTRANSPORT_DTLS_STATE_CHANGE (the remote certificate is given with <see cref="DtlsState.Connected"/>).</summary>
    public sealed record DtlsStateChange(DtlsState State, string? RemoteCert) : WebRtcTransportNotification;

    /// <summary>Parses a notification for a WebRTC transport; null for an event it does not handle.</summary>
    public static readonly NotificationParser<WebRtcTransportNotification> Parse = static (Event @event, in FBS.Notification.Notification n) =>
    {
        switch (@event)
        {
            case Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE:
                return new IceStateChange(WebRtcTransportProtocol.ParseIceState(n.BodyAsWebRtcTransport_IceStateChangeNotification().IceState));
            case Event.WEBRTCTRANSPORT_ICE_SELECTED_TUPLE_CHANGE:
                return n.BodyAsWebRtcTransport_IceSelectedTupleChangeNotification().Tuple is { } tuple
                    ? new IceSelectedTupleChange(BaseTransportProtocol.ParseTuple(tuple))
                    : null;
            case Event.WEBRTCTRANSPORT_DTLS_STATE_CHANGE:
                var body = n.BodyAsWebRtcTransport_DtlsStateChangeNotification();
                return new DtlsStateChange(WebRtcTransportProtocol.ParseDtlsState(body.DtlsState), body.RemoteCert);
            default:
                return TransportNotification.Parse(@event, n) is { } common ? new Common(common) : null;
        }
    };
}
