using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A direct transport: no network; RTP, RTCP and data messages are exchanged with the application itself
/// (<see cref="DirectProducer.Send"/>, consumers' RTP streams, <see cref="SendRtcp"/> / <see cref="Rtcp"/>, direct data
/// producers and consumers). Create one with <see cref="Router.CreateDirectTransportAsync"/>. It has no bitrate limits
/// and no SCTP: those belong to the <see cref="NetworkTransport"/>s.
/// </summary>
public sealed class DirectTransport : Transport, INotificationTarget<DirectTransportNotification>
{
    private StreamSubject<ReadOnlyMemory<byte>>? _rtcp; // created on first use (EventStream)

    internal DirectTransport(Router router, string id, IDictionary<string, object?>? appData)
        : base(nameof(DirectTransport), router, id, appData, null, DirectTransportProtocol.Responses)
    {
    }

    /// <summary>
    /// RTCP packets the worker sends to the application (hot: no replay); completes when the transport closes.
    /// Payload ownership: each packet is copied out of the channel's receive buffer into memory that is never reused,
    /// so subscribers may keep it (all subscribers see the same read-only copy).
    /// <code>
    /// rtcp:       --p1---p2--p3---|      (closed)
    /// </code>
    /// </summary>
    public IObservable<ReadOnlyMemory<byte>> Rtcp => EventStream(ref _rtcp, nameof(Rtcp));

    /// <summary>Does nothing: a direct transport has no remote endpoint (mediasoup's <c>connect()</c> is a no-op here too).</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
        => Command(() => cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask);

    /// <summary>
    /// Sends an RTCP packet (or compound packet) into the router, as if it came from a remote endpoint: a
    /// fire-and-forget notification (the worker does not answer). The bytes are copied before this returns.
    /// </summary>
    /// <exception cref="ArgumentException">An empty packet.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void SendRtcp(ReadOnlyMemory<byte> rtcpPacket)
    {
        if (rtcpPacket.IsEmpty) throw new ArgumentException("rtcpPacket must not be empty", nameof(rtcpPacket));
        ThrowIfClosed();
        DirectTransportProtocol.SendRtcp(Channel, Id, rtcpPacket);
    }

    void INotificationTarget<DirectTransportNotification>.OnNotification(DirectTransportNotification notification)
    {
        switch (notification)
        {
            case DirectTransportNotification.Rtcp r: Publish(ref _rtcp, r.Packet); break;
            case DirectTransportNotification.Common c: OnCommonNotification(c.Notification); break;
        }
    }
}
