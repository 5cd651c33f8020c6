using System.Collections.Concurrent;
using System.Reactive.Disposables;

namespace RxMediasoup.Samples.Room;

/// <summary>The peer's own entities: transports, producers, data producers (each held by a <c>Using…</c> subscription).</summary>
internal sealed partial class PeerSession
{
    private readonly ConcurrentDictionary<string, (WebRtcTransport Transport, bool Send)> _transports = new();
    private readonly ConcurrentDictionary<string, Producer> _producers = new();
    private readonly ConcurrentDictionary<string, DataProducer> _dataProducers = new();
    private readonly ConcurrentDictionary<string, Consumer> _consumers = new();

    /// <summary>
    /// Subscribes to a <c>Using…</c> observable for the session's lifetime and returns its entity: the entity closes
    /// when the session is disposed; <paramref name="onEnd"/> runs when it closes by itself.
    /// </summary>
    private async Task<T> HoldAsync<T>(IObservable<T> usingEntity, Action<T> onEnd, CancellationToken cancellationToken) where T : class
    {
        var created = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = new SingleAssignmentDisposable();
        lock (_gate)
        {
            if (_lifetime.IsDisposed) throw new OperationCanceledException("the session ended");
            _lifetime.Add(holder);
        }
        T? entity = null;
        void End()
        {
            if (entity is not null) onEnd(entity);
            lock (_gate) _lifetime.Remove(holder);
        }
        holder.Disposable = usingEntity.Subscribe(
            e => { entity = e; created.TrySetResult(e); },
            error => { created.TrySetException(error); End(); },
            () => { created.TrySetCanceled(CancellationToken.None); End(); });
        using (cancellationToken.Register(holder.Dispose))
            return await created.Task.ConfigureAwait(false);
    }

    private WebRtcTransport OwnTransport(RequestData data, bool? send)
    {
        string id = data.String("transportId");
        if (!_transports.TryGetValue(id, out var t))
            throw new SignallingException(ErrorCodes.NotFound, $"data.transportId '{id}' is not a transport of this peer");
        if (send is { } wanted && t.Send != wanted)
            throw new SignallingException(ErrorCodes.InvalidState, $"data.transportId '{id}' is a {(t.Send ? "send" : "recv")} transport; this method needs a {(wanted ? "send" : "recv")} one");
        return t.Transport;
    }

    private async Task<object?> CreateTransportAsync(RequestData data, CancellationToken ct)
    {
        bool send = data.OneOf("direction", "send", "recv") == "send";
        if (_transports.Count >= _options.MaxTransportsPerPeer)
            throw new SignallingException(ErrorCodes.LimitExceeded, $"a peer may have at most {_options.MaxTransportsPerPeer} transports");
        var options = new WebRtcTransportOptions
        {
            ListenInfos =
            [
                new ListenInfo { Protocol = TransportProtocol.Udp, Ip = _options.ListenIp, AnnouncedAddress = _options.AnnouncedIp },
                new ListenInfo { Protocol = TransportProtocol.Tcp, Ip = _options.ListenIp, AnnouncedAddress = _options.AnnouncedIp },
            ],
            PreferUdp = true,
            EnableSctp = true,
            InitialAvailableOutgoingBitrate = 1_000_000,
            AppData = new Dictionary<string, object?> { ["peerId"] = _peer!.PeerId },
        };
        var transport = await HoldAsync(_router!.UsingWebRtcTransport(options), t => _transports.TryRemove(t.Id, out _), ct).ConfigureAwait(false);
        _transports[transport.Id] = (transport, send);
        return new
        {
            id = transport.Id,
            iceParameters = transport.IceParameters,
            iceCandidates = transport.IceCandidates,
            dtlsParameters = transport.DtlsParameters,
            sctpParameters = transport.SctpParameters,
        };
    }

    private async Task<object?> ConnectTransportAsync(RequestData data, CancellationToken ct)
    {
        var transport = OwnTransport(data, send: null);
        var dtls = data.Object<DtlsParameters>("dtlsParameters");
        await transport.ConnectAsync(dtls, ct).ConfigureAwait(false);
        return null;
    }

    private async Task<object?> ProduceAsync(RequestData data, CancellationToken ct)
    {
        var transport = OwnTransport(data, send: true);
        var kind = data.OneOf("kind", "audio", "video") == "audio" ? MediaKind.Audio : MediaKind.Video;
        var rtpParameters = data.Object<RtpParameters>("rtpParameters");
        // Chrome's simulcast offers carry no a=ssrc lines, so mediasoup-client sends cname "": mediasoup (Node) then
        // picks the transport's CNAME; RxMediasoup 3.27.1 only does so for a null one (reported), hence null here.
        if (rtpParameters.Rtcp is { Cname: "" } rtcp) rtpParameters = rtpParameters with { Rtcp = rtcp with { Cname = null } };
        if (_producers.Count >= _options.MaxProducersPerPeer)
            throw new SignallingException(ErrorCodes.LimitExceeded, $"a peer may have at most {_options.MaxProducersPerPeer} producers");
        var producer = await HoldAsync(transport.UsingProducer(new ProducerOptions
        {
            Kind = kind,
            RtpParameters = rtpParameters,
            AppData = new Dictionary<string, object?> { ["peerId"] = _peer!.PeerId },
        }), p => _producers.TryRemove(p.Id, out _), ct).ConfigureAwait(false);
        _producers[producer.Id] = producer;
        _room!.AddProducer(new RoomProducer(_peer.PeerId, producer));
        _log.LogDebug("{Peer}: produced {Producer}; room has {Count}", Name, producer.Id, _room.Producers.Items.Count);
        return new { id = producer.Id };
    }

    private async Task<object?> ProduceDataAsync(RequestData data, CancellationToken ct)
    {
        var transport = OwnTransport(data, send: true);
        var sctp = data.Object<SctpStreamParameters>("sctpStreamParameters");
        string label = data.OptionalString("label") ?? "";
        string protocol = data.OptionalString("protocol") ?? "";
        if (_dataProducers.Count >= _options.MaxDataProducersPerPeer)
            throw new SignallingException(ErrorCodes.LimitExceeded, $"a peer may have at most {_options.MaxDataProducersPerPeer} data producers");
        var dataProducer = await HoldAsync(transport.UsingDataProducer(new DataProducerOptions
        {
            SctpStreamParameters = sctp,
            Label = label,
            Protocol = protocol,
        }), p => _dataProducers.TryRemove(p.Id, out _), ct).ConfigureAwait(false);
        _dataProducers[dataProducer.Id] = dataProducer;
        _room!.AddDataProducer(new RoomDataProducer(_peer!.PeerId, dataProducer));
        return new { id = dataProducer.Id };
    }

    private async Task<object?> CloseProducerAsync(RequestData data)
    {
        string id = data.String("producerId");
        if (!_producers.TryGetValue(id, out var producer))
            throw new SignallingException(ErrorCodes.NotFound, $"data.producerId '{id}' is not a producer of this peer");
        await producer.CloseAsync().ConfigureAwait(false);
        return null;
    }

    private Consumer OwnConsumer(RequestData data)
    {
        string id = data.String("consumerId");
        if (!_consumers.TryGetValue(id, out var consumer))
            throw new SignallingException(ErrorCodes.NotFound, $"data.consumerId '{id}' is not a consumer of this peer");
        return consumer;
    }

    private async Task<object?> ResumeConsumerAsync(RequestData data, CancellationToken ct)
    {
        var consumer = OwnConsumer(data);
        await consumer.ResumeAsync(ct).ConfigureAwait(false);
        return null;
    }

    private async Task<object?> SetPreferredLayersAsync(RequestData data, CancellationToken ct)
    {
        var consumer = OwnConsumer(data);
        int spatial = data.Int("spatialLayer");
        int? temporal = data.OptionalInt("temporalLayer");
        if (spatial is < 0 or > 2)
            throw new SignallingException(ErrorCodes.InvalidValue, $"data.spatialLayer must be 0, 1 or 2, not {spatial}");
        if (temporal is < 0 or > 2)
            throw new SignallingException(ErrorCodes.InvalidValue, $"data.temporalLayer must be 0, 1 or 2, not {temporal}");
        if (consumer.Kind != MediaKind.Video)
            throw new SignallingException(ErrorCodes.InvalidState, $"data.consumerId '{consumer.Id}' is an audio consumer; layers are for video");
        await consumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = spatial, TemporalLayer = temporal }, ct).ConfigureAwait(false);
        return new { spatialLayer = spatial, temporalLayer = temporal };
    }
}
