using System.Reactive;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;
using Event = FBS.Notification.Event;

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
    private readonly StateStream<IReadOnlyList<AudioLevelObserverVolume>> _volumes;
    private readonly StateStream<Unit> _silence;

    internal AudioLevelObserver(Router router, string id, EntityNotificationSink<RtpObserver> sink, IDictionary<string, object?>? appData,
        ILogger logger)
        : base(router, id, sink, appData, logger)
    {
        _volumes = StateStream<IReadOnlyList<AudioLevelObserverVolume>>.Events("AudioLevelObserver.Volumes", logger);
        _silence = StateStream<Unit>.Events("AudioLevelObserver.Silence", logger);
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

    internal override int SubscriberCount => base.SubscriberCount + _volumes.SubscriberCount + _silence.SubscriberCount;

    private protected override void CompleteStreams()
    {
        _volumes.Complete();
        _silence.Complete();
    }

    private void OnVolumes(RawVolume[] raw)
    {
        var volumes = new List<AudioLevelObserverVolume>(raw.Length);
        foreach (var v in raw)
            if (GetProducer(v.ProducerId) is { } producer)
                volumes.Add(new AudioLevelObserverVolume { Producer = producer, Volume = v.Volume });
        if (volumes.Count > 0) _volumes.OnNext(ValueList<AudioLevelObserverVolume>.Create(volumes.ToArray()));
    }

    internal static readonly EntityNotificationParser<RtpObserver> ParseNotification = static (Event @event, in FBS.Notification.Notification n) =>
    {
        switch (@event)
        {
            case Event.AUDIOLEVELOBSERVER_VOLUMES:
            {
                var raw = RtpObserverProtocol.ParseVolumesNotification(n);
                return o => ((AudioLevelObserver)o).OnVolumes(raw);
            }
            case Event.AUDIOLEVELOBSERVER_SILENCE:
                return static o => ((AudioLevelObserver)o)._silence.OnNext(Unit.Default);
            default:
                return null;
        }
    };
}
