using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Requests, responses and notifications of direct transports.</summary>
internal static class DirectTransportProtocol
{
    public static Task CreateAsync(WorkerChannel channel, string routerId, string transportId, DirectTransportOptions options,
        CancellationToken cancellationToken)
    {
        var request = new FBS.Router.CreateDirectTransportRequestT
        {
            TransportId = transportId,
            Options = new FBS.DirectTransport.DirectTransportOptionsT
            {
                Base = new FBS.Transport.OptionsT
                {
                    Direct = true,
                    MaxSendMessageSize = (uint)options.MaxSendMessageSize,
                    MaxReceiveMessageSize = (uint)options.MaxReceiveMessageSize,
                },
            },
        };
        return channel.RequestAsync(Method.ROUTER_CREATE_DIRECTTRANSPORT, routerId, FBS.Request.Body.Router_CreateDirectTransportRequest,
            request, static (b, r) => FBS.Router.CreateDirectTransportRequest.Pack(b, r).Value, Accepted, cancellationToken);
    }

    /// <summary>The dump and stats requests: a direct transport's bodies hold the base records only.</summary>
    public static readonly TransportResponses Responses = new(
        static (in FBS.Response.Response r) => BaseTransportProtocol.ParseBaseDump(Required(r.BodyAsDirectTransport_DumpResponse().Base, "base")),
        static (in FBS.Response.Response r) =>
            BaseTransportProtocol.ParseBaseStats(Required(r.BodyAsDirectTransport_GetStatsResponse().Base, "base"), "direct-transport"));

    /// <summary>Sends an RTCP packet into the router (a notification: no response).</summary>
    public static void SendRtcp(WorkerChannel channel, string transportId, ReadOnlyMemory<byte> packet)
        => channel.Notify(FBS.Notification.Event.TRANSPORT_SEND_RTCP, transportId, FBS.Notification.Body.Transport_SendRtcpNotification,
            packet, static (b, p) =>
            {
                var data = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(p, out var segment)
                    ? FBS.Transport.SendRtcpNotification.CreateDataVectorBlock(b, segment)
                    : FBS.Transport.SendRtcpNotification.CreateDataVectorBlock(b, p.ToArray());
                return FBS.Transport.SendRtcpNotification.CreateSendRtcpNotification(b, data).Value;
            });
}
