using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A WebRTC server: UDP/TCP sockets, opened once in a worker, that many <see cref="WebRtcTransport"/>s share (so
/// a server needs only a few open ports). Create one with <see cref="Worker.CreateWebRtcServerAsync"/> and pass it
/// as <see cref="WebRtcTransportOptions.WebRtcServer"/>.
/// </summary>
/// <remarks>
/// Closing: explicitly (<see cref="CloseReason.Explicit"/>; its transports close with
/// <see cref="CloseReason.ListenServerClosed"/>), or when its worker closes (<see cref="CloseReason.WorkerClosed"/>)
/// or dies (<see cref="CloseReason.WorkerDied"/>). Commands on a closed server throw <see cref="NotFoundException"/>,
/// or <see cref="WorkerClosedException"/> when the worker is gone.
/// </remarks>
public sealed class WebRtcServer : IAsyncDisposable
{
    private readonly Worker _worker;
    private readonly LifecycleSignal<CloseReason> _closed;
    private int _isClosed;
    private CloseReason? _closeReason;

    internal WebRtcServer(Worker worker, string id, IDictionary<string, object?>? appData, ILogger logger)
    {
        _worker = worker;
        Id = id;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>("WebRtcServer.Closed", logger);
        WebRtcTransports = new EntityCollection<WebRtcTransport>(static t => t.Id, logger);
    }

    /// <summary>The server's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>True once the server is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>
    /// Emits why the server closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// The WebRTC transports using this server, as a live collection (mediasoup's <c>webrtctransporthandled</c> /
    /// <c>webrtctransportunhandled</c> observer events are its adds and removes); completes when the server closes.
    /// </summary>
    public EntityCollection<WebRtcTransport> WebRtcTransports { get; }

    private WorkerChannel Channel => _worker.Channel;

    /// <summary>Dumps the server's internal state.</summary>
    /// <exception cref="NotFoundException">The server is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<WebRtcServerDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return WebRtcServerProtocol.DumpAsync(Channel, Id, cancellationToken);
    }

    /// <summary>
    /// Closes the server; its transports close with <see cref="CloseReason.ListenServerClosed"/> and
    /// <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>. Idempotent; errors because the worker is gone are ignored.
    /// </summary>
    public async Task CloseAsync()
    {
        if (!TryMarkClosed(CloseReason.Explicit)) return;
        _worker.WebRtcServers.Remove(this);
        foreach (var transport in WebRtcTransports.Items) transport.OnListenServerClosed();
        WebRtcTransports.Complete();
        // A transport handled concurrently, before Complete, closes too (no add succeeds after it).
        foreach (var transport in WebRtcTransports.Items) transport.OnListenServerClosed();
        _closed.EmitAndComplete(CloseReason.Explicit);
        try
        {
            await WebRtcServerProtocol.CloseAsync(Channel, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerClosedException or NotFoundException)
        {
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"WebRtcServer[id:{Id}]";

    /// <summary>The worker closed or died: close without telling the worker (its transports close with their routers).</summary>
    internal void OnWorkerClosed(CloseReason reason)
    {
        if (!TryMarkClosed(reason)) return;
        _worker.WebRtcServers.Remove(this);
        WebRtcTransports.Complete();
        _closed.EmitAndComplete(reason);
    }

    /// <summary>A transport was created on this server: track it until it closes.</summary>
    internal bool HandleTransport(WebRtcTransport transport)
    {
        if (!WebRtcTransports.Add(transport)) return false;
        transport.Closed.Subscribe(_ => WebRtcTransports.Remove(transport));
        return true;
    }

    private bool TryMarkClosed(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        return true;
    }

    private void ThrowIfClosed()
    {
        if (Channel.IsClosed || _closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied)
            throw new WorkerClosedException($"Worker closed [webRtcServer:{Id}]");
        if (IsClosed) throw new NotFoundException($"WebRtcServer closed [id:{Id}]");
    }
}
