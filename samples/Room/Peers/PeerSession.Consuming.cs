using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Consuming the room: every other peer's producer (present or later) becomes a consumer on this peer's recv
/// transport, as one pipeline per producer: <c>UsingConsumer</c> until the producer leaves the room, a
/// <c>newConsumer</c> notification, throttled score/bitrate notifications, then <c>consumerClosed</c>.
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
        room.Producers.Added()
            .Do(p => _log.LogDebug("{Peer}: producer {Producer} of {Owner} (closed {Closed})", Name, p.Producer.Id, p.PeerId, p.Producer.IsClosed))
            // During a move the room's producers already live on the new router while this (old) session still holds the
            // old one: those are not this router's to consume (CanConsume would log "Producer not found").
            .Where(p => p.PeerId != _peer!.PeerId && !p.Producer.IsClosed && router.GetProducer(p.Producer.Id) is not null
                && router.CanConsume(p.Producer.Id, capabilities))
            .SelectMany(p => transport.UsingConsumer(new ConsumerOptions
                {
                    ProducerId = p.Producer.Id,
                    RtpCapabilities = capabilities,
                    Paused = true, // resumed by the page once its side of the consumer exists (resumeConsumer)
                    AppData = new Dictionary<string, object?> { ["peerId"] = p.PeerId },
                })
                .TakeUntil(room.Producers.WhenRemoved(p))
                .Catch<Consumer, Exception>(e => Skip<Consumer>($"cannot consume {p.PeerId}'s {p.Producer.Kind}", e))
                .SelectMany(consumer => ConsumerMessages(p.PeerId, consumer)));

    private IObservable<string> ConsumerMessages(string peerId, Consumer consumer) =>
        Observable.Defer(() =>
            {
                _consumers[consumer.Id] = consumer;
                return Observable.Return(Messages.Notification("newConsumer", new
                {
                    peerId,
                    producerId = consumer.ProducerId,
                    id = consumer.Id,
                    kind = consumer.Kind,
                    rtpParameters = consumer.RtpParameters,
                    type = consumer.Type,
                    producerPaused = consumer.ProducerPaused.Value,
                }));
            })
            .Concat(ConsumerState(consumer))
            .Concat(Observable.Defer(() =>
            {
                _consumers.TryRemove(consumer.Id, out _);
                return Observable.Return(Messages.Notification("consumerClosed", new { consumerId = consumer.Id, peerId }));
            }));

    /// <summary>Score, bitrate and paused state of a consumer, at most once per period, only when changed.</summary>
    private IObservable<string> ConsumerState(Consumer consumer)
    {
        var period = _options.ConsumerStatsPeriod;
        var bitrate = consumer.PollStats(period)
            .Bitrate(stats => stats.Where(s => s.Type == RtpStreamStatsType.OutboundRtp).Sum(s => s.ByteCount))
            .Select(b => (long)b)
            .StartWith(0L)
            .Catch<long, Exception>(_ => Observable.Empty<long>());
        return Observable.CombineLatest(consumer.Score, bitrate, consumer.Paused, consumer.ProducerPaused,
                (score, bps, paused, producerPaused) => new
                {
                    consumerId = consumer.Id,
                    score = score.Score,
                    producerScore = score.ProducerScore,
                    bitrate = bps,
                    paused = paused || producerPaused,
                })
            .Sample(period)
            .DistinctUntilChanged()
            .TakeUntil(consumer.Closed)
            .Select(state => Messages.Notification("consumerState", state));
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
