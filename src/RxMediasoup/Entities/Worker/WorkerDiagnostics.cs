namespace RxMediasoup;

/// <summary>
/// The leak counters of a worker (<see cref="Worker.Diagnostics"/>), in one snapshot: the one diagnostics API that
/// tests, samples and meters read. Once every entity is closed and every subscription disposed,
/// <see cref="RegisteredHandlers"/> and <see cref="Subscribers"/> are zero; once every command completed,
/// <see cref="PendingRequests"/> is; once every delivery ran, <see cref="QueuedDeliveries"/> is.
/// </summary>
/// <param name="RegisteredHandlers">Notification handlers registered on the channel (one per live entity that receives notifications).</param>
/// <param name="PendingRequests">Requests sent and not yet answered.</param>
/// <param name="Subscribers">Subscriptions to the streams (states, events, <c>Closed</c>, live collections) of the worker and of every
/// live entity it hosts.</param>
/// <param name="QueuedDeliveries">Deliveries to subscribers waiting in the worker's delivery queue.</param>
public sealed record WorkerDiagnostics(int RegisteredHandlers, int PendingRequests, int Subscribers, int QueuedDeliveries)
{
    /// <summary>Takes the snapshot of <paramref name="worker"/>.</summary>
    internal static WorkerDiagnostics Of(Worker worker)
        => new(worker.Channel.HandlerCount, worker.Channel.PendingCount, CountSubscribers(worker), worker.Channel.Deliveries.Count);

    /// <summary>Walks the worker's entity tree and sums the subscribers of every stream.</summary>
    private static int CountSubscribers(Worker worker)
    {
        int n = worker.SubscriberCount + worker.ProcessSubscriberCount + worker.Routers.SubscriberCount + worker.WebRtcServers.SubscriberCount;
        foreach (var server in worker.WebRtcServers.Items) n += server.SubscriberCount + server.WebRtcTransports.SubscriberCount;
        foreach (var router in worker.Routers.Items)
        {
            n += router.SubscriberCount + router.Transports.SubscriberCount + router.RtpObservers.SubscriberCount;
            foreach (var observer in router.RtpObservers.Items) n += observer.SubscriberCount;
            foreach (var transport in router.Transports.Items) n += CountSubscribers(transport);
        }
        return n;
    }

    private static int CountSubscribers(Transport transport)
    {
        int n = transport.SubscriberCount + transport.Producers.SubscriberCount + transport.Consumers.SubscriberCount
            + transport.DataProducers.SubscriberCount + transport.DataConsumers.SubscriberCount;
        foreach (var producer in transport.Producers.Items) n += producer.SubscriberCount;
        foreach (var consumer in transport.Consumers.Items) n += consumer.SubscriberCount;
        foreach (var dataProducer in transport.DataProducers.Items) n += dataProducer.SubscriberCount;
        foreach (var dataConsumer in transport.DataConsumers.Items) n += dataConsumer.SubscriberCount;
        return n;
    }
}
