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
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var server = options.WebRtcServer;
        // A closed server is the same closed error as everywhere else (the worker would say "wrong webRtcServerId").
        if (server is { IsClosed: true }) throw new NotFoundException($"WebRtcServer closed [id:{server.Id}]");
        return await CreateTransportAsync(WebRtcTransportNotification.Parse,
            (id, ct) => WebRtcTransportProtocol.CreateAsync(Channel, Id, id, options, server?.Id, ct),
            (id, data) => new WebRtcTransport(this, id, data, server, options.AppData),
            transport =>
            {
                if (server is null || server.HandleTransport(transport)) return true;
                transport.OnListenServerClosed();
                throw new NotFoundException($"WebRtcServer closed [id:{server.Id}]");
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a plain (RTP/RTCP over UDP, optionally SRTP) transport.</summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not create it, e.g. a port in use or an IP it cannot bind.</exception>
    public async Task<PlainTransport> CreatePlainTransportAsync(PlainTransportOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        bool rtcpMux = options.RtcpMux;
        if (rtcpMux && options.RtcpListenInfo is not null)
        {
            _logger.LogWarning("createPlainTransport() | ignoring rtcpMux since rtcpListenInfo is given");
            rtcpMux = false;
        }
        return await CreateTransportAsync(PlainTransportNotification.Parse,
            (id, ct) => PlainTransportProtocol.CreateAsync(Channel, Id, id, options, rtcpMux, ct),
            (id, data) => new PlainTransport(this, id, data, options.AppData), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a pipe transport (to link this router with another one).</summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not create it, e.g. a port in use or an IP it cannot bind.</exception>
    public async Task<PipeTransport> CreatePipeTransportAsync(PipeTransportOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return await CreateTransportAsync(TransportNotification.Parse,
            (id, ct) => PipeTransportProtocol.CreateAsync(Channel, Id, id, options, ct),
            (id, data) => new PipeTransport(this, id, data, options.AppData), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a direct transport (RTP, RTCP and data exchanged with the application itself).</summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="NotFoundException">The router is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<DirectTransport> CreateDirectTransportAsync(DirectTransportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        options ??= new DirectTransportOptions();
        options.Validate();
        return await CreateTransportAsync(DirectTransportNotification.Parse,
            async (id, ct) => { await DirectTransportProtocol.CreateAsync(Channel, Id, id, options, ct).ConfigureAwait(false); return true; },
            (id, _) => new DirectTransport(this, id, options.AppData), null, cancellationToken).ConfigureAwait(false);
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

    /// <summary>The logger of the router's transports.</summary>
    internal ILogger TransportLogger => _logger;

    /// <summary>One transport creation (<see cref="EntityCreation"/>): its sink, request, construction and extra registration.</summary>
    private Task<TTransport> CreateTransportAsync<TNotification, TData, TTransport>(NotificationParser<TNotification> parse,
        Func<string, CancellationToken, Task<TData>> send, Func<string, TData, TTransport> construct, Func<TTransport, bool>? register,
        CancellationToken cancellationToken)
        where TNotification : class where TTransport : Transport, INotificationTarget<TNotification>
    {
        string transportId = Channel.NewId();
        var sink = new NotificationSink<TNotification>(parse, Channel.Deliveries, typeof(TTransport).Name);
        return EntityCreation.CreateAsync(this, new EntityCreation.Steps<TData, TTransport>
        {
            Kind = typeof(TTransport).Name,
            Id = transportId,
            Sink = sink,
            Send = () => send(transportId, CancellationToken.None),
            CloseInWorker = () => BaseTransportProtocol.CloseAsync(Channel, Id, transportId, CancellationToken.None),
            Construct = data => construct(transportId, data),
            Register = transport => Transports.Add(transport) && (register is null || register(transport)),
            Attach = transport => transport.Attach(sink),
            ParentCloseReason = () => Channel.IsClosed || _worker.IsClosed
                ? (_worker.HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed)
                : CloseReason.RouterClosed,
        }, cancellationToken);
    }
}
