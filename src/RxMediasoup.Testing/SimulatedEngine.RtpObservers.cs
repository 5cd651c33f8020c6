using System.Reactive.Concurrency;
using FBS.Request;
using Event = FBS.Notification.Event;
using ResponseBody = FBS.Response.BodyUnion;

namespace RxMediasoup.Testing;

// RTP observers (Router.cpp, RtpObserver.cpp, ActiveSpeakerObserver.cpp, AudioLevelObserver.cpp): creation, pause and
// resume, add/remove producer with the worker's validation, the producer-close cascade and the router dump's maps.
// No audio flows in the simulation, so an audio level observer stays silent; an active speaker observer does what the
// worker does without audio: at its timer's next tick it names a dominant speaker when it has none (the worker takes
// its hash map's first entry; the simulation the first producer added), and again after the dominant one is removed.
internal sealed partial class SimulatedEngine
{
    private ResponseBody? CreateRtpObserver(SimRouter router, RequestT request)
    {
        bool activeSpeaker = request.Method == Method.ROUTER_CREATE_ACTIVESPEAKEROBSERVER;
        string id = activeSpeaker
            ? request.Body.AsRouter_CreateActiveSpeakerObserverRequest().RtpObserverId
            : request.Body.AsRouter_CreateAudioLevelObserverRequest().RtpObserverId;
        if (router.RtpObservers.ContainsKey(id))
            throw new SimulatedError($"an RtpObserver with same id already exists [method:{SimulatedMethods.Name(request.Method)}]");
        var observer = new SimRtpObserver(id, router, activeSpeaker);
        if (activeSpeaker)
        {
            observer.IntervalMs = request.Body.AsRouter_CreateActiveSpeakerObserverRequest().Options?.Interval ?? 300;
        }
        else if (request.Body.AsRouter_CreateAudioLevelObserverRequest().Options is { } options)
        {
            if (options.Threshold > 0) throw new SimulatedError($"invalid threshold value {options.Threshold}", isTypeError: true);
            observer.Threshold = options.Threshold;
            observer.MaxEntries = options.MaxEntries;
            observer.IntervalMs = Math.Clamp(options.Interval, (ushort)250, (ushort)5000);
        }
        Register(id, observer);
        router.RtpObservers[id] = observer;
        observer.TimerStart = backend.Scheduler.Now;
        return null;
    }

    private void CloseRtpObserver(SimRouter router, string id)
    {
        if (!router.RtpObservers.Remove(id, out var observer))
            throw SimulatedError.NotFound($"RtpObserver not found [method:{SimulatedMethods.Name(Method.ROUTER_CLOSE_RTPOBSERVER)}]");
        observer.Closed = true;
        _handlers.Remove(id);
    }

    private ResponseBody? AnswerRtpObserver(SimRtpObserver observer, RequestT request)
    {
        switch (request.Method)
        {
            case Method.RTPOBSERVER_PAUSE:
                if (observer.Paused) return null;
                observer.Paused = true;
                AudioLevelObserverPaused(observer);
                return null;
            case Method.RTPOBSERVER_RESUME:
                if (!observer.Paused) return null;
                observer.Paused = false;
                observer.TimerStart = backend.Scheduler.Now; // Timer::Restart
                MayElectSpeaker(observer);
                MayTick(observer);
                return null;
            case Method.RTPOBSERVER_ADD_PRODUCER:
            {
                var producer = ObservedProducer(observer, request.Body.AsRtpObserver_AddProducerRequest().ProducerId);
                if (producer.Request.Kind != FBS.RtpParameters.MediaKind.AUDIO) throw new SimulatedError("not an audio Producer", isTypeError: true);
                if (observer.Producers.Contains(producer))
                {
                    if (observer.ActiveSpeaker) throw new SimulatedError("Producer already in map");
                    return null;
                }
                observer.Producers.Add(producer);
                MayElectSpeaker(observer);
                MayTick(observer);
                return null;
            }
            case Method.RTPOBSERVER_REMOVE_PRODUCER:
                RemoveObserved(observer, ObservedProducer(observer, request.Body.AsRtpObserver_RemoveProducerRequest().ProducerId));
                return null;
            default:
                throw new SimulatedError($"unknown method '{SimulatedMethods.Name(request.Method)}'");
        }
    }

    /// <summary>Router::RtpObserverGetProducer.</summary>
    private static SimProducer ObservedProducer(SimRtpObserver observer, string producerId)
        => observer.Router.Transports.Values.SelectMany(t => t.Producers.Values).FirstOrDefault(p => p.Id == producerId)
           ?? throw SimulatedError.NotFound("Producer not found");

    private void RemoveObserved(SimRtpObserver observer, SimProducer producer)
    {
        if (!observer.Producers.Remove(producer)) return;
        if (observer.DominantId == producer.Id)
        {
            observer.DominantId = null;
            MayElectSpeaker(observer); // the worker's Update() right away
        }
    }

    /// <summary>A closing producer leaves every observer of its router (Router::OnTransportProducerClosed).</summary>
    private void RemoveFromObservers(SimProducer producer)
    {
        foreach (var observer in producer.Transport.Router.RtpObservers.Values) RemoveObserved(observer, producer);
    }

    /// <summary>At the periodic timer's next tick (started at creation or resume), names a dominant speaker if there is none.</summary>
    private void MayElectSpeaker(SimRtpObserver observer)
    {
        if (!observer.ActiveSpeaker || observer.Paused || observer.DominantId is not null || observer.Producers.Count == 0) return;
        var interval = TimeSpan.FromMilliseconds(Math.Max(1, (int)observer.IntervalMs));
        var elapsed = backend.Scheduler.Now - observer.TimerStart;
        long ticks = Math.Max(1, elapsed.Ticks / interval.Ticks + 1);
        var due = observer.TimerStart + TimeSpan.FromTicks(interval.Ticks * ticks);
        var start = observer.TimerStart;
        backend.Scheduler.Schedule(due, () =>
        {
            if (observer.Closed || observer.Paused || observer.TimerStart != start || observer.DominantId is not null) return;
            if (observer.Producers.Count == 0) return;
            observer.DominantId = observer.Producers[0].Id;
            Notify(observer.Id, Event.ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER,
                FBS.Notification.BodyUnion.FromActiveSpeakerObserver_DominantSpeakerNotification(
                    new FBS.ActiveSpeakerObserver.DominantSpeakerNotificationT { ProducerId = observer.DominantId }));
        });
    }
}

internal sealed class SimRtpObserver(string id, SimRouter router, bool activeSpeaker)
{
    public string Id { get; } = id;
    public SimRouter Router { get; } = router;
    public bool ActiveSpeaker { get; } = activeSpeaker;
    public ushort IntervalMs { get; set; } = 300;
    public sbyte Threshold { get; set; } = -80;
    public ushort MaxEntries { get; set; } = 1;
    public bool Silence { get; set; } = true;
    public bool TickScheduled { get; set; }
    public bool Paused { get; set; }
    public bool Closed { get; set; }
    public DateTimeOffset TimerStart { get; set; }
    public string? DominantId { get; set; }
    public List<SimProducer> Producers { get; } = [];
}
