using System.Reactive.Linq;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace RxMediasoup.Orleans;

internal sealed partial class MediasoupRooms
{
    private readonly object _pipesGate = new();

    /// <summary>This silo's pipe transports, by (local router id, remote router id): one per router pair.</summary>
    private readonly Dictionary<(string Local, string Remote), PipeLink> _pipes = new();

    /// <summary>The pipe producers (data producers) this silo created, by (router id, original id).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Router, string Id), MediasoupEntity> _pipeProducers = new();

    internal async Task<PipeEndpoint> OpenPipeAsync(string roomId, string localRouterId, RouterLocation remote)
    {
        var router = await GetRouterAsync(roomId).ConfigureAwait(false);
        if (router.Id != localRouterId)
            throw new ArgumentException($"not the room's router on this silo [routerId:{localRouterId}]", nameof(localRouterId));
        PipeLink link;
        lock (_pipesGate)
        {
            if (!_pipes.TryGetValue((localRouterId, remote.RouterId), out link!) || link.Transport.IsFaulted
                || (link.Transport.IsCompletedSuccessfully && link.Transport.Result.IsClosed))
            {
                link = new PipeLink(router, remote);
                link.Transport = CreatePipeTransportAsync(link);
                _pipes[(localRouterId, remote.RouterId)] = link;
            }
        }
        var transport = await link.Transport.ConfigureAwait(false);
        var tuple = transport.Tuple.Value;
        var srtp = transport.SrtpParameters is { } s ? JsonSerializer.Serialize(s, MediasoupJson.Options) : null;
        return new PipeEndpoint(tuple.LocalAddress, tuple.LocalPort, srtp);
    }

    private async Task<PipeTransport> CreatePipeTransportAsync(PipeLink link)
    {
        var transport = await link.Router.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = _options.PipeListenIp, AnnouncedAddress = _options.PipeAnnouncedAddress },
            EnableSctp = true,
            EnableSrtp = _options.EnableSrtp,
        }).ConfigureAwait(false);
        transport.Closed.Subscribe(closeReason =>
        {
            lock (_pipesGate)
            {
                if (_pipes.TryGetValue((link.Router.Id, link.Remote.RouterId), out var l) && l == link)
                    _pipes.Remove((link.Router.Id, link.Remote.RouterId));
            }
            if (!link.ClosedByRemote && !_hostStopping.IsCancellationRequested && !IsDead(link.Remote.Silo))
                _ = Ignore(_grains.GetMediaSilo(link.Remote.Silo).ClosePipeAsync(link.Remote.RouterId, link.Router.Id), "closing the remote pipe");
        });
        _logger.LogDebug("pipe transport {Id}: router {Local} → {Remote} on {Silo}", transport.Id, link.Router.Id, link.Remote.RouterId, link.Remote.Silo);
        return transport;
    }

    private PipeLink Link(string localRouterId, string remoteRouterId)
    {
        lock (_pipesGate)
            return _pipes.GetValueOrDefault((localRouterId, remoteRouterId))
                ?? throw new InvalidOperationException($"no pipe transport [router:{localRouterId}, remote:{remoteRouterId}]");
    }

    internal async Task ConnectPipeAsync(string localRouterId, string remoteRouterId, PipeEndpoint endpoint)
    {
        var link = Link(localRouterId, remoteRouterId);
        var transport = await link.Transport.ConfigureAwait(false);
        if (Interlocked.Exchange(ref link.Connected, 1) == 1) return;
        try
        {
            var srtp = endpoint.SrtpParametersJson is { } json ? JsonSerializer.Deserialize<SrtpParameters>(json, MediasoupJson.Options) : null;
            await transport.ConnectAsync(endpoint.Ip, endpoint.Port, srtp).ConfigureAwait(false);
        }
        catch
        {
            Volatile.Write(ref link.Connected, 0);
            throw;
        }
    }

    internal async Task<PipeOffer> PipeOutAsync(string localRouterId, string remoteRouterId, string producerId, RoomProducerKind kind)
    {
        var link = Link(localRouterId, remoteRouterId);
        var transport = await link.Transport.ConfigureAwait(false);
        Task<PipeOffer> task;
        lock (link)
        {
            if (!link.Outgoing.TryGetValue(producerId, out task!) || task.IsFaulted || task.IsCanceled)
                link.Outgoing[producerId] = task = kind == RoomProducerKind.Data
                    ? PipeDataOutAsync(link, transport, producerId)
                    : PipeMediaOutAsync(link, transport, producerId, kind);
        }
        return await task.ConfigureAwait(false);
    }

    private async Task<PipeOffer> PipeMediaOutAsync(PipeLink link, PipeTransport transport, string producerId, RoomProducerKind kind)
    {
        var consumer = await transport.ConsumeAsync(new ConsumerOptions { ProducerId = producerId }).ConfigureAwait(false);
        var remote = _grains.GetMediaSilo(link.Remote.Silo);
        OnPipeOutClosed(link, consumer, producerId, kind);
        // The original's pause state follows to the pipe producer, one call at a time in order.
        var calls = new SerialCalls();
        consumer.ProducerPaused.Skip(1).Subscribe(paused =>
        {
            calls.Post(() => Ignore(remote.SetPipeProducerPausedAsync(link.Remote.RouterId, producerId, paused), "pipe pause"));
        });
        return new PipeOffer(producerId, kind, JsonSerializer.Serialize(consumer.RtpParameters, MediasoupJson.Options), consumer.ProducerPaused.Value);
    }

    private async Task<PipeOffer> PipeDataOutAsync(PipeLink link, PipeTransport transport, string dataProducerId)
    {
        var consumer = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducerId }).ConfigureAwait(false);
        OnPipeOutClosed(link, consumer, dataProducerId, RoomProducerKind.Data);
        var sctp = consumer.SctpStreamParameters is { } s ? JsonSerializer.Serialize(s, MediasoupJson.Options) : null;
        return new PipeOffer(dataProducerId, RoomProducerKind.Data, sctp, false, consumer.Label, consumer.Protocol);
    }

    /// <summary>A pipe consumer closed (its original closed, or the pipe): the other silo closes the pipe producer.</summary>
    private void OnPipeOutClosed(PipeLink link, MediasoupEntity pipeConsumer, string producerId, RoomProducerKind kind)
        => pipeConsumer.Closed.Subscribe(closeReason =>
        {
            lock (link) link.Outgoing.Remove(producerId);
            if (!link.ClosedByRemote && !_hostStopping.IsCancellationRequested && !IsDead(link.Remote.Silo))
                _ = Ignore(_grains.GetMediaSilo(link.Remote.Silo).ClosePipeProducerAsync(link.Remote.RouterId, producerId, kind), "closing a pipe producer");
        });

    internal async Task PipeInAsync(string localRouterId, string remoteRouterId, PipeOffer offer)
    {
        var link = Link(localRouterId, remoteRouterId);
        var transport = await link.Transport.ConfigureAwait(false);
        if (offer.Kind == RoomProducerKind.Data)
        {
            // A data producer's id cannot be chosen (mediasoup keeps that for pipeToRouter): the pipe data producer
            // gets its own, and this silo maps the original's id to it.
            if (_pipeProducers.TryGetValue((localRouterId, offer.ProducerId), out var existing) && !existing.IsClosed) return;
            var dataProducer = await transport.ProduceDataAsync(new DataProducerOptions
            {
                SctpStreamParameters = offer.ParametersJson is { } j ? JsonSerializer.Deserialize<SctpStreamParameters>(j, MediasoupJson.Options) : null,
                Label = offer.Label ?? string.Empty,
                Protocol = offer.Protocol ?? string.Empty,
            }).ConfigureAwait(false);
            RegisterPipeProducer(localRouterId, dataProducer, offer.ProducerId);
            return;
        }
        if (link.Router.GetProducer(offer.ProducerId) is { IsClosed: false }) return;
        var producer = await transport.ProduceAsync(new ProducerOptions
        {
            Id = offer.ProducerId,
            Kind = offer.Kind == RoomProducerKind.Audio ? MediaKind.Audio : MediaKind.Video,
            RtpParameters = JsonSerializer.Deserialize<RtpParameters>(offer.ParametersJson!, MediasoupJson.Options)!,
            Paused = offer.Paused,
        }).ConfigureAwait(false);
        RegisterPipeProducer(localRouterId, producer, offer.ProducerId);
    }

    /// <summary>The pipe data producer of an original data producer on a local router, if open.</summary>
    private DataProducer? PipeDataProducer(string routerId, string originalId)
        => _pipeProducers.TryGetValue((routerId, originalId), out var e) && e is DataProducer { IsClosed: false } d ? d : null;

    private void RegisterPipeProducer(string routerId, MediasoupEntity pipeProducer, string id)
    {
        _pipeProducers[(routerId, id)] = pipeProducer;
        pipeProducer.Closed.Subscribe(_ => _pipeProducers.TryRemove(new KeyValuePair<(string, string), MediasoupEntity>((routerId, id), pipeProducer)));
    }

    internal async Task ClosePipeProducerAsync(string localRouterId, string producerId, RoomProducerKind kind)
    {
        if (_pipeProducers.TryGetValue((localRouterId, producerId), out var pipeProducer))
            await pipeProducer.CloseAsync().ConfigureAwait(false);
    }

    internal async Task SetPipeProducerPausedAsync(string localRouterId, string producerId, bool paused)
    {
        if (!_pipeProducers.TryGetValue((localRouterId, producerId), out var entity) || entity is not Producer { IsClosed: false } producer) return;
        if (paused) await producer.PauseAsync().ConfigureAwait(false);
        else await producer.ResumeAsync().ConfigureAwait(false);
    }

    internal async Task ClosePipeAsync(string localRouterId, string remoteRouterId)
    {
        PipeLink? link;
        lock (_pipesGate)
            if (_pipes.Remove((localRouterId, remoteRouterId), out link)) link.ClosedByRemote = true;
        if (link is { Transport.IsCompletedSuccessfully: true }) await link.Transport.Result.CloseAsync().ConfigureAwait(false);
    }

    /// <summary>Closes this silo's pipe transports to a dead silo (their pipe producers' consumers close with them).</summary>
    private void ClosePipesTo(SiloAddress silo)
    {
        List<PipeLink> links;
        lock (_pipesGate)
        {
            links = _pipes.Where(p => p.Value.Remote.Silo.Equals(silo)).Select(p => p.Value).ToList();
            foreach (var link in links) _pipes.Remove((link.Router.Id, link.Remote.RouterId));
        }
        foreach (var link in links)
        {
            link.ClosedByRemote = true;
            if (link.Transport.IsCompletedSuccessfully) _ = Ignore(link.Transport.Result.CloseAsync(), "closing a pipe to a dead silo");
        }
    }

    private System.Collections.Immutable.ImmutableArray<RouterLocation> PipesOf(string? routerId)
    {
        if (routerId is null) return [];
        lock (_pipesGate) return [.. _pipes.Where(p => p.Key.Local == routerId).Select(p => p.Value.Remote)];
    }

    /// <summary>One pipe transport of a local router towards a router of another silo.</summary>
    private sealed class PipeLink(Router router, RouterLocation remote)
    {
        public Router Router { get; } = router;
        public RouterLocation Remote { get; } = remote;
        public Task<PipeTransport> Transport { get; set; } = null!;
        public int Connected;
        public volatile bool ClosedByRemote;

        /// <summary>The pipe consumers (data consumers) on this transport, by original producer id.</summary>
        public Dictionary<string, Task<PipeOffer>> Outgoing { get; } = new(StringComparer.Ordinal);
    }
}
