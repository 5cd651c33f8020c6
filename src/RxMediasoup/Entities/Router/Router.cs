using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A router: an SFU room inside a worker. Producers injected into it can be consumed through its transports.
/// Create one with <see cref="Worker.CreateRouterAsync"/>.
/// </summary>
/// <remarks>
/// Closing: explicitly (<see cref="CloseReason.Explicit"/>; its transports and RTP observers close with
/// <see cref="CloseReason.RouterClosed"/>), or when its worker closes (<see cref="CloseReason.WorkerClosed"/>) or dies
/// (<see cref="CloseReason.WorkerDied"/>; its transports and observers close with the same reason). Lifecycle, command
/// and delivery rules: <see cref="MediasoupEntity"/>.
/// </remarks>
public sealed partial class Router : MediasoupEntity
{
    private readonly Worker _worker;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Producer> _producers = new(StringComparer.Ordinal);
    private RtpCapabilities _rtpCapabilities;

    internal Router(Worker worker, string id, RtpCapabilities rtpCapabilities, IDictionary<string, object?>? appData, ILogger logger)
        : base(nameof(Router), id, worker.Channel, logger, appData)
    {
        _worker = worker;
        Id = id;
        _rtpCapabilities = rtpCapabilities;
        _logger = logger;
        Transports = Collection<Transport>(nameof(Transports), static t => t.Id);
        RtpObservers = Collection<RtpObserver>(nameof(RtpObservers), static o => o.Id);
    }

    /// <summary>The router's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>
    /// The router's RTP capabilities: what mediasoup-client's <c>device.load({ routerRtpCapabilities })</c> needs.
    /// An immutable record: nothing a caller does to it changes the router's.
    /// </summary>
    public RtpCapabilities RtpCapabilities => Volatile.Read(ref _rtpCapabilities);

    /// <summary>
    /// The router's transports as a live collection: <c>Transports.Items</c> is the snapshot, <c>Transports.Connect()</c>
    /// the change-set stream (snapshot, then each transport created or closed; completes when the router closes).
    /// </summary>
    public EntityCollection<Transport> Transports { get; }

    /// <summary>Dumps the router's internal state.</summary>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<RouterDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => RouterProtocol.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// Replaces the router's media codecs, regenerating <see cref="RtpCapabilities"/> (mediasoup 3.27's
    /// <c>router.updateMediaCodecs()</c>); existing producers and consumers are not affected.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid codecs.</exception>
    /// <exception cref="UnsupportedException">A codec mediasoup does not support.</exception>
    public void UpdateMediaCodecs(IEnumerable<RtpCodecCapability> mediaCodecs)
    {
        ArgumentNullException.ThrowIfNull(mediaCodecs);
        Volatile.Write(ref _rtpCapabilities, Ortc.GenerateRouterRtpCapabilities(mediaCodecs));
    }

    private protected override Task SendCloseAsync() => RouterProtocol.CloseAsync(Channel, Id, CancellationToken.None);

    /// <summary>Once its worker is closing, the router is gone for every command (even if it was closed before).</summary>
    private protected override bool WorkerIsGone => _worker.IsClosed || Channel.IsClosed;

    private protected override void OnClosing(CloseReason reason) => _worker.Routers.Remove(this);

    private protected override void CloseChildren(CloseReason reason)
    {
        var childReason = reason is CloseReason.WorkerClosed or CloseReason.WorkerDied ? reason : CloseReason.RouterClosed;
        CloseTransports(childReason);
        CloseRtpObservers(childReason);
    }

    // ---------------------------------------------------------------------------------------------
    // Producers (every transport's, by id: what consume and CanConsume look up)
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Whether an endpoint with <paramref name="rtpCapabilities"/> can consume the producer <paramref name="producerId"/>
    /// of this router. False (and logged) when there is no such producer or the capabilities are invalid, as mediasoup's
    /// <c>router.canConsume()</c>.
    /// </summary>
    /// <param name="producerId">The id of a producer of this router.</param>
    /// <param name="rtpCapabilities">The consuming endpoint's RTP capabilities.</param>
    public bool CanConsume(string producerId, RtpCapabilities rtpCapabilities)
    {
        if (producerId is null || !_producers.TryGetValue(producerId, out var producer))
        {
            _logger.LogError("canConsume() | Producer with id \"{ProducerId}\" not found", producerId);
            return false;
        }
        try
        {
            return Ortc.CanConsume(producer.ConsumableRtpParameters, rtpCapabilities);
        }
        catch (Exception e) when (e is ArgumentException or MediasoupException)
        {
            _logger.LogError(e, "canConsume() | unexpected error");
            return false;
        }
    }

    /// <summary>
    /// The live producer with <paramref name="producerId"/> in any transport of this router (what
    /// <see cref="Transport.ConsumeAsync"/> and <see cref="PipeToRouterAsync"/> look up), or null: none, or it closed.
    /// </summary>
    /// <param name="producerId">The producer's id.</param>
    public Producer? GetProducer(string producerId)
    {
        ArgumentNullException.ThrowIfNull(producerId);
        return _producers.GetValueOrDefault(producerId);
    }

    /// <summary>Registers a new producer; false if the router is closed.</summary>
    internal bool AddProducer(Producer producer)
    {
        _producers[producer.Id] = producer;
        if (!IsClosed) return true;
        RemoveProducer(producer);
        return false;
    }

    /// <summary>A producer closed.</summary>
    internal void RemoveProducer(Producer producer) => _producers.TryRemove(new KeyValuePair<string, Producer>(producer.Id, producer));

    private void CloseTransports(CloseReason reason)
    {
        Transports.CloseAll(transport => transport.CloseCore(reason));
    }

    // ---------------------------------------------------------------------------------------------
    // Data producers (registry of every transport's data producers, for consumeData)
    // ---------------------------------------------------------------------------------------------

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DataProducer> _dataProducers = new();

    /// <summary>
    /// The live data producer with <paramref name="dataProducerId"/> in any transport of this router (what
    /// <see cref="Transport.ConsumeDataAsync"/> and <see cref="PipeToRouterAsync"/> look up), or null: none, or it closed.
    /// </summary>
    /// <param name="dataProducerId">The data producer's id.</param>
    public DataProducer? GetDataProducer(string dataProducerId)
    {
        ArgumentNullException.ThrowIfNull(dataProducerId);
        return _dataProducers.GetValueOrDefault(dataProducerId);
    }

    /// <summary>Registers a data producer created in one of this router's transports.</summary>
    internal void AddDataProducer(DataProducer dataProducer) => _dataProducers[dataProducer.Id] = dataProducer;

    /// <summary>Forgets a closed data producer.</summary>
    internal void RemoveDataProducer(DataProducer dataProducer)
        => _dataProducers.TryRemove(new KeyValuePair<string, DataProducer>(dataProducer.Id, dataProducer));
}
