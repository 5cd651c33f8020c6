using Microsoft.Extensions.Logging;
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
/// or dies (<see cref="CloseReason.WorkerDied"/>; its transports close with their routers). Creating a transport on a
/// closed server fails like any command on it: <see cref="NotFoundException"/> ("WebRtcServer closed"), or
/// <see cref="WorkerClosedException"/> when the worker is gone. Lifecycle, command and delivery rules:
/// <see cref="MediasoupEntity"/>.
/// </remarks>
public sealed class WebRtcServer : MediasoupEntity
{
    private readonly Worker _worker;

    internal WebRtcServer(Worker worker, string id, IDictionary<string, object?>? appData, ILogger logger)
        : base(nameof(WebRtcServer), id, worker.Channel, logger, appData)
    {
        _worker = worker;
        Id = id;
        WebRtcTransports = Collection<WebRtcTransport>(nameof(WebRtcTransports), static t => t.Id);
    }

    /// <summary>The server's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>
    /// The WebRTC transports using this server, as a live collection (mediasoup's <c>webrtctransporthandled</c> /
    /// <c>webrtctransportunhandled</c> observer events are its adds and removes); completes when the server closes.
    /// </summary>
    public EntityCollection<WebRtcTransport> WebRtcTransports { get; }

    /// <summary>Dumps the server's internal state.</summary>
    /// <exception cref="NotFoundException">The server is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<WebRtcServerDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => WebRtcServerProtocol.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>A transport was created on this server: track it until it closes; false if the server closed meanwhile.</summary>
    internal bool HandleTransport(WebRtcTransport transport)
    {
        if (!WebRtcTransports.Add(transport)) return false;
        transport.Closed.Subscribe(_ => WebRtcTransports.Remove(transport));
        return true;
    }

    private protected override Task SendCloseAsync() => WebRtcServerProtocol.CloseAsync(Channel, Id, CancellationToken.None);

    /// <summary>Once its worker is closing, the server is gone for every command (even if it was closed before).</summary>
    private protected override bool WorkerIsGone => _worker.IsClosed || Channel.IsClosed;

    private protected override void OnClosing(CloseReason reason) => _worker.WebRtcServers.Remove(this);

    private protected override void CloseChildren(CloseReason reason)
    {
        // When the worker closes, the transports close with their routers (first); else with ListenServerClosed.
        bool closeTransports = reason is not (CloseReason.WorkerClosed or CloseReason.WorkerDied);
        if (closeTransports) WebRtcTransports.CloseAll(static transport => transport.OnListenServerClosed());
        else WebRtcTransports.Complete();
    }
}
