using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;

namespace RxMediasoup;

public sealed partial class Router
{
    /// <summary>
    /// Creates a WebRTC transport, listening on <see cref="WebRtcTransportOptions.ListenInfos"/> or through
    /// <see cref="WebRtcTransportOptions.WebRtcServer"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="NotFoundException">The router (or the WebRTC server) is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not create it, e.g. no free port or an IP it cannot bind.</exception>
    public async Task<WebRtcTransport> CreateWebRtcTransportAsync(WebRtcTransportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string transportId = Guid.NewGuid().ToString();
        var sink = TransportNotifications.CreateSink();
        var data = await CreateTransportCoreAsync(transportId, sink,
            () => WebRtcTransportProtocol.CreateAsync(Channel, Id, transportId, options, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        var transport = AddTransport(new WebRtcTransport(this, transportId, sink, data, options.WebRtcServer, options.AppData, _logger));
        if (options.WebRtcServer is { } server && !server.HandleTransport(transport))
        {
            transport.OnListenServerClosed();
            throw new NotFoundException($"WebRtcServer closed [id:{server.Id}]");
        }
        return transport;
    }

    /// <summary>Creates a plain (RTP/RTCP over UDP, optionally SRTP) transport.</summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not create it, e.g. a port in use or an IP it cannot bind.</exception>
    public async Task<PlainTransport> CreatePlainTransportAsync(PlainTransportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        bool rtcpMux = options.RtcpMux;
        if (rtcpMux && options.RtcpListenInfo is not null)
        {
            _logger.LogWarning("createPlainTransport() | ignoring rtcpMux since rtcpListenInfo is given");
            rtcpMux = false;
        }
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string transportId = Guid.NewGuid().ToString();
        var sink = TransportNotifications.CreateSink();
        var data = await CreateTransportCoreAsync(transportId, sink,
            () => PlainTransportProtocol.CreateAsync(Channel, Id, transportId, options, rtcpMux, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        return AddTransport(new PlainTransport(this, transportId, sink, data, options.AppData, _logger));
    }

    /// <summary>Creates a pipe transport (to link this router with another one).</summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not create it, e.g. a port in use or an IP it cannot bind.</exception>
    public async Task<PipeTransport> CreatePipeTransportAsync(PipeTransportOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string transportId = Guid.NewGuid().ToString();
        var sink = TransportNotifications.CreateSink();
        var data = await CreateTransportCoreAsync(transportId, sink,
            () => PipeTransportProtocol.CreateAsync(Channel, Id, transportId, options, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        return AddTransport(new PipeTransport(this, transportId, sink, data, options.AppData, _logger));
    }

    /// <summary>Creates a direct transport (RTP, RTCP and data exchanged with the application itself).</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<DirectTransport> CreateDirectTransportAsync(DirectTransportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DirectTransportOptions();
        options.Validate();
        ThrowIfClosed();
        cancellationToken.ThrowIfCancellationRequested();
        string transportId = Guid.NewGuid().ToString();
        var sink = TransportNotifications.CreateSink();
        await CreateTransportCoreAsync(transportId, sink,
            async () => { await DirectTransportProtocol.CreateAsync(Channel, Id, transportId, options, CancellationToken.None).ConfigureAwait(false); return true; },
            cancellationToken).ConfigureAwait(false);
        return AddTransport(new DirectTransport(this, transportId, sink, options.AppData, _logger));
    }

    /// <summary>
    /// A WebRTC transport that exists while the subscription lives: created (<see cref="CreateWebRtcTransportAsync"/>)
    /// on subscribe and emitted once; disposing the subscription closes it; the stream completes if the transport
    /// closes by itself (router, worker or WebRTC server closed). A creation failure is the stream's error.
    /// See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------t------          dispose: transport.CloseAsync()
    /// router closed:           ------t----|
    /// invalid options:         ---#
    /// </code>
    /// </summary>
    /// <param name="options">The transport options.</param>
    public IObservable<WebRtcTransport> UsingWebRtcTransport(WebRtcTransportOptions options)
        => EntityLifetime.Using(ct => CreateWebRtcTransportAsync(options, ct), static t => t.Closed);

    /// <summary>
    /// A plain transport that exists while the subscription lives (see <see cref="UsingWebRtcTransport"/> and
    /// <see cref="EntityLifetime"/>).
    /// <code>
    /// subscribe ... created:   ------t------          dispose: transport.CloseAsync()
    /// </code>
    /// </summary>
    /// <param name="options">The transport options.</param>
    public IObservable<PlainTransport> UsingPlainTransport(PlainTransportOptions options)
        => EntityLifetime.Using(ct => CreatePlainTransportAsync(options, ct), static t => t.Closed);

    /// <summary>
    /// A pipe transport that exists while the subscription lives (see <see cref="UsingWebRtcTransport"/> and
    /// <see cref="EntityLifetime"/>).
    /// <code>
    /// subscribe ... created:   ------t------          dispose: transport.CloseAsync()
    /// </code>
    /// </summary>
    /// <param name="options">The transport options.</param>
    public IObservable<PipeTransport> UsingPipeTransport(PipeTransportOptions options)
        => EntityLifetime.Using(ct => CreatePipeTransportAsync(options, ct), static t => t.Closed);

    /// <summary>
    /// A direct transport that exists while the subscription lives (see <see cref="UsingWebRtcTransport"/> and
    /// <see cref="EntityLifetime"/>).
    /// <code>
    /// subscribe ... created:   ------t------          dispose: transport.CloseAsync()
    /// </code>
    /// </summary>
    /// <param name="options">The transport options; null for defaults.</param>
    public IObservable<DirectTransport> UsingDirectTransport(DirectTransportOptions? options = null)
        => EntityLifetime.Using(ct => CreateDirectTransportAsync(options, ct), static t => t.Closed);

    /// <summary>
    /// Registers the transport's notification handler, then sends the create request (so nothing the worker says
    /// first is lost). On failure or cancellation the handler is removed; a transport the worker created after the
    /// caller cancelled is closed in the worker.
    /// </summary>
    private async Task<TData> CreateTransportCoreAsync<TData>(string transportId, EntityNotificationSink<Transport> sink, Func<Task<TData>> create,
        CancellationToken cancellationToken)
    {
        Channel.RegisterHandler(transportId, sink);
        try
        {
            var created = create();
            await EntityCreation.AwaitCreatedAsync(created,
                () => BaseTransportProtocol.CloseAsync(Channel, Id, transportId, CancellationToken.None), cancellationToken).ConfigureAwait(false);
            return await created.ConfigureAwait(false);
        }
        catch
        {
            Channel.UnregisterHandler(transportId);
            throw;
        }
    }

    private T AddTransport<T>(T transport) where T : Transport
    {
        if (!Transports.Add(transport))
        {
            // The router closed (or its worker closed/died) while the transport was being created.
            bool workerGone = Channel.IsClosed || _worker.IsClosed;
            transport.OnRouterClosed(workerGone ? (_worker.HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed) : CloseReason.RouterClosed);
            if (workerGone) throw new WorkerClosedException($"Worker closed while creating a transport [router:{Id}]");
            throw new NotFoundException($"Router closed while creating a transport [id:{Id}]");
        }
        transport.AttachNotifications();
        return transport;
    }
}
