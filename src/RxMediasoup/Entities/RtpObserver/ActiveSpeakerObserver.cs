using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>What <see cref="ActiveSpeakerObserver.DominantSpeaker"/> emits (mediasoup's <c>ActiveSpeakerObserverDominantSpeaker</c>).</summary>
public sealed record ActiveSpeakerObserverDominantSpeaker
{
    /// <summary>The producer that became the dominant speaker.</summary>
    public required Producer Producer { get; init; }

    /// <summary>The producer's id.</summary>
    public string ProducerId => Producer.Id;
}

/// <summary>
/// Detects the dominant speaker among the audio producers added to it (the dominant speaker identification algorithm
/// of Volfin and Cohen, over the <c>ssrc-audio-level</c> header extension of their RTP). Create one with
/// <see cref="Router.CreateActiveSpeakerObserverAsync"/>; see <see cref="RtpObserver"/> for the lifecycle.
/// </summary>
public sealed class ActiveSpeakerObserver : RtpObserver
{
    private readonly StreamSubject<ActiveSpeakerObserverDominantSpeaker> _dominantSpeaker;

    internal ActiveSpeakerObserver(Router router, string id, NotificationSink<RtpObserverNotification> sink,
        IDictionary<string, object?>? appData, ILogger logger)
        : base(nameof(ActiveSpeakerObserver), router, id, sink, appData, logger)
    {
        _dominantSpeaker = Events<ActiveSpeakerObserverDominantSpeaker>("DominantSpeaker");
    }

    /// <inheritdoc />
    public override RtpObserverType Type => RtpObserverType.ActiveSpeaker;

    /// <summary>
    /// Each time the dominant speaker changes (mediasoup's <c>dominantspeaker</c>; hot: no replay), the new dominant
    /// producer; a producer that closed meanwhile is not reported. Completes when the observer closes.
    /// <code>
    /// speaker:    ---p1--------p2----p1---|
    /// </code>
    /// </summary>
    public IObservable<ActiveSpeakerObserverDominantSpeaker> DominantSpeaker => _dominantSpeaker;

    private protected override void OnNotification(RtpObserverNotification notification)
    {
        if (notification is RtpObserverNotification.DominantSpeaker d && GetProducer(d.ProducerId) is { } producer)
            _dominantSpeaker.OnNext(new ActiveSpeakerObserverDominantSpeaker { Producer = producer });
    }
}
