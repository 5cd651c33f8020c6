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
/// Closing: explicitly (<see cref="CloseReason.Explicit"/>), or when its worker closes
/// (<see cref="CloseReason.WorkerClosed"/>) or dies (<see cref="CloseReason.WorkerDied"/>). Commands on a closed
/// router throw <see cref="NotFoundException"/> (as the worker does), or <see cref="WorkerClosedException"/> when
/// the worker is gone.
/// </remarks>
public sealed partial class Router : IAsyncDisposable
{
    private readonly Worker _worker;
    private readonly ILogger _logger;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly ConcurrentDictionary<string, Producer> _producers = new(StringComparer.Ordinal);
    private RtpCapabilities _rtpCapabilities;
    private int _isClosed;

    internal Router(Worker worker, string id, RtpCapabilities rtpCapabilities, IDictionary<string, object?>? appData, ILogger logger)
    {
        _worker = worker;
        Id = id;
        _rtpCapabilities = rtpCapabilities;
        AppData = appData ?? new Dictionary<string, object?>();
        _logger = logger;
        _closed = new LifecycleSignal<CloseReason>("Router.Closed", logger);
        Transports = new EntityCollection<Transport>(static t => t.Id, logger);
        RtpObservers = new EntityCollection<RtpObserver>(static o => o.Id, logger);
    }

    /// <summary>The router's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>True once the router is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>
    /// The router's RTP capabilities: what mediasoup-client's <c>device.load({ routerRtpCapabilities })</c> needs.
    /// An immutable record: nothing a caller does to it changes the router's.
    /// </summary>
    public RtpCapabilities RtpCapabilities => Volatile.Read(ref _rtpCapabilities);

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>
    /// Emits why the router closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// The router's transports as a live collection: <c>Transports.Items</c> is the snapshot, <c>Transports.Connect()</c>
    /// the change-set stream (snapshot, then each transport created or closed; completes when the router closes).
    /// </summary>
    public EntityCollection<Transport> Transports { get; }

    internal WorkerChannel Channel => _worker.Channel;

    /// <summary>Dumps the router's internal state.</summary>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<RouterDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return RouterProtocol.DumpAsync(Channel, Id, cancellationToken);
    }

    /// <summary>
    /// Replaces the router's media codecs, regenerating <see cref="RtpCapabilities"/> (mediasoup 3.22's
    /// <c>router.updateMediaCodecs()</c>); existing producers and consumers are not affected.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid codecs.</exception>
    /// <exception cref="UnsupportedException">A codec mediasoup does not support.</exception>
    public void UpdateMediaCodecs(IEnumerable<RtpCodecCapability> mediaCodecs)
    {
        ArgumentNullException.ThrowIfNull(mediaCodecs);
        Volatile.Write(ref _rtpCapabilities, Ortc.GenerateRouterRtpCapabilities(mediaCodecs));
    }

    /// <summary>
    /// Closes the router and everything in it; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>.
    /// Idempotent; completes when the worker has processed the close (errors because the worker is gone are ignored).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!TryMarkClosed()) return;
        _worker.Routers.Remove(this);
        CloseTransports(CloseReason.RouterClosed);
        CloseRtpObservers(CloseReason.RouterClosed);
        _closed.EmitAndComplete(CloseReason.Explicit);
        try
        {
            await RouterProtocol.CloseAsync(Channel, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerClosedException or NotFoundException)
        {
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"Router[id:{Id}]";

    /// <summary>The worker closed or died: close without telling the worker.</summary>
    internal void OnWorkerClosed(CloseReason reason)
    {
        if (!TryMarkClosed()) return;
        _worker.Routers.Remove(this);
        CloseTransports(reason);
        CloseRtpObservers(reason);
        _closed.EmitAndComplete(reason);
    }

    private bool TryMarkClosed() => Interlocked.Exchange(ref _isClosed, 1) == 0;

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

    /// <summary>The live producer with <paramref name="producerId"/> in any transport of this router, or null.</summary>
    internal Producer? GetProducer(string producerId) => _producers.GetValueOrDefault(producerId);

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
        foreach (var transport in Transports.Items) transport.OnRouterClosed(reason);
        Transports.Complete();
        // A transport added concurrently, before Complete, is closed too (no add succeeds after it).
        foreach (var transport in Transports.Items) transport.OnRouterClosed(reason);
    }

    // ---------------------------------------------------------------------------------------------
    // Data producers (registry of every transport's data producers, for consumeData)
    // ---------------------------------------------------------------------------------------------

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DataProducer> _dataProducers = new();

    /// <summary>A data producer of one of this router's transports, by id; null if none.</summary>
    internal DataProducer? GetDataProducer(string id) => _dataProducers.GetValueOrDefault(id);

    /// <summary>Registers a data producer created in one of this router's transports.</summary>
    internal void AddDataProducer(DataProducer dataProducer) => _dataProducers[dataProducer.Id] = dataProducer;

    /// <summary>Forgets a closed data producer.</summary>
    internal void RemoveDataProducer(DataProducer dataProducer)
        => _dataProducers.TryRemove(new KeyValuePair<string, DataProducer>(dataProducer.Id, dataProducer));

    private void ThrowIfClosed()
    {
        if (Channel.IsClosed) throw new WorkerClosedException($"Worker closed [router:{Id}]");
        if (IsClosed) throw new NotFoundException($"Router closed [id:{Id}]");
    }
}
