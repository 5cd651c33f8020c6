using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Testing;

// The scripted dominant speaker of an active speaker observer (the Room sample's active-speaker tests need it).
// NOTE for the merge with the simpkg branch: its SimulatedEngine.AudioLevels.cs / Simulation.Media.cs have the same
// members (DominantSpeaker / SetDominantSpeaker, same signatures); keep theirs and delete this file and
// Simulation.DominantSpeaker.cs.
internal sealed partial class SimulatedEngine
{
    /// <summary>The scripted dominant speaker; false when the worker would not notify (paused observer or producer, no change).</summary>
    public bool DominantSpeaker(string observerId, string producerId)
    {
        var observer = Alive<SimRtpObserver>(observerId);
        if (!observer.ActiveSpeaker) throw new InvalidOperationException($"RTP observer {observerId} is not an ActiveSpeakerObserver");
        var producer = observer.Producers.Find(p => p.Id == producerId)
            ?? throw new InvalidOperationException($"producer {producerId} was not added to active speaker observer {observerId}");
        if (observer.Paused || producer.Paused || observer.DominantId == producerId) return false;
        observer.DominantId = producerId;
        Notify(observer.Id, Event.ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER, NotificationBody.FromActiveSpeakerObserver_DominantSpeakerNotification(
            new FBS.ActiveSpeakerObserver.DominantSpeakerNotificationT { ProducerId = producerId }));
        return true;
    }
}
