using Orleans.Runtime;

namespace RxMediasoup.Orleans;

internal sealed partial class RoomGrain
{
    public async Task<RoomProducer> ConsumeAsync(string producerId, SiloAddress silo, string routerId)
    {
        ThrowIfUnknown();
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            if (_lostProducers.TryGetValue(producerId, out var lost)) throw new ProducerSiloUnavailableException(RoomId, producerId, lost.ToParsableString());
            throw new ProducerNotFoundException(RoomId, producerId);
        }
        if (entry.Silo.Equals(silo) && entry.RouterId == routerId) return entry;
        if (!IsActive(entry.Silo)) throw new ProducerSiloUnavailableException(RoomId, producerId, entry.Silo.ToParsableString());

        // The one pipe transport pair between the two routers (created once, reused: each side's OpenPipe returns the
        // existing transport and ConnectPipe is a no-op once connected).
        var source = GrainFactory.GetMediaSilo(entry.Silo);
        var target = GrainFactory.GetMediaSilo(silo);
        var sourceEndpoint = await source.OpenPipeAsync(RoomId, entry.RouterId, new RouterLocation(silo, routerId));
        var targetEndpoint = await target.OpenPipeAsync(RoomId, routerId, new RouterLocation(entry.Silo, entry.RouterId));
        await Task.WhenAll(
            source.ConnectPipeAsync(entry.RouterId, routerId, targetEndpoint),
            target.ConnectPipeAsync(routerId, entry.RouterId, sourceEndpoint));

        // The producer side consumes onto its pipe transport; the consumer side produces with the same id.
        var offer = await source.PipeOutAsync(entry.RouterId, routerId, producerId, entry.Kind);
        await target.PipeInAsync(routerId, entry.RouterId, offer);
        return entry with { Silo = silo, RouterId = routerId };
    }

    public async Task<RouterLocation> GetHomeRouterAsync()
    {
        if (_home is { } home && IsActive(home.Silo)) return home;
        var silos = ActiveSilos().ToList();
        var loads = await Task.WhenAll(silos.Select(async s => (Silo: s, Load: await GrainFactory.GetMediaSilo(s).GetLoadAsync())));
        var chosen = loads.OrderBy(l => l.Load).ThenBy(l => l.Silo.ToParsableString(), StringComparer.Ordinal).First().Silo;
        var routerId = await GrainFactory.GetMediaSilo(chosen).EnsureRouterAsync(RoomId);
        _home = new RouterLocation(chosen, routerId);
        _followers.Add(chosen);
        return _home;
    }
}
