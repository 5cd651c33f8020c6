using System.Globalization;
using System.Reactive;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A mediasoup-worker process: the C++ media server that hosts routers, transports, producers and consumers.
/// Create one with <see cref="CreateAsync"/>; close it with <see cref="MediasoupEntity.CloseAsync"/> or <c>await using</c>.
/// </summary>
/// <remarks>
/// Lifecycle: a worker closes once, either explicitly (<see cref="CloseReason.Explicit"/>) or because its
/// process died (<see cref="CloseReason.WorkerDied"/>). Either way everything it hosts closes (with
/// <see cref="CloseReason.WorkerClosed"/> or <see cref="CloseReason.WorkerDied"/>), every pending command fails with
/// <see cref="WorkerClosedException"/>, later commands (of the worker and of everything it hosted) fail with it, and
/// every stream completes. <see cref="MediasoupEntity.CloseAsync"/> completes when the process has exited (it is
/// killed if it does not exit within a few seconds). Lifecycle, command and delivery rules: <see cref="MediasoupEntity"/>.
/// </remarks>
public sealed partial class Worker : MediasoupEntity
{
    private readonly IWorkerBackend _process;
    private readonly StreamSubject<WorkerDeath> _died;
    private readonly StreamSubject<Unit> _subprocessClosed;
    private volatile WorkerDeath? _death;
    private volatile bool _isSubprocessClosed;
    private int _exitHandled;

    private Worker(IWorkerBackend process, WorkerChannel channel, WorkerSettings settings, ILogger logger)
        : base(nameof(Worker), process.Pid.ToString(CultureInfo.InvariantCulture), channel, logger, settings.AppData)
    {
        _process = process;
        Pid = process.Pid;
        _died = Track(StreamSubject<WorkerDeath>.Signal("Worker.Died", channel.Deliveries, logger));
        // Not completed with the other streams: it emits when the process has exited, after Closed on a close.
        _subprocessClosed = StreamSubject<Unit>.Signal("Worker.SubprocessClosed", channel.Deliveries, logger);
        Routers = Collection<Router>(nameof(Routers), static r => r.Id);
        WebRtcServers = Collection<WebRtcServer>(nameof(WebRtcServers), static s => s.Id);
    }

    /// <summary>The worker's process id (<see cref="WorkerMode.InProcess"/>: its native thread's kernel id).</summary>
    public int Pid { get; }

    /// <summary>True if the worker process died unexpectedly.</summary>
    public bool HasDied => IsClosed && _death is not null;

    /// <summary>True once the worker process has exited and been reaped.</summary>
    public bool IsSubprocessClosed => _isSubprocessClosed;

    /// <summary>
    /// Emits how the process died, once, if it dies unexpectedly; then completes. Completes without a value
    /// when the worker is closed explicitly. Late subscribers get the same outcome (replayed).
    /// When it fires, <see cref="MediasoupEntity.IsClosed"/> is already true; it fires before <see cref="MediasoupEntity.Closed"/>.
    /// <code>
    /// died:       ----------(death|)      the process died
    /// explicit:   ----------|             CloseAsync
    /// </code>
    /// </summary>
    public IObservable<WorkerDeath> Died => _died;

    /// <summary>
    /// Emits once, then completes, when the worker process has exited and been reaped (Node's
    /// <c>subprocessclose</c>); replayed to late subscribers.
    /// </summary>
    public IObservable<Unit> SubprocessClosed => _subprocessClosed;

    /// <summary>
    /// The worker's routers as a live collection: <c>Routers.Items</c> is the snapshot, <c>Routers.Connect()</c>
    /// the change-set stream (snapshot, then each router created or closed; completes when the worker closes).
    /// </summary>
    public EntityCollection<Router> Routers { get; }

    /// <summary>
    /// The worker's WebRTC servers as a live collection: snapshot (<c>Items</c>), then each server created or closed
    /// (<c>Connect()</c>); completes when the worker closes.
    /// </summary>
    public EntityCollection<WebRtcServer> WebRtcServers { get; }

    /// <summary>
    /// Leak counters of this worker, in one snapshot (see <see cref="WorkerDiagnostics"/>): handlers, pending requests,
    /// subscribers of every stream of the worker and of everything it hosts, and queued deliveries.
    /// </summary>
    public WorkerDiagnostics Diagnostics => WorkerDiagnostics.Of(this);

    /// <summary>Dumps the worker's internal state.</summary>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<WorkerDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, cancellationToken), static s => WorkerProtocol.DumpAsync(s.Channel, s.cancellationToken));

    /// <summary>Gets the worker process's resource usage.</summary>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<WorkerResourceUsage> GetResourceUsageAsync(CancellationToken cancellationToken = default)
        => Command((Channel, cancellationToken), static s => WorkerProtocol.GetResourceUsageAsync(s.Channel, s.cancellationToken));

    /// <summary>
    /// The worker's resource usage (<see cref="GetResourceUsageAsync"/>) every <paramref name="period"/>: the first
    /// request at subscribe, each next one <paramref name="period"/> after the previous answer (requests never overlap).
    /// One shared loop per worker, period and scheduler: subscribers share it and it stops when the last one leaves.
    /// Completes when the worker closes or dies; a failed request other than "worker closed" is an error.
    /// See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  u0--1s--u1--1s--u2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); when null, a simulated worker's scheduler (RxMediasoup.Testing), else the default scheduler.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<WorkerResourceUsage> PollResourceUsage(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Worker.ResourceUsage", GetResourceUsageAsync, period, ClosedSignal, scheduler ?? Channel.Scheduler, Logger);

    /// <summary>Changes the log level and/or log tags of the running worker.</summary>
    /// <exception cref="ArgumentException">Invalid settings.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task UpdateSettingsAsync(WorkerUpdateableSettings settings, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            ArgumentNullException.ThrowIfNull(settings);
            settings.Validate();
            return WorkerProtocol.UpdateSettingsAsync(Channel, settings, cancellationToken);
        });

    /// <summary>
    /// Creates a router with the given media codecs. Its RTP capabilities are computed locally
    /// (<see cref="Ortc.GenerateRouterRtpCapabilities"/>) before anything is sent to the worker.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options.</exception>
    /// <exception cref="UnsupportedException">A media codec mediasoup does not support.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public async Task<Router> CreateRouterAsync(RouterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        options ??= new RouterOptions();
        ArgumentNullException.ThrowIfNull(options.MediaCodecs, nameof(options.MediaCodecs));
        var rtpCapabilities = Ortc.GenerateRouterRtpCapabilities(options.MediaCodecs);
        string routerId = Channel.NewId();
        return await EntityCreation.CreateAsync(this, new EntityCreation.Steps<bool, Router>
        {
            Kind = nameof(Router),
            Id = routerId,
            Send = () => Accepted(RouterProtocol.CreateAsync(Channel, routerId, CancellationToken.None)),
            CloseInWorker = () => RouterProtocol.CloseAsync(Channel, routerId, CancellationToken.None),
            Construct = _ => new Router(this, routerId, rtpCapabilities, options.AppData, Logger),
            Register = Routers.Add,
            ParentCloseReason = ChildCloseReason,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A router that exists while the subscription lives: created (<see cref="CreateRouterAsync"/>) on subscribe and
    /// emitted once; disposing the subscription closes it; the stream completes if the router closes by itself (its
    /// worker closed or died). A creation failure (bad options, worker closed) is the stream's error.
    /// See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... router created:  ------r------          dispose: router.CloseAsync()
    /// worker closed:                 ------r----|
    /// invalid options:               ---#
    /// </code>
    /// </summary>
    /// <param name="options">The router options; null for defaults.</param>
    public IObservable<Router> UsingRouter(RouterOptions? options = null)
        => EntityLifetime.Using(ct => CreateRouterAsync(options, ct), static router => router.Closed);

    /// <summary>
    /// Creates a WebRTC server: UDP/TCP sockets that many WebRTC transports can share.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options (checked before anything is sent, and by the worker).</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker could not open the sockets (e.g. a port in use or an IP it cannot bind).</exception>
    public async Task<WebRtcServer> CreateWebRtcServerAsync(WebRtcServerOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfClosed(); // the command policy: a closed entity or a dead worker first, then the arguments
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string serverId = Channel.NewId();
        return await EntityCreation.CreateAsync(this, new EntityCreation.Steps<bool, WebRtcServer>
        {
            Kind = nameof(WebRtcServer),
            Id = serverId,
            Send = () => Accepted(WebRtcServerProtocol.CreateAsync(Channel, serverId, options.ListenInfos, CancellationToken.None)),
            CloseInWorker = () => WebRtcServerProtocol.CloseAsync(Channel, serverId, CancellationToken.None),
            Construct = _ => new WebRtcServer(this, serverId, options.AppData, Logger),
            Register = WebRtcServers.Add,
            ParentCloseReason = ChildCloseReason,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A WebRTC server that exists while the subscription lives: created (<see cref="CreateWebRtcServerAsync"/>) on
    /// subscribe and emitted once; disposing the subscription closes it (its transports close with
    /// <see cref="CloseReason.ListenServerClosed"/>); the stream completes if the worker closes or dies. A creation
    /// failure is the stream's error. See <see cref="EntityLifetime"/>.
    /// <code>
    /// subscribe ... created:   ------s------          dispose: server.CloseAsync()
    /// worker closed:           ------s----|
    /// </code>
    /// </summary>
    /// <param name="options">The server options.</param>
    public IObservable<WebRtcServer> UsingWebRtcServer(WebRtcServerOptions options)
        => EntityLifetime.Using(ct => CreateWebRtcServerAsync(options, ct), static s => s.Closed);

    /// <inheritdoc />
    public override string ToString() => $"Worker[pid:{Pid}]";

    /// <summary>Once closed (or closing), the worker is gone for every command.</summary>
    private protected override bool WorkerIsGone => IsClosed || Channel.IsClosed;

    /// <summary>Subscribers of the streams that do not complete with the others (for <see cref="Diagnostics"/>).</summary>
    /// <summary>What runs this worker (a process, or a native thread of this process): tests end it through <see cref="IWorkerBackend.Kill"/>.</summary>
    internal IWorkerBackend Backend => _process;

    internal int ProcessSubscriberCount => _subprocessClosed.SubscriberCount;

    /// <summary>The reason the worker's children close with now (it closed or died).</summary>
    internal CloseReason ChildCloseReason() => HasDied ? CloseReason.WorkerDied : CloseReason.WorkerClosed;

    private static async Task<bool> Accepted(Task request)
    {
        await request.ConfigureAwait(false);
        return true;
    }
}
