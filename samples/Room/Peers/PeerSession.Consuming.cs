using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Consuming the room (<see cref="RoomConsumption"/>) as notifications: <c>newConsumer</c>, throttled
/// <c>consumerState</c> (score, bitrate, paused), then <c>consumerClosed</c>; and the chat's data consumers.
/// </summary>
internal sealed partial class PeerSession
{
    private bool _consuming;

    private Task<object?> StartConsumingAsync(RequestData data)
    {
        var transport = OwnTransport(data, send: false);
        var capabilities = data.Object<RtpCapabilities>("rtpCapabilities");
        if (_consuming) throw new SignallingException(ErrorCodes.InvalidState, "this peer is already consuming the room");
        _consuming = true;
        _log.LogDebug("{Peer}: start consuming on {Transport} (router {Router}, room router {RoomRouter}, {Count} producers)", Name, transport.Id, _router!.Id, _room!.Router.Value.Id, _room.Producers.Items.Count);
        var room = _room!;
        var router = _router!;
        lock (_gate)
        {
            _lifetime.Add(ConsumeMedia(room, router, transport, capabilities).Subscribe(_channel.Post, LogPipelineError));
            _lifetime.Add(ConsumeData(room, transport).Subscribe(_channel.Post, LogPipelineError));
        }
        return Task.FromResult<object?>(null);
    }

    private void LogPipelineError(Exception e) => _log.LogWarning("{Peer}: consuming stopped: {Error}", Name, e.Message);

    private IObservable<string> ConsumeMedia(Room room, Router router, WebRtcTransport transport, RtpCapabilities capabilities) =>
        RoomConsumption.Consume(room, _peer!.PeerId, router, transport, capabilities, _options.ConsumerStatsPeriod, (what, e) => Skip<Consumer>(what, e))
            .Select(ConsumerMessage);

    private string ConsumerMessage(ConsumerEvent e)
    {
        var consumer = e.Consumer;
        switch (e.Kind)
        {
            case ConsumerEventKind.Added:
                _consumers[consumer.Id] = consumer;
                return Messages.Notification("newConsumer", new
                {
                    peerId = e.ProducerPeerId,
                    producerId = consumer.ProducerId,
                    id = consumer.Id,
                    kind = consumer.Kind,
                    rtpParameters = consumer.RtpParameters,
                    type = consumer.Type,
                    producerPaused = consumer.ProducerPaused.Value,
                });
            case ConsumerEventKind.State:
                var state = e.State!;
                return Messages.Notification("consumerState", new
                {
                    consumerId = consumer.Id,
                    score = state.Score,
                    producerScore = state.ProducerScore,
                    bitrate = state.Bitrate,
                    paused = state.Paused,
                });
            default:
                _consumers.TryRemove(consumer.Id, out _);
                return Messages.Notification("consumerClosed", new { consumerId = consumer.Id, peerId = e.ProducerPeerId });
        }
    }

    /// <summary>Every other peer's data producer (chat) as a data consumer on this peer's recv transport (SCTP).</summary>
    private IObservable<string> ConsumeData(Room room, WebRtcTransport transport) =>
        room.DataProducers.Added()
            .Where(p => p.PeerId != _peer!.PeerId && !p.DataProducer.IsClosed)
            .SelectMany(p => transport.UsingDataConsumer(new DataConsumerOptions { DataProducerId = p.DataProducer.Id })
                .TakeUntil(room.DataProducers.WhenRemoved(p))
                .Catch<DataConsumer, Exception>(e => Skip<DataConsumer>($"cannot consume {p.PeerId}'s data", e))
                .SelectMany(dataConsumer => Observable.Return(Messages.Notification("newDataConsumer", new
                    {
                        peerId = p.PeerId,
                        dataProducerId = dataConsumer.DataProducerId,
                        id = dataConsumer.Id,
                        sctpStreamParameters = dataConsumer.SctpStreamParameters,
                        label = dataConsumer.Label,
                        protocol = dataConsumer.Protocol,
                    }))
                    .Concat(dataConsumer.Closed.Take(1).Select(_ =>
                        Messages.Notification("dataConsumerClosed", new { dataConsumerId = dataConsumer.Id, peerId = p.PeerId })))));

    private IObservable<T> Skip<T>(string what, Exception e)
    {
        if (!_lifetime.IsDisposed) _log.LogInformation("{Peer}: {What}: {Error}", Name, what, e.Message);
        return Observable.Empty<T>();
    }
}
