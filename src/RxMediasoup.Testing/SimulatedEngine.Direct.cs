using System.Buffers.Binary;
using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Testing;

// What the code sends into the worker as notifications: data messages (DataProducer.Send) and RTP packets
// (Producer.Send on a DirectTransport), forwarded as the worker forwards them — data to every data consumer
// (subchannel filters, pauses), RTP to the consumers on DirectTransports (SSRC and payload type rewritten).
// No association connects and no packet leaves on a socket in the simulation: consumers on other transports get nothing.
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
        if (packet.Length < 12 || producer.Paused) return;
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
            Notify(consumer.Id, Event.CONSUMER_RTP, NotificationBody.FromConsumer_RtpNotification(
                new FBS.Consumer.RtpNotificationT { Data = [.. copy] }));
        }
    }
}
