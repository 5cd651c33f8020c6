using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>
/// Requests and notifications of RTP observers (creation and close: the router is the handler; pause, resume and
/// add/remove producer: the observer).
/// </summary>
internal static class RtpObserverProtocol
{
    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /// <summary>ROUTER_CREATE_ACTIVESPEAKEROBSERVER on <paramref name="routerId"/>.</summary>
    public static Task<bool> CreateActiveSpeakerObserverAsync(WorkerChannel channel, string routerId, string rtpObserverId, ushort interval,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.ROUTER_CREATE_ACTIVESPEAKEROBSERVER, routerId, FBS.Request.Body.Router_CreateActiveSpeakerObserverRequest,
            (rtpObserverId, interval), static (b, s) =>
            {
                var id = b.CreateString(s.rtpObserverId);
                var options = FBS.ActiveSpeakerObserver.ActiveSpeakerObserverOptions.CreateActiveSpeakerObserverOptions(b, s.interval);
                return FBS.Router.CreateActiveSpeakerObserverRequest.CreateCreateActiveSpeakerObserverRequest(b, id, options).Value;
            },
            Accepted, cancellationToken);

    /// <summary>ROUTER_CREATE_AUDIOLEVELOBSERVER on <paramref name="routerId"/>.</summary>
    public static Task<bool> CreateAudioLevelObserverAsync(WorkerChannel channel, string routerId, string rtpObserverId, ushort maxEntries,
        sbyte threshold, ushort interval, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.ROUTER_CREATE_AUDIOLEVELOBSERVER, routerId, FBS.Request.Body.Router_CreateAudioLevelObserverRequest,
            (rtpObserverId, maxEntries, threshold, interval), static (b, s) =>
            {
                var id = b.CreateString(s.rtpObserverId);
                var options = FBS.AudioLevelObserver.AudioLevelObserverOptions.CreateAudioLevelObserverOptions(b, s.maxEntries, s.threshold,
                    s.interval);
                return FBS.Router.CreateAudioLevelObserverRequest.CreateCreateAudioLevelObserverRequest(b, id, options).Value;
            },
            Accepted, cancellationToken);

    /// <summary>ROUTER_CLOSE_RTPOBSERVER on <paramref name="routerId"/>.</summary>
    public static Task CloseAsync(WorkerChannel channel, string routerId, string rtpObserverId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.ROUTER_CLOSE_RTPOBSERVER, routerId, FBS.Request.Body.Router_CloseRtpObserverRequest, rtpObserverId,
            static (b, id) => FBS.Router.CloseRtpObserverRequest.CreateCloseRtpObserverRequest(b, id).Value, cancellationToken);

    // Commands on the observer. Each applies its state change through onAccepted (AcceptedThen), run as the answer is
    // read: so concurrent commands end in the state of the last answer, as the worker's.

    /// <summary>RTPOBSERVER_PAUSE; <paramref name="onAccepted"/> applies the state as the worker's answer is read.</summary>
    public static Task PauseAsync(WorkerChannel channel, string rtpObserverId, Action onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.RTPOBSERVER_PAUSE, rtpObserverId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary>RTPOBSERVER_RESUME; <paramref name="onAccepted"/> applies the state as the worker's answer is read.</summary>
    public static Task ResumeAsync(WorkerChannel channel, string rtpObserverId, Action onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.RTPOBSERVER_RESUME, rtpObserverId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary>RTPOBSERVER_ADD_PRODUCER; <paramref name="onAccepted"/> applies the change as the worker's answer is read.</summary>
    public static Task AddProducerAsync(WorkerChannel channel, string rtpObserverId, string producerId, Action onAccepted,
        CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.RTPOBSERVER_ADD_PRODUCER, rtpObserverId, FBS.Request.Body.RtpObserver_AddProducerRequest, producerId,
            static (b, id) => FBS.RtpObserver.AddProducerRequest.CreateAddProducerRequest(b, id).Value, cancellationToken, onAccepted);

    /// <summary>RTPOBSERVER_REMOVE_PRODUCER; <paramref name="onAccepted"/> applies the change as the worker's answer is read.</summary>
    public static Task RemoveProducerAsync(WorkerChannel channel, string rtpObserverId, string producerId, Action onAccepted,
        CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.RTPOBSERVER_REMOVE_PRODUCER, rtpObserverId, FBS.Request.Body.RtpObserver_RemoveProducerRequest, producerId,
            static (b, id) => FBS.RtpObserver.RemoveProducerRequest.CreateRemoveProducerRequest(b, id).Value, cancellationToken, onAccepted);

    // ---------------------------------------------------------------------------------------------
    // Notifications
    // ---------------------------------------------------------------------------------------------

    /// <summary>ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER: the dominant producer's id.</summary>
    public static string ParseDominantSpeakerNotification(in FBS.Notification.Notification notification)
        => notification.BodyAsActiveSpeakerObserver_DominantSpeakerNotification().ProducerId ?? string.Empty;

    /// <summary>AUDIOLEVELOBSERVER_VOLUMES: the loudest producers, loudest first.</summary>
    public static RtpObserverNotification.ProducerVolume[] ParseVolumesNotification(in FBS.Notification.Notification notification)
    {
        var n = notification.BodyAsAudioLevelObserver_VolumesNotification();
        var volumes = new RtpObserverNotification.ProducerVolume[n.VolumesLength];
        for (int i = 0; i < volumes.Length; i++)
        {
            var v = Required(n.Volumes(i), "volumes[i]");
            volumes[i] = new RtpObserverNotification.ProducerVolume(v.ProducerId ?? string.Empty, v.Volume_);
        }
        return volumes;
    }
}
