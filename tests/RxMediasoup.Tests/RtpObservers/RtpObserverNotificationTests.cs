using System.Reactive;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;
using RxMediasoup.Tests.Protocol;
using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Tests.RtpObservers;

/// <summary>
/// The observers' notification handling (the worker's ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER, AUDIOLEVELOBSERVER_VOLUMES
/// and AUDIOLEVELOBSERVER_SILENCE fed to the production sink): producer lookup as in mediasoup (unknown producers are
/// dropped), isolation of a throwing subscriber, and notifications that arrive before the observer is attached.
/// </summary>
public sealed class RtpObserverNotificationTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private RxMediasoup.Producer _producer = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RtpObserverTestData.MediaCodecs });
        var transport = await _router.CreateDirectTransportAsync();
        _producer = await transport.ProduceAsync(RtpObserverTestData.AudioProducer(33333333));
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static void DominantSpeaker(RxMediasoup.RtpObserver observer, string producerId)
        => observer.NotificationSink.OnNotification(Event.ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER, Fbs.Notification(
            Event.ACTIVESPEAKEROBSERVER_DOMINANT_SPEAKER,
            NotificationBody.FromActiveSpeakerObserver_DominantSpeakerNotification(
                new FBS.ActiveSpeakerObserver.DominantSpeakerNotificationT { ProducerId = producerId })));

    private static void Volumes(NotificationSink<RtpObserverNotification> sink, params (string Id, sbyte Volume)[] volumes)
        => sink.OnNotification(Event.AUDIOLEVELOBSERVER_VOLUMES, Fbs.Notification(Event.AUDIOLEVELOBSERVER_VOLUMES,
            NotificationBody.FromAudioLevelObserver_VolumesNotification(new FBS.AudioLevelObserver.VolumesNotificationT
            {
                Volumes = volumes.Select(v => new FBS.AudioLevelObserver.VolumeT { ProducerId = v.Id, Volume_ = v.Volume }).ToList(),
            })));

    private static void Silence(NotificationSink<RtpObserverNotification> sink)
        => sink.OnNotification(Event.AUDIOLEVELOBSERVER_SILENCE, Fbs.Notification(Event.AUDIOLEVELOBSERVER_SILENCE, null));

    [Fact]
    public async Task DominantSpeakerResolvesTheProducerAndDropsUnknownOnes()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        var values = new List<ActiveSpeakerObserverDominantSpeaker>();
        using var subscription = observer.DominantSpeaker.Subscribe(values.Add);

        DominantSpeaker(observer, _producer.Id);
        DominantSpeaker(observer, "closed-or-unknown");

        var value = Assert.Single(values);
        Assert.Same(_producer, value.Producer);
        Assert.Equal(_producer.Id, value.ProducerId);
    }

    [Fact]
    public async Task VolumesKeepKnownProducersInOrderAndSilenceEmitsUnit()
    {
        var observer = await _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { MaxEntries = 3 });
        var volumes = new List<IReadOnlyList<AudioLevelObserverVolume>>();
        var silences = new List<Unit>();
        using var s1 = observer.Volumes.Subscribe(volumes.Add);
        using var s2 = observer.Silence.Subscribe(silences.Add);

        Volumes(observer.NotificationSink, (_producer.Id, -20), ("unknown", -30));
        Volumes(observer.NotificationSink, ("unknown", -10)); // Nothing left: not emitted (as in mediasoup).
        Silence(observer.NotificationSink);

        var report = Assert.Single(volumes);
        var entry = Assert.Single(report);
        Assert.Same(_producer, entry.Producer);
        Assert.Equal(-20, entry.Volume);
        Assert.Single(silences);
    }

    [Fact]
    public async Task AThrowingSubscriberIsIsolated()
    {
        var observer = await _router.CreateActiveSpeakerObserverAsync();
        var values = new List<ActiveSpeakerObserverDominantSpeaker>();
        using var bad = observer.DominantSpeaker.Subscribe(_ => throw new InvalidOperationException("boom"));
        using var good = observer.DominantSpeaker.Subscribe(values.Add);

        DominantSpeaker(observer, _producer.Id);
        DominantSpeaker(observer, _producer.Id);

        Assert.Equal(2, values.Count);
        Assert.Equal(1, observer.SubscriberCount); // Only "good" is left.
    }

    [Fact]
    public async Task NotificationsBeforeAttachAreDeliveredInOrderOnAttach()
    {
        var sink = new NotificationSink<RtpObserverNotification>(RtpObserverNotification.Parse, _router.Channel.Deliveries, "test");
        var observer = new AudioLevelObserver(_router, Guid.NewGuid().ToString(), sink, null, NullLogger.Instance);
        var events = new List<string>();
        using var s1 = observer.Volumes.Subscribe(v => events.Add($"volumes:{v[0].Volume}"));
        using var s2 = observer.Silence.Subscribe(_ => events.Add("silence"));

        Volumes(sink, (_producer.Id, -33));
        Silence(sink);
        Assert.Empty(events);
        Assert.Equal(2, sink.EarlyNotificationCount);

        sink.Attach(observer);
        Assert.Equal(["volumes:-33", "silence"], events);
        // Never created in the worker: close it locally.
        observer.CloseCore(CloseReason.RouterClosed);
        Assert.True(observer.IsClosed);
        await Task.CompletedTask;
    }

    [Fact]
    public void NotificationsDeliveredOnAttachRunOutsideTheSinksLock()
    {
        // The reader takes the sink's lock for a notification that arrives while the entity attaches: a subscriber
        // running under it (one blocked on a command, say) would hold the reader, and the command's response with it.
        var sink = new NotificationSink<RtpObserverNotification>(RtpObserverNotification.Parse, _router.Channel.Deliveries, "test");
        var observer = new AudioLevelObserver(_router, Guid.NewGuid().ToString(), sink, null, NullLogger.Instance);
        var lockHeld = new List<bool>();
        using var s1 = observer.Silence.Subscribe(_ => lockHeld.Add(Monitor.IsEntered(sink)));
        Silence(sink);
        Silence(sink);

        sink.Attach(observer); // drains here (this thread may drain and the queue is idle)

        Assert.Equal([false, false], lockHeld);
        observer.CloseCore(CloseReason.RouterClosed);
    }
}
