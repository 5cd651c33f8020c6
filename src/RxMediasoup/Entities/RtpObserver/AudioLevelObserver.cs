using System.Reactive;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>One entry of <see cref="AudioLevelObserver.Volumes"/> (mediasoup's <c>AudioLevelObserverVolume</c>).</summary>
public sealed record AudioLevelObserverVolume
{
    /// <summary>The producer.</summary>
    public required Producer Producer { get; init; }

    /// <summary>Its average volume over the last interval, in dBov: -127 (silence) to 0 (loudest).</summary>
    public required int Volume { get; init; }
}

/// <summary>
/// Reports the loudest of the audio producers added to it, every <see cref="AudioLevelObserverOptions.Interval"/>,
/// from the <c>ssrc-audio-level</c> header extension of their RTP. Create one with
/// <see cref="Router.CreateAudioLevelObserverAsync"/>; see <see cref="RtpObserver"/> for the lifecycle.
/// </summary>
public sealed class AudioLevelObserver : RtpObserver
{
    private readonly StreamSubject<IReadOnlyList<AudioLevelObserverVolume>> _volumes;
    private readonly StreamSubject<Unit> _silence;

    internal AudioLevelObserver(Router router, string id, NotificationSink<RtpObserverNotification> sink,
        IDictionary<string, object?>? appData, ILogger logger)
        : base(nameof(AudioLevelObserver), router, id, sink, appData, logger)
    {
        _volumes = Events<IReadOnlyList<AudioLevelObserverVolume>>("Volumes");
        _silence = Events<Unit>("Silence");
    }

    /// <inheritdoc />
    public override RtpObserverType Type => RtpObserverType.AudioLevel;

    /// <summary>
    /// Every interval in which some producer was above the threshold (mediasoup's <c>volumes</c>; hot: no replay): up
    /// to <see cref="AudioLevelObserverOptions.MaxEntries"/> producers, loudest first. Producers that closed meanwhile
    /// are left out (and nothing is emitted if none is left). Completes when the observer closes.
    /// <code>
    /// volumes:    --[p1:-20]--[p1:-22,p2:-40]-------|
    /// silence:    --------------------------()------|
    /// </code>
    /// </summary>
    public IObservable<IReadOnlyList<AudioLevelObserverVolume>> Volumes => _volumes;

    /// <summary>
    /// When no producer is above the threshold any more (mediasoup's <c>silence</c>; hot: no replay): emitted once per
    /// transition from volumes to silence. Completes when the observer closes.
    /// </summary>
    public IObservable<Unit> Silence => _silence;

    private protected override void OnNotification(RtpObserverNotification notification)
    {
        switch (notification)
        {
            case RtpObserverNotification.Volumes v:
                var volumes = new List<AudioLevelObserverVolume>(v.Entries.Count);
                foreach (var entry in v.Entries)
                    if (GetProducer(entry.ProducerId) is { } producer)
                        volumes.Add(new AudioLevelObserverVolume { Producer = producer, Volume = entry.Volume });
                if (volumes.Count > 0) _volumes.OnNext(ValueList<AudioLevelObserverVolume>.Create(volumes.ToArray()));
                break;
            case RtpObserverNotification.Silence:
                _silence.OnNext(Unit.Default);
                break;
        }
    }
}
