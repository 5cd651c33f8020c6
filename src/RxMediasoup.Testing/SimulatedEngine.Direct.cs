using System.Buffers.Binary;
using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Testing;

// What the code sends into the worker as notifications: data messages (DataProducer.Send) and RTP packets
// (Producer.Send on a DirectTransport), forwarded as the worker forwards them — data to every data consumer
// (subchannel filters, pauses), RTP to the consumers on DirectTransports (SSRC and payload type rewritten).
// No association connects and no packet leaves on a socket in the simulation: consumers on other transports get nothing.
// The script methods at the end hand the application what the media would bring (RTP, RTCP, data messages).
internal sealed partial class SimulatedEngine
{
    private void OnNotification(FBS.Notification.NotificationT notification)
    {
        if (!_handlers.TryGetValue(notification.HandlerId ?? "", out var handler)) return;
        switch (notification.Event)
        {
            case Event.DATAPRODUCER_SEND when handler is SimDataProducer producer:
                OnDataSent(producer, notification.Body.AsDataProducer_SendNotification());
                break;
            case Event.PRODUCER_SEND when handler is SimProducer producer:
                OnRtpSent(producer, [.. notification.Body.AsProducer_SendNotification().Data ?? []]);
                break;
        }
    }

    /// <summary>DataProducer::ReceiveMessage, then DataConsumer::SendMessage for each consumer.</summary>
    private void OnDataSent(SimDataProducer producer, FBS.DataProducer.SendNotificationT send)
    {
        var data = send.Data ?? [];
        if (data.Count > producer.Transport.Options.MaxReceiveMessageSize) return; // the worker logs a TypeError and drops it
        producer.MessagesReceived++;
        producer.BytesReceived += (ulong)data.Count;
        if (producer.Paused) return;
        foreach (var consumer in producer.Consumers.ToList())
        {
            if (consumer.Paused || consumer.DataProducerPaused || !Accepts(consumer, send)) continue;
            if (consumer.Transport.Kind != SimTransportKind.Direct) continue; // an SCTP association never connects here
            consumer.MessagesSent++;
            consumer.BytesSent += (ulong)data.Count;
            Notify(consumer.Id, Event.DATACONSUMER_MESSAGE, NotificationBody.FromDataConsumer_MessageNotification(
                new FBS.DataConsumer.MessageNotificationT { Ppid = send.Ppid, Data = data }));
        }
    }

    /// <summary>The subchannel filters of DataConsumer::SendMessage.</summary>
    private static bool Accepts(SimDataConsumer consumer, FBS.DataProducer.SendNotificationT send)
    {
        var subscribed = consumer.Subchannels.ToHashSet();
        if (send.RequiredSubchannel is { } required && !subscribed.Contains(required)) return false;
        if (send.IgnoredSubchannel is { } ignored && subscribed.Contains(ignored)) return false;
        return send.Subchannels is not { Count: > 0 } given || given.Any(subscribed.Contains);
    }

    /// <summary>
    /// An RTP packet into a producer: each active consumer on a DirectTransport gets it with its own SSRC and payload
    /// type (the codec of the consumer's parameters with the producer codec's mapped payload type).
    /// </summary>
    private void OnRtpSent(SimProducer producer, byte[] packet)
    {
        if (packet.Length < 12) return;
        producer.PacketsReceived++;
        producer.BytesReceived += packet.Length;
        if (producer.Paused) return; // a paused producer drops the packet before tracing it
        if (producer.TraceEventTypes.Contains(FBS.Producer.TraceEventType.RTP))
            Notify(producer.Id, Event.PRODUCER_TRACE, NotificationBody.FromProducer_TraceNotification(new FBS.Producer.TraceNotificationT
            {
                Type = FBS.Producer.TraceEventType.RTP, Timestamp = NowMs(), Direction = FBS.Common.TraceDirection.DIRECTION_IN,
                Info = FBS.Producer.TraceInfoUnion.FromRtpTraceInfo(new FBS.Producer.RtpTraceInfoT { RtpPacket = PacketDump(packet) }),
            }));
        byte payloadType = (byte)(packet[1] & 0x7F);
        var mapped = producer.Request.RtpMapping?.Codecs?.FirstOrDefault(c => c.PayloadType == payloadType)?.MappedPayloadType;
        foreach (var consumer in producer.Consumers.ToList())
        {
            if (consumer.Paused || consumer.ProducerPaused || consumer.Transport.Kind != SimTransportKind.Direct) continue;
            var rtp = consumer.Request.RtpParameters;
            var encoding = rtp?.Encodings?.FirstOrDefault();
            if (encoding?.Ssrc is not { } ssrc) continue;
            byte outPayloadType = mapped is { } m && rtp!.Codecs?.FirstOrDefault(c => c.PayloadType == m) is { } codec ? codec.PayloadType
                : encoding.CodecPayloadType ?? payloadType;
            byte[] copy = (byte[])packet.Clone();
            copy[1] = (byte)((copy[1] & 0x80) | outPayloadType);
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8, 4), ssrc);
            consumer.PacketsSent++;
            consumer.BytesSent += copy.Length;
            if (consumer.TraceEventTypes.Contains(FBS.Consumer.TraceEventType.RTP))
                Notify(consumer.Id, Event.CONSUMER_TRACE, NotificationBody.FromConsumer_TraceNotification(new FBS.Consumer.TraceNotificationT
                {
                    Type = FBS.Consumer.TraceEventType.RTP, Timestamp = NowMs(), Direction = FBS.Common.TraceDirection.DIRECTION_OUT,
                    Info = FBS.Consumer.TraceInfoUnion.FromRtpTraceInfo(new FBS.Consumer.RtpTraceInfoT { RtpPacket = PacketDump(copy) }),
                }));
            Notify(consumer.Id, Event.CONSUMER_RTP, NotificationBody.FromConsumer_RtpNotification(
                new FBS.Consumer.RtpNotificationT { Data = [.. copy] }));
        }
    }

    /// <summary>RtpPacket::FillBuffer of a packet without header extensions.</summary>
    private static FBS.RtpPacket.DumpT PacketDump(byte[] packet)
    {
        int csrcs = packet[0] & 0x0F;
        return new FBS.RtpPacket.DumpT
        {
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(2)),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(4)),
            Marker = (packet[1] & 0x80) != 0,
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(8)),
            Size = (ulong)packet.Length,
            PayloadSize = (ulong)Math.Max(0, packet.Length - 12 - 4 * csrcs),
        };
    }

    /// <summary>DataConsumer::SendMessage on a direct transport; false when the worker would drop it (inactive, too big).</summary>
    public bool DataConsumerMessage(string dataConsumerId, byte[] payload, uint ppid)
    {
        var consumer = Alive<SimDataConsumer>(dataConsumerId);
        if (consumer.Transport.Kind != SimTransportKind.Direct)
            throw new InvalidOperationException($"data consumer {dataConsumerId} is not on a DirectTransport: its messages go to its SCTP association");
        if (consumer.Paused || consumer.DataProducerPaused || payload.Length > consumer.Transport.Options.MaxSendMessageSize) return false;
        Notify(dataConsumerId, Event.DATACONSUMER_MESSAGE, NotificationBody.FromDataConsumer_MessageNotification(
            new FBS.DataConsumer.MessageNotificationT { Ppid = ppid, Data = [.. payload] }));
        return true;
    }

    /// <summary>A consumer on a direct transport hands an RTP packet to the application; false when it is paused (nothing sent).</summary>
    public bool ConsumerRtp(string consumerId, byte[] packet)
    {
        var consumer = Alive<SimConsumer>(consumerId);
        if (consumer.Transport.Kind != SimTransportKind.Direct)
            throw new InvalidOperationException($"consumer {consumerId} is not on a DirectTransport: its RTP goes to the network");
        if (consumer.Paused || consumer.ProducerPaused) return false;
        Notify(consumerId, Event.CONSUMER_RTP, NotificationBody.FromConsumer_RtpNotification(new FBS.Consumer.RtpNotificationT { Data = [.. packet] }));
        return true;
    }

    /// <summary>A direct transport hands an RTCP packet to the application.</summary>
    public void DirectRtcp(string transportId, byte[] packet)
    {
        if (Alive<SimTransport>(transportId).Kind != SimTransportKind.Direct)
            throw new InvalidOperationException($"transport {transportId} is not a DirectTransport");
        Notify(transportId, Event.DIRECTTRANSPORT_RTCP, NotificationBody.FromDirectTransport_RtcpNotification(new FBS.DirectTransport.RtcpNotificationT { Data = [.. packet] }));
    }
}
