using Event = FBS.Notification.Event;

namespace RxMediasoup.Protocol;

/// <summary>
/// What the worker tells an RTP observer, parsed at the edge (mediasoup's active speaker and audio level observer
/// notifications). Producers are named by id: the observer looks them up (and drops the ones that closed).
/// </summary>
internal abstract record RtpObserverNotification
{
    private RtpObserverNotification() { }

    /// <summary>ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER: the new dominant producer's id.</summary>
    public sealed record DominantSpeaker(string ProducerId) : RtpObserverNotification;

    /// <summary>AUDIOLEVELOBSERVER_VOLUMES: the loudest producers, loudest first.</summary>
    public sealed record Volumes(IReadOnlyList<ProducerVolume> Entries) : RtpObserverNotification;

    /// <summary>AUDIOLEVELOBSERVER_SILENCE.</summary>
    public sealed record Silence : RtpObserverNotification
    {
        /// <summary>The one instance (the notification has no body).</summary>
        public static readonly Silence Instance = new();
    }

    /// <summary>One entry of <see cref="Volumes"/>.</summary>
    /// <param name="ProducerId">The producer's id.</param>
    /// <param name="Volume">Its average volume in dBov (-127..0).</param>
    public readonly record struct ProducerVolume(string ProducerId, int Volume);

    /// <summary>Parses a notification for an RTP observer; null for an event observers do not handle.</summary>
    public static readonly NotificationParser<RtpObserverNotification> Parse = static (Event @event, in FBS.Notification.Notification n) => @event switch
    {
        Event.ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER => new DominantSpeaker(RtpObserverProtocol.ParseDominantSpeakerNotification(n)),
        Event.AUDIOLEVELOBSERVER_VOLUMES => new Volumes(RtpObserverProtocol.ParseVolumesNotification(n)),
        Event.AUDIOLEVELOBSERVER_SILENCE => Silence.Instance,
        _ => null,
    };
}
