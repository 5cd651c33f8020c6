
using RequestT = FBS.Request.RequestT;

namespace RxMediasoup.Testing;

/// <summary>
/// One request the code under test sent to a simulated worker (an entry of <see cref="Simulation.Requests"/>).
/// </summary>
/// <param name="Time">The scheduler's time when the request was sent.</param>
/// <param name="Elapsed">The virtual time since the simulation was created.</param>
/// <param name="EntityKind">The kind of entity the request is for, as the worker names it (<c>"Worker"</c>,
/// <c>"Router"</c>, <c>"Transport"</c>, <c>"WebRtcTransport"</c>, <c>"Producer"</c>, <c>"Consumer"</c>...).</param>
/// <param name="EntityId">The id of that entity (empty for the worker's own methods).</param>
/// <param name="Method">The worker's method name, e.g. <c>"consumer.setPreferredLayers"</c> (see <see cref="Simulation.Methods"/>).</param>
/// <param name="Body">
/// What was asked, as a library model value when there is one: <see cref="ConsumerLayers"/> for
/// <c>consumer.setPreferredLayers</c>, an <see cref="int"/> for <c>consumer.setPriority</c> and the bitrate methods, a
/// <see cref="SimulatedProduce"/> / <see cref="SimulatedConsume"/> for <c>transport.produce</c> / <c>transport.consume</c>,
/// <see cref="DtlsParameters"/> for <c>webRtcTransport.connect</c>, a <see cref="TraceEventTypes{T}"/> for the
/// <c>enableTraceEvent</c> methods, the new or closed entity's id (a <see cref="string"/>) for the create/close methods;
/// null for the others (for now).
/// </param>
public sealed record SimulatedRequest(DateTimeOffset Time, TimeSpan Elapsed, string EntityKind, string EntityId, string Method, object? Body)
{
    /// <summary>"consumer.setPreferredLayers(3f2a…) at 00:00:12 {…}": for assertion messages.</summary>
    public override string ToString() => $"{Method}({EntityId}) at {Elapsed} {Body}";

    /// <summary>Reads a request of the worker's schema (never exposed: FlatBuffers types stay internal).</summary>
    internal static SimulatedRequest Read(RequestT request, DateTimeOffset time, TimeSpan elapsed)
    {
        string method = SimulatedMethods.Name(request.Method);
        return new SimulatedRequest(time, elapsed, SimulatedMethods.Kind(request.Method), request.HandlerId ?? "", method, ReadBody(request));
    }

    private static object? ReadBody(RequestT request)
    {
        var body = request.Body;
        return request.Method switch
        {
            FBS.Request.Method.CONSUMER_SET_PREFERRED_LAYERS => Layers(body.AsConsumer_SetPreferredLayersRequest().PreferredLayers),
            FBS.Request.Method.CONSUMER_SET_PRIORITY => (int)body.AsConsumer_SetPriorityRequest().Priority,
            FBS.Request.Method.TRANSPORT_SET_MAX_INCOMING_BITRATE => (int)body.AsTransport_SetMaxIncomingBitrateRequest().MaxIncomingBitrate,
            FBS.Request.Method.TRANSPORT_SET_MAX_OUTGOING_BITRATE => (int)body.AsTransport_SetMaxOutgoingBitrateRequest().MaxOutgoingBitrate,
            FBS.Request.Method.TRANSPORT_SET_MIN_OUTGOING_BITRATE => (int)body.AsTransport_SetMinOutgoingBitrateRequest().MinOutgoingBitrate,
            FBS.Request.Method.WORKER_CREATE_ROUTER => body.AsWorker_CreateRouterRequest().RouterId,
            FBS.Request.Method.WORKER_CLOSE_ROUTER => body.AsWorker_CloseRouterRequest().RouterId,
            FBS.Request.Method.ROUTER_CREATE_WEBRTCTRANSPORT => body.AsRouter_CreateWebRtcTransportRequest().TransportId,
            FBS.Request.Method.ROUTER_CREATE_PLAINTRANSPORT => body.AsRouter_CreatePlainTransportRequest().TransportId,
            FBS.Request.Method.ROUTER_CREATE_DIRECTTRANSPORT => body.AsRouter_CreateDirectTransportRequest().TransportId,
            FBS.Request.Method.ROUTER_CLOSE_TRANSPORT => body.AsRouter_CloseTransportRequest().TransportId,
            FBS.Request.Method.TRANSPORT_CLOSE_PRODUCER => body.AsTransport_CloseProducerRequest().ProducerId,
            FBS.Request.Method.TRANSPORT_CLOSE_CONSUMER => body.AsTransport_CloseConsumerRequest().ConsumerId,
            FBS.Request.Method.TRANSPORT_PRODUCE => Produce(body.AsTransport_ProduceRequest()),
            FBS.Request.Method.TRANSPORT_CONSUME => Consume(body.AsTransport_ConsumeRequest()),
            FBS.Request.Method.WEBRTCTRANSPORT_CONNECT => Dtls(body.AsWebRtcTransport_ConnectRequest().DtlsParameters),
            FBS.Request.Method.TRANSPORT_ENABLE_TRACE_EVENT => Events<TransportTraceEventType>(body.AsTransport_EnableTraceEventRequest().Events),
            FBS.Request.Method.PRODUCER_ENABLE_TRACE_EVENT => Events<ProducerTraceEventType>(body.AsProducer_EnableTraceEventRequest().Events),
            FBS.Request.Method.CONSUMER_ENABLE_TRACE_EVENT => Events<ConsumerTraceEventType>(body.AsConsumer_EnableTraceEventRequest().Events),
            _ => null,
        };
    }

    /// <summary>The worker's enum value as the library's (same names, e.g. KEYFRAME → KeyFrame).</summary>
    private static T Same<T>(Enum value) where T : struct, Enum => Enum.Parse<T>(value.ToString(), ignoreCase: true);

    private static TraceEventTypes<T> Events<T>(System.Collections.IEnumerable? events) where T : struct, Enum
        => new([.. (events ?? Array.Empty<T>()).Cast<Enum>().Select(Same<T>)]);

    private static DtlsParameters? Dtls(FBS.WebRtcTransport.DtlsParametersT? dtls) => dtls is null ? null : new DtlsParameters
    {
        Role = Same<DtlsRole>(dtls.Role),
        Fingerprints = [.. (dtls.Fingerprints ?? []).Select(f => new DtlsFingerprint { Algorithm = Same<FingerprintAlgorithm>(f.Algorithm), Value = f.Value })],
    };

    private static ConsumerLayers? Layers(FBS.Consumer.ConsumerLayersT? layers)
        => layers is null ? null : new ConsumerLayers { SpatialLayer = layers.SpatialLayer, TemporalLayer = layers.TemporalLayer };

    private static MediaKind Kind(FBS.RtpParameters.MediaKind kind) => kind == FBS.RtpParameters.MediaKind.AUDIO ? MediaKind.Audio : MediaKind.Video;

    private static SimulatedProduce Produce(FBS.Transport.ProduceRequestT r)
        => new(r.ProducerId, Kind(r.Kind), r.Paused, r.RtpParameters?.Encodings?.Count ?? 0);

    private static SimulatedConsume Consume(FBS.Transport.ConsumeRequestT r)
        => new(r.ConsumerId, r.ProducerId, Kind(r.Kind), r.Paused, Layers(r.PreferredLayers));
}

/// <summary>The body of a <c>transport.produce</c> request in <see cref="Simulation.Requests"/>.</summary>
/// <param name="ProducerId">The new producer's id.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="Paused">Whether it starts paused.</param>
/// <param name="EncodingCount">The number of RTP encodings (more than one: simulcast).</param>
public sealed record SimulatedProduce(string ProducerId, MediaKind Kind, bool Paused, int EncodingCount);

/// <summary>The body of a <c>transport.consume</c> request in <see cref="Simulation.Requests"/>.</summary>
/// <param name="ConsumerId">The new consumer's id.</param>
/// <param name="ProducerId">The producer it consumes.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="Paused">Whether it starts paused.</param>
/// <param name="PreferredLayers">The preferred layers asked for, if any.</param>
public sealed record SimulatedConsume(string ConsumerId, string ProducerId, MediaKind Kind, bool Paused, ConsumerLayers? PreferredLayers);

/// <summary>The body of an <c>enableTraceEvent</c> request in <see cref="Simulation.Requests"/>: the event types asked for.</summary>
/// <typeparam name="T">The entity's trace event type (<see cref="ProducerTraceEventType"/>...).</typeparam>
/// <param name="Types">The types, in the order given.</param>
public sealed record TraceEventTypes<T>(IReadOnlyList<T> Types) where T : struct, Enum
{
    /// <summary>Equal when the same types are asked for in the same order.</summary>
    /// <param name="other">The other body.</param>
    /// <returns>Whether they are equal.</returns>
    public bool Equals(TraceEventTypes<T>? other) => other is not null && Types.SequenceEqual(other.Types);

    /// <inheritdoc/>
    public override int GetHashCode() => Types.Count;

    /// <summary>"[KeyFrame, Pli]".</summary>
    /// <returns>The types.</returns>
    public override string ToString() => $"[{string.Join(", ", Types)}]";
}
