using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace RxMediasoup.Samples.Room;

/// <summary>What happens to one consumer of a peer: it was created, its state changed, it closed.</summary>
public enum ConsumerEventKind
{
    /// <summary>The consumer was created (paused; the page resumes it).</summary>
    Added,

    /// <summary>Its score, bitrate or paused state changed (at most once per <see cref="RoomServerOptions.ConsumerStatsPeriod"/>).</summary>
    State,

    /// <summary>It closed (its producer left the room or closed, or the peer's transport closed).</summary>
    Closed,
}

/// <summary>A consumer's state as the page shows it: paused when either it or its producer is paused.</summary>
public sealed record ConsumerState(int Score, int ProducerScore, long Bitrate, bool Paused);

/// <summary>An event of a peer's consumption of the room (<see cref="RoomConsumption.Consume"/>).</summary>
public sealed record ConsumerEvent(ConsumerEventKind Kind, string ProducerPeerId, Consumer Consumer, ConsumerState? State = null);

/// <summary>
/// Consuming the room: every other peer's producer (present or later) becomes a consumer on the peer's recv
/// transport, as one pipeline per producer: <c>UsingConsumer</c> until the producer leaves the room, an
/// <see cref="ConsumerEventKind.Added"/> event, throttled <see cref="ConsumerEventKind.State"/> events, then
/// <see cref="ConsumerEventKind.Closed"/>.
/// </summary>
public static class RoomConsumption
{
    /// <summary>The consumer events of peer <paramref name="peerId"/> consuming <paramref name="room"/> on <paramref name="transport"/>.</summary>
    /// <param name="room">The room.</param>
    /// <param name="peerId">The consuming peer (its own producers are not consumed).</param>
    /// <param name="router">The router the peer joined (during a move, the room's producers on another router are skipped).</param>
    /// <param name="transport">The peer's recv transport.</param>
    /// <param name="capabilities">The peer's RTP capabilities.</param>
    /// <param name="period">The period of state events (stats polling and throttling).</param>
    /// <param name="skipped">Told about a producer that cannot be consumed (the pipeline goes on without it).</param>
    public static IObservable<ConsumerEvent> Consume(Room room, string peerId, Router router, WebRtcTransport transport,
        RtpCapabilities capabilities, TimeSpan period, Action<string, Exception> skipped)
        => room.Producers.Added()
            // During a move the room's producers already live on the new router while this (old) session still holds the
            // old one: those are not this router's to consume (CanConsume would log "Producer not found").
            .Where(p => p.PeerId != peerId && !p.Producer.IsClosed && router.GetProducer(p.Producer.Id) is not null
                && router.CanConsume(p.Producer.Id, capabilities))
            .SelectMany(p => transport.UsingConsumer(new ConsumerOptions
                {
                    ProducerId = p.Producer.Id,
                    RtpCapabilities = capabilities,
                    Paused = true, // resumed by the page once its side of the consumer exists (resumeConsumer)
                    AppData = new Dictionary<string, object?> { ["peerId"] = p.PeerId },
                })
                .TakeUntil(room.Producers.WhenRemoved(p))
                .Catch<Consumer, Exception>(e =>
                {
                    skipped($"cannot consume {p.PeerId}'s {p.Producer.Kind}", e);
                    return Observable.Empty<Consumer>();
                })
                .SelectMany(consumer => Observable.Return(new ConsumerEvent(ConsumerEventKind.Added, p.PeerId, consumer))
                    .Concat(States(consumer, period, room.Scheduler).Select(s => new ConsumerEvent(ConsumerEventKind.State, p.PeerId, consumer, s)))
                    .Concat(Observable.Defer(() => Observable.Return(new ConsumerEvent(ConsumerEventKind.Closed, p.PeerId, consumer))))));

    /// <summary>Score, bitrate and paused state of a consumer, at most once per period, only when changed.</summary>
    public static IObservable<ConsumerState> States(Consumer consumer, TimeSpan period, IScheduler scheduler)
    {
        var bitrate = consumer.PollStats(period, scheduler)
            .Bitrate(stats => stats.Where(s => s.Type == RtpStreamStatsType.OutboundRtp).Sum(s => s.ByteCount))
            .Select(b => (long)b)
            .StartWith(0L)
            .Catch<long, Exception>(_ => Observable.Empty<long>());
        return Observable.CombineLatest(consumer.Score, bitrate, consumer.Paused, consumer.ProducerPaused,
                (score, bps, paused, producerPaused) => new ConsumerState(score.Score, score.ProducerScore, bps, paused || producerPaused))
            .Sample(period, scheduler)
            .DistinctUntilChanged()
            .TakeUntil(consumer.Closed);
    }
}
