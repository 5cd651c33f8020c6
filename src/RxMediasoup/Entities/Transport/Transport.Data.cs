using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

public abstract partial class Transport
{
    private readonly object _sctpStreamIdsGate = new();
    private EntityCollection<DataProducer>? _dataProducers;
    private EntityCollection<DataConsumer>? _dataConsumers;
    private bool[]? _sctpStreamIds;
    private int _nextSctpStreamId;

    /// <summary>
    /// The transport's data producers as a live collection: <c>DataProducers.Items</c> is the snapshot,
    /// <c>DataProducers.Connect()</c> the change-set stream (snapshot, then each data producer created or closed;
    /// completes when the transport closes).
    /// </summary>
    public EntityCollection<DataProducer> DataProducers
        => LazyInitializer.EnsureInitialized(ref _dataProducers, () => Collection<DataProducer>(nameof(DataProducers), static d => d.Id));

    /// <summary>
    /// The transport's data consumers as a live collection: <c>DataConsumers.Items</c> is the snapshot,
    /// <c>DataConsumers.Connect()</c> the change-set stream (snapshot, then each data consumer created or closed;
    /// completes when the transport closes).
    /// </summary>
    public EntityCollection<DataConsumer> DataConsumers
        => LazyInitializer.EnsureInitialized(ref _dataConsumers, () => Collection<DataConsumer>(nameof(DataConsumers), static d => d.Id));

    /// <summary>
    /// Creates a data producer: an SCTP stream the remote endpoint sends on (WebRTC, plain and pipe transports with
    /// SCTP; <see cref="DataProducerOptions.SctpStreamParameters"/> required), or — on a <see cref="DirectTransport"/> —
    /// a direct data producer the application sends with <see cref="DataProducer.Send(string, uint?, IReadOnlyList{int}?, int?, int?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (missing or invalid SCTP stream parameters; a given id already in use).</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. an SCTP stream id already in use or a transport without SCTP.</exception>
    public async Task<DataProducer> ProduceDataAsync(DataProducerOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        options ??= new DataProducerOptions();
        ArgumentNullException.ThrowIfNull(options.Label, "options.Label");
        ArgumentNullException.ThrowIfNull(options.Protocol, "options.Protocol");
        if (options.Id is { } givenId && DataProducers.Lookup(givenId) is not null)
            throw new ArgumentException($"a DataProducer with same id \"{givenId}\" already exists", "options.Id");
        DataProducerType type;
        SctpStreamParameters? sctpStreamParameters = null;
        if (this is DirectTransport)
        {
            type = DataProducerType.Direct;
            if (options.SctpStreamParameters is not null)
                Logger.LogWarning("produceData() | sctpStreamParameters are ignored when producing data on a DirectTransport");
        }
        else
        {
            type = DataProducerType.Sctp;
            if (options.SctpStreamParameters is null)
                throw new ArgumentNullException("sctpStreamParameters", "missing sctpStreamParameters");
            sctpStreamParameters = Ortc.ValidateAndNormalizeSctpStreamParameters(options.SctpStreamParameters);
        }
        string dataProducerId = options.Id ?? Channel.NewId();
        var request = new ProduceDataRequestData(dataProducerId, type, sctpStreamParameters, options.Label, options.Protocol, options.Paused);
        return await EntityCreation.CreateAsync(this, new EntityCreation.Steps<DataProducerDump, DataProducer>
        {
            Kind = nameof(DataProducer),
            Id = dataProducerId,
            Send = () => DataProducerProtocol.ProduceDataAsync(Channel, Id, request, CancellationToken.None),
            CloseInWorker = () => DataProducerProtocol.CloseAsync(Channel, Id, dataProducerId, CancellationToken.None),
            Construct = dump => new DataProducer(this, dataProducerId, dump, options.Paused, options.AppData),
            Register = AddDataProducer,
            ParentCloseReason = ChildCloseReason,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a data consumer of a data producer of the same router. On SCTP transports it gets a free SCTP stream id
    /// of this transport and the data producer's reliability unless overridden by
    /// <see cref="DataConsumerOptions.Ordered"/>, <see cref="DataConsumerOptions.MaxPacketLifeTime"/> or
    /// <see cref="DataConsumerOptions.MaxRetransmits"/>; on a <see cref="DirectTransport"/> its messages are delivered
    /// to <see cref="DataConsumer.Messages"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (e.g. a missing data producer id).</exception>
    /// <exception cref="NotFoundException">No such data producer in the router, or the transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it (e.g. a transport without SCTP) or no SCTP stream id is free.</exception>
    public async Task<DataConsumer> ConsumeDataAsync(DataConsumerOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.DataProducerId))
            throw new ArgumentException("missing dataProducerId", "options.DataProducerId");
        if (options.MaxPacketLifeTime is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException("options.MaxPacketLifeTime", options.MaxPacketLifeTime, "maxPacketLifeTime must be 0-65535");
        if (options.MaxRetransmits is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException("options.MaxRetransmits", options.MaxRetransmits, "maxRetransmits must be 0-65535");
        var subchannels = SubchannelRule.CheckAll(options.Subchannels, "options.Subchannels");
        // The worker's state is checked before the lookup: after its death this is WorkerClosedException, not "not found".
        ThrowIfClosed();
        var dataProducer = Router.GetDataProducer(options.DataProducerId)
            ?? throw new NotFoundException($"DataProducer with id \"{options.DataProducerId}\" not found");
        cancellationToken.ThrowIfCancellationRequested();

        DataConsumerType type = DataConsumerType.Direct;
        SctpStreamParameters? sctpStreamParameters = null;
        int? sctpStreamId = null;
        if (this is DirectTransport)
        {
            if (options.Ordered is not null || options.MaxPacketLifeTime is not null || options.MaxRetransmits is not null)
                Logger.LogWarning("consumeData() | ordered, maxPacketLifeTime and maxRetransmits are ignored when consuming data on a DirectTransport");
        }
        else
        {
            type = DataConsumerType.Sctp;
            sctpStreamId = AllocateSctpStreamId();
            sctpStreamParameters = ConsumerSctpStreamParameters(dataProducer.SctpStreamParameters, sctpStreamId.Value, options);
        }

        string dataConsumerId = Channel.NewId();
        var sink = new NotificationSink<DataConsumerNotification>(DataConsumerNotification.Parse, Channel.Deliveries, nameof(DataConsumer));
        var request = new ConsumeDataRequestData(dataConsumerId, dataProducer.Id, type, sctpStreamParameters, dataProducer.Label,
            dataProducer.Protocol, options.Paused, subchannels);
        try
        {
            return await EntityCreation.CreateAsync(this, new EntityCreation.Steps<DataConsumerDump, DataConsumer>
            {
                Kind = nameof(DataConsumer),
                Id = dataConsumerId,
                Sink = sink,
                Send = () => DataConsumerProtocol.ConsumeDataAsync(Channel, Id, request, CancellationToken.None),
                CloseInWorker = () => DataConsumerProtocol.CloseAsync(Channel, Id, dataConsumerId, CancellationToken.None),
                Construct = dump => new DataConsumer(this, dataProducer, dataConsumerId, dump, sctpStreamId, sink, options.AppData),
                Register = DataConsumers.Add,
                Attach = dataConsumer =>
                {
                    if (!dataProducer.AddDataConsumer(dataConsumer)) dataConsumer.OnDataProducerClosed();
                    sink.Attach(dataConsumer);
                },
                ParentCloseReason = ChildCloseReason,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not created (or closed at once because the transport closed meanwhile, never added): free its stream id.
            if (sctpStreamId is { } allocated) ReleaseSctpStreamId(allocated);
            throw;
        }
    }

    /// <summary>
    /// A data producer that exists while the subscription lives: created (<see cref="ProduceDataAsync"/>) on subscribe
    /// and emitted once; disposing the subscription closes it; the stream completes if the data producer closes by itself
    /// (transport, router or worker closed). A creation failure is the stream's error. See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------d------          dispose: dataProducer.CloseAsync()
    /// transport closed:        ------d----|
    /// invalid options:         ---#
    /// </code>
    /// </summary>
    /// <param name="options">The data producer options (null: defaults, for a direct transport).</param>
    public IObservable<DataProducer> UsingDataProducer(DataProducerOptions? options = null)
        => EntityLifetime.Using(ct => ProduceDataAsync(options, ct), static d => d.Closed);

    /// <summary>
    /// A data consumer that exists while the subscription lives: created (<see cref="ConsumeDataAsync"/>) on subscribe
    /// and emitted once; disposing the subscription closes it; the stream completes if the data consumer closes by itself
    /// (data producer, transport, router or worker closed). A creation failure is the stream's error. See
    /// <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------d------          dispose: dataConsumer.CloseAsync()
    /// data producer closed:    ------d----|
    /// unknown data producer:   ---#
    /// </code>
    /// </summary>
    /// <param name="options">The data consumer options.</param>
    public IObservable<DataConsumer> UsingDataConsumer(DataConsumerOptions options)
        => EntityLifetime.Using(ct => ConsumeDataAsync(options, ct), static d => d.Closed);

    private static SctpStreamParameters ConsumerSctpStreamParameters(SctpStreamParameters? producer, int streamId, DataConsumerOptions options)
    {
        var p = producer is null
            ? new SctpStreamParameters { StreamId = streamId, Ordered = true }
            : producer with { StreamId = streamId };
        // mediasoup's consumeData(): ordered overrides; unless ordered, a lifetime or retransmission limit makes it unordered.
        if (options.Ordered is { } ordered)
        {
            p = p with { Ordered = ordered };
            if (ordered) p = p with { MaxPacketLifeTime = null, MaxRetransmits = null };
        }
        if (options.Ordered != true)
        {
            if (options.MaxPacketLifeTime is { } lifeTime) p = p with { Ordered = false, MaxPacketLifeTime = lifeTime };
            if (options.MaxRetransmits is { } retransmits) p = p with { Ordered = false, MaxRetransmits = retransmits };
        }
        return p;
    }

    /// <summary>
    /// mediasoup's <c>getNextSctpStreamId()</c>: the next free SCTP stream id (0–65534) after the last one allocated,
    /// wrapping; restarts at 0 when the negotiated maximum of outbound streams is exceeded.
    /// </summary>
    /// <exception cref="MediasoupException">No SCTP stream id is available.</exception>
    private int AllocateSctpStreamId()
    {
        lock (_sctpStreamIdsGate)
        {
            var ids = _sctpStreamIds ??= new bool[65535];
            if (SctpNegotiatedCapabilitiesValue is { } caps && _nextSctpStreamId + 1 > caps.NegotiatedMaxOutboundStreams)
            {
                Logger.LogWarning("SCTP negotiated max outbound streams is higher than current next SCTP streamId + 1, resetting it to 0");
                _nextSctpStreamId = 0;
            }
            for (int i = 0; i < ids.Length; i++)
            {
                int id = (_nextSctpStreamId + i) % ids.Length;
                if (ids[id]) continue;
                ids[id] = true;
                _nextSctpStreamId = id + 1;
                return id;
            }
        }
        throw new MediasoupException("no sctpStreamId available");
    }

    private void ReleaseSctpStreamId(int id)
    {
        lock (_sctpStreamIdsGate)
            if (_sctpStreamIds is { } ids) ids[id] = false;
    }

    /// <summary>Adds a new data producer to <see cref="DataProducers"/> and the router's registry; false if the transport closed.</summary>
    private bool AddDataProducer(DataProducer dataProducer)
    {
        if (!DataProducers.Add(dataProducer)) return false;
        Router.AddDataProducer(dataProducer);
        // Closed concurrently before it reached the router's registry: do not leave it there.
        if (dataProducer.IsClosed) Router.RemoveDataProducer(dataProducer);
        return true;
    }

    /// <summary>A data producer of this transport closed (for whatever reason): forget it here and in the router.</summary>
    internal void RemoveDataProducer(DataProducer dataProducer)
    {
        DataProducers.Remove(dataProducer);
        Router.RemoveDataProducer(dataProducer);
    }

    /// <summary>A data consumer of this transport closed (for whatever reason): forget it and free its SCTP stream id.</summary>
    internal void RemoveDataConsumer(DataConsumer dataConsumer)
    {
        if (DataConsumers.Remove(dataConsumer) && dataConsumer.AllocatedSctpStreamId is { } id) ReleaseSctpStreamId(id);
    }

    partial void CloseDataChildren(CloseReason reason)
    {
        // Data consumers first: those consuming a data producer of this same transport close with the transport's
        // reason, not with data-producer-closed.
        DataConsumers.CloseAll(dataConsumer => dataConsumer.CloseCore(reason));
        DataProducers.CloseAll(dataProducer => dataProducer.CloseCore(reason));
    }
}
