using RxMediasoup.Protocol;

namespace RxMediasoup;

/// <summary>
/// A producer of a <see cref="DirectTransport"/>: the application itself sends its RTP packets with
/// <see cref="Send"/> (<see cref="Transport.ProduceAsync"/> on a direct transport returns one; on other transports a producer has no
/// <c>Send</c>).
/// </summary>
public sealed class DirectProducer : Producer
{
    internal DirectProducer(Transport transport, string id, MediaKind kind, RtpParameters rtpParameters, ProducerType type,
        RtpParameters consumableRtpParameters, bool paused, NotificationSink<ProducerNotification> sink, IDictionary<string, object?>? appData)
        : base(transport, id, kind, rtpParameters, type, consumableRtpParameters, paused, sink, appData)
    {
    }

    /// <summary>
    /// Sends an RTP packet into the router, as if it came from a remote endpoint: a fire-and-forget notification (the
    /// worker does not answer). The bytes are copied before this returns.
    /// </summary>
    /// <exception cref="ArgumentException">An empty packet.</exception>
    /// <exception cref="NotFoundException">The producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void Send(ReadOnlyMemory<byte> rtpPacket)
    {
        if (rtpPacket.IsEmpty) throw new ArgumentException("rtpPacket must not be empty", nameof(rtpPacket));
        ThrowIfClosed();
        ProducerProtocol.Send(Channel, Id, rtpPacket);
    }
}
