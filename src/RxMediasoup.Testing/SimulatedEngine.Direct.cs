using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Testing;

// Direct transports: RTP, RTCP and data messages the worker hands to the application (scripted: what the media would
// bring), and the data messages the application sends through a data producer, forwarded by the router to its data
// consumers as the worker does (Router::OnTransportDataProducerMessageReceived, DataConsumer::VerifySubchannels/IsActive,
// DirectTransport::SendMessage). RTP sent through a DirectProducer is not forwarded (the worker rewrites SSRCs, sequence
// numbers and timestamps per consumer): a consumer's RTP is scripted.
internal sealed partial class SimulatedEngine
{
    /// <summary>Notifications from the library (fire-and-forget; the worker logs and drops what it cannot handle).</summary>
    private void OnNotification(FBS.Notification.NotificationT notification)
    {
        if (notification.Event == Event.DATAPRODUCER_SEND
            && _handlers.GetValueOrDefault(notification.HandlerId ?? "") is SimDataProducer producer
            && notification.Body?.Value is FBS.DataProducer.SendNotificationT send)
            ForwardMessage(producer, send);
    }

    private void ForwardMessage(SimDataProducer producer, FBS.DataProducer.SendNotificationT send)
    {
        int length = send.Data?.Count ?? 0;
        if (length > producer.Transport.Options.MaxReceiveMessageSize || producer.Paused) return; // a TypeError logged / "if paused stop here"
        byte[] payload = [.. send.Data ?? []];
        foreach (var consumer in producer.Consumers.ToList())
        {
            if (!VerifySubchannels(consumer, send.Subchannels ?? [], send.RequiredSubchannel, send.IgnoredSubchannel)) continue;
            if (consumer.Transport.Kind == SimTransportKind.Direct) DataConsumerMessage(consumer.Id, payload, send.Ppid);
        }
    }

    private static bool VerifySubchannels(SimDataConsumer consumer, List<ushort> subchannels, ushort? required, ushort? ignored)
    {
        bool pipe = consumer.Transport.Kind == SimTransportKind.Pipe;
        var mine = consumer.Subchannels.ToHashSet();
        if (pipe && mine.Count == 0) return true;
        if (required is { } r && !mine.Contains(r)) return false;
        if (!pipe && ignored is { } i && mine.Contains(i)) return false;
        return subchannels.Count == 0 || subchannels.Exists(mine.Contains);
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
