using System.Reactive.Concurrency;
using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Testing;

// What the audio does, for the RTP observers: each audio producer's level (the ssrc-audio-level its RTP carries) as
// scripted, and the dominant speaker as scripted. An audio level observer computes its volumes from the levels as the
// worker does (AudioLevelObserver::Update at each tick of its interval: producers at or above the threshold, loudest
// first, at most maxEntries; "silence" once when none is left; pausing it stops the timer and reports silence), its
// timer running while some observed producer has a level or a silence is due — so a TestScheduler's Start() ends once
// every level is cleared.
internal sealed partial class SimulatedEngine
{
    private readonly Dictionary<string, sbyte> _audioLevels = new(StringComparer.Ordinal);

    /// <summary>The producer's RTP carries this level (dBov, -127..0) from now on; null: no audio level (silent, or no RTP).</summary>
    public void AudioLevel(string producerId, int? dBov)
    {
        var producer = Alive<SimProducer>(producerId);
        if (producer.Request.Kind != FBS.RtpParameters.MediaKind.AUDIO)
            throw new InvalidOperationException($"producer {producerId} is not an audio producer");
        if (dBov is { } level)
        {
            if (level is < -127 or > 0) throw new ArgumentOutOfRangeException(nameof(dBov), dBov, "an audio level is -127..0 dBov");
            _audioLevels[producerId] = (sbyte)level;
        }
        else
        {
            _audioLevels.Remove(producerId);
        }
        foreach (var observer in producer.Transport.Router.RtpObservers.Values)
            if (observer.Producers.Contains(producer)) MayTick(observer);
    }

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

    /// <summary>AudioLevelObserver::Paused: the timer stops; silence is reported if there were volumes.</summary>
    private void AudioLevelObserverPaused(SimRtpObserver observer)
    {
        if (observer.ActiveSpeaker || observer.Silence) return;
        observer.Silence = true;
        Notify(observer.Id, Event.AUDIOLEVELOBSERVER_SILENCE);
    }

    /// <summary>Schedules the audio level observer's next tick (on its timer's grid) when it has something to report.</summary>
    private void MayTick(SimRtpObserver observer)
    {
        if (observer.ActiveSpeaker || observer.Closed || observer.Paused || observer.TickScheduled) return;
        if (observer.Silence && !observer.Producers.Exists(p => _audioLevels.ContainsKey(p.Id))) return;
        var interval = TimeSpan.FromMilliseconds(observer.IntervalMs);
        var start = observer.TimerStart;
        long ticks = (backend.Scheduler.Now - start).Ticks / interval.Ticks + 1;
        observer.TickScheduled = true;
        backend.Scheduler.Schedule(start + TimeSpan.FromTicks(interval.Ticks * ticks), () =>
        {
            observer.TickScheduled = false;
            if (observer.Closed || observer.Paused || backend.HasExited) return;
            if (observer.TimerStart != start)
            {
                MayTick(observer); // paused and resumed since: the restarted timer's grid
                return;
            }
            UpdateVolumes(observer);
            MayTick(observer);
        });
    }

    /// <summary>AudioLevelObserver::Update with each producer's level constant over the interval (a paused producer sends nothing).</summary>
    private void UpdateVolumes(SimRtpObserver observer)
    {
        var loud = new List<(SimProducer Producer, int Index, sbyte Level)>(observer.Producers.Count);
        for (int i = 0; i < observer.Producers.Count; i++)
        {
            var p = observer.Producers[i];
            if (!p.Paused && _audioLevels.TryGetValue(p.Id, out sbyte l) && l >= observer.Threshold) loud.Add((p, i, l));
        }
        // Loudest first, the later added first among equals (a multimap read backwards); at most maxEntries.
        loud.Sort(static (a, b) => a.Level != b.Level ? b.Level.CompareTo(a.Level) : b.Index.CompareTo(a.Index));
        int keep = observer.MaxEntries;
        if (loud.Count > keep) loud.RemoveRange(keep, loud.Count - keep);
        if (loud.Count > 0)
        {
            observer.Silence = false;
            Notify(observer.Id, Event.AUDIOLEVELOBSERVER_VOLUMES, NotificationBody.FromAudioLevelObserver_VolumesNotification(
                new FBS.AudioLevelObserver.VolumesNotificationT
                {
                    Volumes = loud.ConvertAll(e => new FBS.AudioLevelObserver.VolumeT { ProducerId = e.Producer.Id, Volume_ = e.Level }),
                }));
        }
        else if (!observer.Silence)
        {
            observer.Silence = true;
            Notify(observer.Id, Event.AUDIOLEVELOBSERVER_SILENCE);
        }
    }
}
