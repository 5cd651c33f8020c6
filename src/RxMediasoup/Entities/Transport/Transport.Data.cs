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
        => LazyInitializer.EnsureInitialized(ref _dataProducers, () => new EntityCollection<DataProducer>(static d => d.Id, Logger));

    /// <summary>
    /// The transport's data consumers as a live collection: <c>DataConsumers.Items</c> is the snapshot,
    /// <c>DataConsumers.Connect()</c> the change-set stream (snapshot, then each data consumer created or closed;
    /// completes when the transport closes).
    /// </summary>
    public EntityCollection<DataConsumer> DataConsumers
        => LazyInitializer.EnsureInitialized(ref _dataConsumers, () => new EntityCollection<DataConsumer>(static d => d.Id, Logger));

    /// <summary>
    /// Creates a data producer: an SCTP stream the remote endpoint sends on (WebRTC, plain and pipe transports with
    /// SCTP; <see cref="DataProducerOptions.SctpStreamParameters"/> required), or — on a <see cref="DirectTransport"/> —
    /// a direct data producer the application sends with <see cref="DataProducer.Send(string, uint?, IReadOnlyList{int}?, int?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (missing or invalid SCTP stream parameters; a given id already in use).</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. an SCTP stream id already in use or a transport without SCTP.</exception>
    public async Task<DataProducer> ProduceDataAsync(DataProducerOptions? options = null, CancellationToken cancellationToken = default)
    {
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
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string dataProducerId = options.Id ?? Guid.NewGuid().ToString();
        var request = new ProduceDataRequestData(dataProducerId, type, sctpStreamParameters, options.Label, options.Protocol, options.Paused);
        var created = DataProducerProtocol.ProduceDataAsync(Channel, Id, request, CancellationToken.None);
        try
        {
            await EntityCreation.AwaitCreatedAsync(created,
                () => DataProducerProtocol.CloseAsync(Channel, Id, dataProducerId, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            CloseIfCreated(created, () => DataProducerProtocol.CloseAsync(Channel, Id, dataProducerId, CancellationToken.None));
            throw;
        }
        var dump = await created.ConfigureAwait(false);
        var dataProducer = new DataProducer(this, dataProducerId, dump, options.Paused, options.AppData, Logger);
        if (!DataProducers.Add(dataProducer))
        {
            // The transport closed while the data producer was being created.
            dataProducer.OnTransportClosed(DataChildCloseReason());
            ThrowIfClosed();
        }
        Router.AddDataProducer(dataProducer);
        // Closed concurrently before it reached the router's registry: do not leave it there.
        if (dataProducer.IsClosed) Router.RemoveDataProducer(dataProducer);
        return dataProducer;
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
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.DataProducerId))
            throw new ArgumentException("missing dataProducerId", "options.DataProducerId");
        if (options.MaxPacketLifeTime is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException("options.MaxPacketLifeTime", options.MaxPacketLifeTime, "maxPacketLifeTime must be 0-65535");
        if (options.MaxRetransmits is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException("options.MaxRetransmits", options.MaxRetransmits, "maxRetransmits must be 0-65535");
        ThrowIfClosed();
        var dataProducer = Router.GetDataProducer(options.DataProducerId)
            ?? throw new NotFoundException($"DataProducer with id \"{options.DataProducerId}\" not found");
        cancellationToken.ThrowIfCancellationRequested();

        DataConsumerType type;
        SctpStreamParameters? sctpStreamParameters = null;
        int? sctpStreamId = null;
        if (this is DirectTransport)
        {
            type = DataConsumerType.Direct;
            if (options.Ordered is not null || options.MaxPacketLifeTime is not null || options.MaxRetransmits is not null)
                Logger.LogWarning("consumeData() | ordered, maxPacketLifeTime and maxRetransmits are ignored when consuming data on a DirectTransport");
        }
        else
        {
            type = DataConsumerType.Sctp;
            sctpStreamId = AllocateSctpStreamId();
            sctpStreamParameters = ConsumerSctpStreamParameters(dataProducer.SctpStreamParameters, sctpStreamId.Value, options);
        }

        string dataConsumerId = Guid.NewGuid().ToString();
        var sink = new DataConsumerNotificationSink();
        var request = new ConsumeDataRequestData(dataConsumerId, dataProducer.Id, type, sctpStreamParameters, dataProducer.Label,
            dataProducer.Protocol, options.Paused, DataConsumer.NormalizeSubchannels(options.Subchannels));
        DataConsumerDump dump;
        // Registered before the request: nothing the worker says about the data consumer first is lost.
        Channel.RegisterHandler(dataConsumerId, sink);
        Task<DataConsumerDump>? created = null;
        try
        {
            created = DataConsumerProtocol.ConsumeDataAsync(Channel, Id, request, CancellationToken.None);
            await EntityCreation.AwaitCreatedAsync(created,
                () => DataConsumerProtocol.CloseAsync(Channel, Id, dataConsumerId, CancellationToken.None), cancellationToken).ConfigureAwait(false);
            dump = await created.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            if (e is OperationCanceledException && created is not null)
                CloseIfCreated(created, () => DataConsumerProtocol.CloseAsync(Channel, Id, dataConsumerId, CancellationToken.None));
            Channel.UnregisterHandler(dataConsumerId);
            if (sctpStreamId is { } allocated) ReleaseSctpStreamId(allocated);
            throw;
        }
        var dataConsumer = new DataConsumer(this, dataConsumerId, sink, dump, sctpStreamId, options.AppData, Logger);
        if (!DataConsumers.Add(dataConsumer))
        {
            // The transport closed while the data consumer was being created.
            dataConsumer.OnTransportClosed(DataChildCloseReason());
            ThrowIfClosed();
        }
        dataConsumer.AttachNotifications();
        return dataConsumer;
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

    /// <summary>
    /// The caller cancelled, but the create had already succeeded when <see cref="EntityCreation.AwaitCreatedAsync"/>
    /// looked (its filter only handles a create still in flight): close it in the worker, so nothing leaks. A second
    /// close of the same entity fails in the worker and is ignored.
    /// </summary>
    private static void CloseIfCreated(Task created, Func<Task> close)
    {
        if (!created.IsCompletedSuccessfully) return;
        _ = close().ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }

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
            if (SctpNegotiatedCapabilitiesStream.Value is { } caps && _nextSctpStreamId + 1 > caps.NegotiatedMaxOutboundStreams)
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

    private CloseReason DataChildCloseReason()
    {
        if (Channel.IsClosed) return CloseReason.WorkerClosed;
        return ClosedBecause is CloseReason.WorkerClosed or CloseReason.WorkerDied ? ClosedBecause.Value : CloseReason.TransportClosed;
    }

    /// <summary>A data producer of this transport closed (for whatever reason): forget it here and in the router.</summary>
    internal void OnDataProducerClosed(DataProducer dataProducer)
    {
        DataProducers.Remove(dataProducer);
        Router.RemoveDataProducer(dataProducer);
    }

    /// <summary>A data consumer of this transport closed (for whatever reason): forget it and free its SCTP stream id.</summary>
    internal void OnDataConsumerClosed(DataConsumer dataConsumer)
    {
        if (DataConsumers.Remove(dataConsumer) && dataConsumer.AllocatedSctpStreamId is { } id) ReleaseSctpStreamId(id);
    }

    partial void CloseDataChildren(CloseReason reason)
    {
        var producers = DataProducers;
        var consumers = DataConsumers;
        foreach (var dataProducer in producers.Items) dataProducer.OnTransportClosed(reason);
        foreach (var dataConsumer in consumers.Items) dataConsumer.OnTransportClosed(reason);
        producers.Complete();
        consumers.Complete();
        // Added concurrently, before Complete: closed too (no add succeeds after it).
        foreach (var dataProducer in producers.Items) dataProducer.OnTransportClosed(reason);
        foreach (var dataConsumer in consumers.Items) dataConsumer.OnTransportClosed(reason);
    }
}
