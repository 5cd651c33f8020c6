using Microsoft.Extensions.Logging;

namespace RxMediasoup.Orleans;

internal sealed partial class MediasoupRooms
{
    /// <summary>
    /// On the room's home silo: one <see cref="ActiveSpeakerObserver"/> on the home router, fed by every audio producer of
    /// the room (piped there from other silos like any consumable producer); its dominant speaker, as a peer id, goes to
    /// the room grain, which pushes it to every silo (<see cref="IMediasoupRooms.ActiveSpeaker"/>).
    /// </summary>
    private async Task StartActiveSpeakerAsync(LocalRoom room, Router router)
    {
        if (!_options.EnableActiveSpeaker || Interlocked.Exchange(ref room.SpeakerObserving, 1) == 1) return;
        ActiveSpeakerObserver observer;
        try
        {
            observer = await router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = _options.ActiveSpeakerInterval })
                .ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref room.SpeakerObserving, 0);
            throw;
        }
        var grain = RoomGrain(room.Id);
        var calls = new SerialCalls();
        observer.DominantSpeaker.Subscribe(d =>
        {
            var peerId = room.Mirror.Current.Producers.FirstOrDefault(p => p.Id == d.ProducerId)?.PeerId;
            _logger.LogDebug("room {RoomId}: dominant speaker producer {ProducerId}: peer {PeerId}", room.Id, d.ProducerId, peerId ?? "(not in the room's copy)");
            if (peerId is null) return;
            calls.Post(() => Ignore(grain.SetActiveSpeakerAsync(peerId), "active speaker"));
        });
        var producers = Follow(room.Id).Mirror.Producers().Subscribe(set =>
        {
            foreach (var change in set)
                if (change.Reason == EntityChangeReason.Add && change.Current.Kind == RoomProducerKind.Audio)
                    _ = ObserveAsync(room.Id, observer, change.Key);
        });
        observer.Closed.Subscribe(closeReason =>
        {
            producers.Dispose();
            Volatile.Write(ref room.SpeakerObserving, 0);
        });
    }

    private async Task ObserveAsync(string roomId, ActiveSpeakerObserver observer, string producerId)
    {
        try
        {
            var producer = await GetConsumableProducerAsync(roomId, producerId).ConfigureAwait(false);
            if (observer.IsClosed || producer.IsClosed) return;
            await observer.AddProducerAsync(producer.Id).ConfigureAwait(false);
            _logger.LogDebug("room {RoomId}: producer {ProducerId} observed for the active speaker", roomId, producerId);
        }
        catch (Exception e)
        {
            // A producer closed meanwhile, or its silo died: nothing to observe.
            _logger.LogDebug(e, "room {RoomId}: producer {ProducerId} not observed for the active speaker", roomId, producerId);
        }
    }
}
