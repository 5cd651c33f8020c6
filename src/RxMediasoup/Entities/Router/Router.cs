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
public sealed class Router : IAsyncDisposable
{
    private readonly Worker _worker;
    private readonly LifecycleSignal<CloseReason> _closed;
    private RtpCapabilities _rtpCapabilities;
    private int _isClosed;

    internal Router(Worker worker, string id, RtpCapabilities rtpCapabilities, IDictionary<string, object?>? appData, ILogger logger)
    {
        _worker = worker;
        Id = id;
        _rtpCapabilities = rtpCapabilities;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>("Router.Closed", logger);
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
        _closed.EmitAndComplete(reason);
    }

    private bool TryMarkClosed() => Interlocked.Exchange(ref _isClosed, 1) == 0;

    private void ThrowIfClosed()
    {
        if (Channel.IsClosed) throw new WorkerClosedException($"Worker closed [router:{Id}]");
        if (IsClosed) throw new NotFoundException($"Router closed [id:{Id}]");
    }
}
