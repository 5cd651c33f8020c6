using RxMediasoup.Protocol;

namespace RxMediasoup;

public abstract partial class Transport
{
    private readonly object _mediaGate = new();
    private EntityCollection<Producer>? _producers;
    private EntityCollection<Consumer>? _consumers;
    private string? _cnameForProducers;
    private int _nextMidForConsumers;
    private List<Action>? _producerDependents;

    /// <summary>
    /// The transport's producers as a live collection: <c>Producers.Items</c> is the snapshot, <c>Producers.Connect()</c>
    /// the change-set stream (snapshot, then each producer created or closed; completes when the transport closes).
    /// </summary>
    public EntityCollection<Producer> Producers => LazyInitializer.EnsureInitialized(ref _producers, () => Collection<Producer>(nameof(Producers), static p => p.Id));

    /// <summary>
    /// The transport's consumers as a live collection: <c>Consumers.Items</c> is the snapshot, <c>Consumers.Connect()</c>
    /// the change-set stream (snapshot, then each consumer created or closed; completes when the transport closes).
    /// </summary>
    public EntityCollection<Consumer> Consumers => LazyInitializer.EnsureInitialized(ref _consumers, () => Collection<Consumer>(nameof(Consumers), static c => c.Id));

    /// <summary>
    /// Creates a producer: tells the router about media the endpoint sends (or, on a <see cref="DirectTransport"/>,
    /// the application sends with <see cref="DirectProducer.Send"/>). The RTP parameters are validated and mapped to the
    /// router's codecs before anything is sent; the transport's CNAME replaces theirs (except on a
    /// <see cref="PipeTransport"/>, where a producer without CNAME gets a random one of its own). If <paramref name="cancellationToken"/> is cancelled after the request was sent and
    /// the worker still creates the producer, it is closed.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options or RTP parameters, or a producer with the same id exists.</exception>
    /// <exception cref="UnsupportedException">A codec the router does not have.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it (e.g. a MID or SSRC already in use).</exception>
    public async Task<Producer> ProduceAsync(ProducerOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        if (options.Id is { } id && Producers.Lookup(id) is not null)
            throw new ArgumentException($"a Producer with same id \"{id}\" already exists", nameof(options));
        if (!Enum.IsDefined(options.Kind))
            throw new ArgumentOutOfRangeException(nameof(options), options.Kind, $"invalid kind \"{options.Kind}\"");
        if (options.KeyFrameRequestDelay < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.KeyFrameRequestDelay, "keyFrameRequestDelay must not be negative");
        ArgumentNullException.ThrowIfNull(options.RtpParameters, "options.RtpParameters");

        var rtpParameters = Ortc.ValidateAndNormalizeRtpParameters(options.RtpParameters);
        if (rtpParameters.Encodings.Count == 0) rtpParameters = rtpParameters with { Encodings = [new RtpEncodingParameters()] };
        // Not on pipe transports: there each producer keeps its CNAME.
        if (this is not PipeTransport)
        {
            string cname;
            lock (_mediaGate)
            {
                // An empty CNAME counts as none (Chrome's simulcast offer carries cname ""), as in Node's `if (rtcp?.cname)`.
                _cnameForProducers ??= string.IsNullOrEmpty(rtpParameters.Rtcp.Cname) ? Channel.NewId()[..8] : rtpParameters.Rtcp.Cname;
                cname = _cnameForProducers;
            }
            rtpParameters = rtpParameters with { Rtcp = rtpParameters.Rtcp with { Cname = cname } };
        }
        // On a pipe transport a producer without CNAME gets one of its own (mediasoup 3.27): a CNAME shared with the other
        // producers without one would tell the worker that they come from one sender and share its clock.
        else if (string.IsNullOrEmpty(rtpParameters.Rtcp.Cname))
        {
            rtpParameters = rtpParameters with { Rtcp = rtpParameters.Rtcp with { Cname = Channel.NewId()[..8] } };
        }
        var routerRtpCapabilities = Router.RtpCapabilities;
        var (rtpMapping, negotiated) = Ortc.WithSsrcSource(Channel.SsrcSource,
            () => (Ortc.GetProducerRtpParametersMapping(rtpParameters, routerRtpCapabilities, out var n), n));
        var consumableRtpParameters = Ortc.GetConsumableRtpParameters(options.Kind, negotiated, routerRtpCapabilities, rtpMapping);

        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string producerId = options.Id ?? Channel.NewId();
        var sink = new NotificationSink<ProducerNotification>(ProducerNotification.Parse, Channel.Deliveries, "Producer");
        var data = new ProduceRequestData(producerId, options.Kind, negotiated, rtpMapping, options.Paused,
            (uint)options.KeyFrameRequestDelay, options.EnableMediasoupPacketIdHeaderExtension);
        return await EntityCreation.CreateAsync(this, new EntityCreation.Steps<ProduceResult, Producer>
        {
            Kind = nameof(Producer),
            Id = producerId,
            Sink = sink,
            Send = () => ProducerProtocol.ProduceAsync(Channel, Id, data, CancellationToken.None),
            CloseInWorker = () => ProducerProtocol.CloseAsync(Channel, Id, producerId, CancellationToken.None),
            Construct = result => Producer.Create(this, producerId, options.Kind, negotiated, result.Type, consumableRtpParameters,
                options.Paused, sink, options.AppData),
            Register = producer => Producers.Add(producer) && Router.AddProducer(producer),
            Attach = sink.Attach,
            ParentCloseReason = ChildCloseReason,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a consumer of a producer of the same router, for an endpoint with <see cref="ConsumerOptions.RtpCapabilities"/>.
    /// On a <see cref="PipeTransport"/> the consumer is a pipe consumer (all the producer's streams, the pipe transport's
    /// RTX setting; capabilities, pause, MID and layers options are ignored), as mediasoup's <c>PipeTransport.consume</c>.
    /// If <paramref name="cancellationToken"/> is cancelled after the request was sent and the worker still creates the
    /// consumer, it is closed. Nothing the worker says about the consumer before its response is lost (e.g. a paused
    /// producer's pause notification).
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (no producer id, an empty MID, invalid capabilities).</exception>
    /// <exception cref="NotFoundException">No producer with that id in the router, or the transport is closed.</exception>
    /// <exception cref="UnsupportedException">The capabilities cannot consume the producer.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<Consumer> ConsumeAsync(ConsumerOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfClosed(); // before the producer lookup: after a worker death, WorkerClosedException (not "not found")
        if (string.IsNullOrEmpty(options.ProducerId))
            throw new ArgumentException("missing producerId", nameof(options));

        Producer producer;
        RtpParameters rtpParameters;
        ConsumerType type;
        ConsumeRequestData data;
        string consumerId = Channel.NewId();
        if (this is PipeTransport pipeTransport)
        {
            producer = LookUpProducer(options.ProducerId);
            rtpParameters = Ortc.WithSsrcSource(Channel.SsrcSource,
                () => Ortc.GetPipeConsumerRtpParameters(producer.ConsumableRtpParameters, pipeTransport.Rtx));
            type = ConsumerType.Pipe;
            data = new ConsumeRequestData(consumerId, producer.Id, producer.Kind, rtpParameters, type,
                producer.ConsumableRtpParameters.Encodings);
        }
        else
        {
            if (options.Mid is { Length: 0 })
                throw new ArgumentException("if given, mid must be non empty string", nameof(options));
            if (options.RtpCapabilities is null)
                throw new ArgumentNullException(nameof(options), "missing rtpCapabilities");
            if (options.PreferredLayers is { } l && (l.SpatialLayer is < 0 or > byte.MaxValue || l.TemporalLayer is < 0 or > byte.MaxValue))
                throw new ArgumentOutOfRangeException(nameof(options), l, "preferredLayers must be between 0 and 255");
            var rtpCapabilities = Ortc.ValidateAndNormalizeRtpCapabilities(options.RtpCapabilities);
            producer = LookUpProducer(options.ProducerId);
            bool enableRtx = options.EnableRtx ?? producer.Kind == MediaKind.Video;
            rtpParameters = Ortc.WithSsrcSource(Channel.SsrcSource,
                () => Ortc.GetConsumerRtpParameters(producer.ConsumableRtpParameters, rtpCapabilities, options.Pipe, enableRtx));
            if (!options.Pipe)
            {
                string mid;
                if (options.Mid is { } given) mid = given;
                else
                {
                    lock (_mediaGate)
                    {
                        mid = _nextMidForConsumers.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        // mediasoup uses up to 8 bytes for the MID.
                        if (++_nextMidForConsumers == 100000000)
                        {
                            Microsoft.Extensions.Logging.LoggerExtensions.LogError(Logger, "consume() | reaching max MID value {Mid}", _nextMidForConsumers);
                            _nextMidForConsumers = 0;
                        }
                    }
                }
                rtpParameters = rtpParameters with { Mid = mid };
            }
            type = options.Pipe ? ConsumerType.Pipe : ToConsumerType(producer.Type);
            data = new ConsumeRequestData(consumerId, producer.Id, producer.Kind, rtpParameters, type,
                producer.ConsumableRtpParameters.Encodings, options.Paused, options.PreferredLayers, options.IgnoreDtx);
        }

        var sink = new NotificationSink<ConsumerNotification>(ConsumerNotification.Parse, Channel.Deliveries, nameof(Consumer));
        return await EntityCreation.CreateAsync(this, new EntityCreation.Steps<ConsumeResult, Consumer>
        {
            Kind = nameof(Consumer),
            Id = consumerId,
            Sink = sink,
            Send = () => ConsumerProtocol.ConsumeAsync(Channel, Id, data, CancellationToken.None),
            CloseInWorker = () => ConsumerProtocol.CloseAsync(Channel, Id, consumerId, CancellationToken.None),
            Construct = result => new Consumer(this, producer, consumerId, rtpParameters, type, result, sink, options.AppData),
            Register = consumer =>
            {
                if (!Consumers.Add(consumer)) return false;
                // The producer closed meanwhile: the consumer is returned closed, as the worker closed it too.
                if (!producer.AddConsumer(consumer)) consumer.OnProducerClosed();
                return true;
            },
            Attach = sink.Attach,
            ParentCloseReason = ChildCloseReason,
        }, cancellationToken).ConfigureAwait(false);

        Producer LookUpProducer(string producerId)
        {
            // A dead worker or a closed transport is the answer before any lookup (not "producer not found").
            ThrowIfClosed();
            return Router.GetProducer(producerId) ?? throw new NotFoundException($"Producer with id \"{producerId}\" not found");
        }
    }

    /// <summary>
    /// A producer that exists while the subscription lives: created (<see cref="ProduceAsync"/>) on subscribe and emitted
    /// once; disposing the subscription closes it; the stream completes if the producer closes by itself (transport,
    /// router or worker closed). A creation failure is the stream's error. See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------p------          dispose: producer.CloseAsync()
    /// transport closed:        ------p----|
    /// invalid options:         ---#
    /// </code>
    /// </summary>
    /// <param name="options">The producer options.</param>
    public IObservable<Producer> UsingProducer(ProducerOptions options)
        => EntityLifetime.Using(ct => ProduceAsync(options, ct), static p => p.Closed);

    /// <summary>
    /// A consumer that exists while the subscription lives: created (<see cref="ConsumeAsync"/>) on subscribe and emitted
    /// once; disposing the subscription closes it; the stream completes if the consumer closes by itself (producer,
    /// transport, router or worker closed). A creation failure is the stream's error. See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------c------          dispose: consumer.CloseAsync()
    /// producer closed:         ------c----|
    /// unknown producer:        ---#
    /// </code>
    /// </summary>
    /// <param name="options">The consumer options.</param>
    public IObservable<Consumer> UsingConsumer(ConsumerOptions options)
        => EntityLifetime.Using(ct => ConsumeAsync(options, ct), static c => c.Closed);

    /// <summary>A producer left (closed): drop it from <see cref="Producers"/>.</summary>
    internal void RemoveProducer(Producer producer) => Producers.Remove(producer);

    /// <summary>A consumer left (closed): drop it from <see cref="Consumers"/>.</summary>
    internal void RemoveConsumer(Consumer consumer) => Consumers.Remove(consumer);

    partial void CloseMediaChildren(CloseReason reason)
    {
        // Consumers first: those consuming a producer of this same transport close with the transport's reason,
        // not with producer-closed.
        Consumers.CloseAll(consumer => consumer.CloseCore(reason));
        // As in mediasoup: every producer reports TransportClosed, then the transport its Closed, then the consumers on
        // other transports report ProducerClosed (CloseDependents).
        var dependents = _producerDependents = [];
        Producers.CloseAll(producer => producer.OnTransportClosed(reason, dependents));
    }

    private protected override void CloseDependents(CloseReason reason)
    {
        if (_producerDependents is { } dependents)
            foreach (var closeConsumers in dependents) closeConsumers();
    }

    private static ConsumerType ToConsumerType(ProducerType type) => type switch
    {
        ProducerType.Simple => ConsumerType.Simple,
        ProducerType.Simulcast => ConsumerType.Simulcast,
        ProducerType.Svc => ConsumerType.Svc,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "invalid producer type"),
    };
}
