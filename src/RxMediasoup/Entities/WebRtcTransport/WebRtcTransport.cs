using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A WebRTC transport: ICE (Lite) + DTLS (+ SCTP) with a WebRTC endpoint such as mediasoup-client in a browser.
/// Create one with <see cref="Router.CreateWebRtcTransportAsync"/>, give the client <see cref="IceParameters"/>,
/// <see cref="IceCandidates"/>, <see cref="DtlsParameters"/> (and <see cref="SctpParameters"/>), then call
/// <see cref="ConnectAsync"/> with the client's DTLS parameters.
/// </summary>
public sealed class WebRtcTransport : Transport
{
    private readonly StateStream<IceState> _iceState;
    private readonly StateStream<TransportTuple?> _iceSelectedTuple;
    private readonly StateStream<DtlsState> _dtlsState;
    private readonly StateStream<string?> _dtlsRemoteCert;
    private IceParameters _iceParameters;
    private DtlsParameters _dtlsParameters;

    internal WebRtcTransport(Router router, string id, EntityNotificationSink<Transport> sink, WebRtcTransportDump data,
        WebRtcServer? webRtcServer, IDictionary<string, object?>? appData, ILogger logger)
        : base(router, id, sink, appData, data.SctpState, logger)
    {
        IceRole = data.IceRole;
        _iceParameters = data.IceParameters;
        IceCandidates = data.IceCandidates;
        _dtlsParameters = data.DtlsParameters;
        SctpParameters = data.SctpParameters;
        WebRtcServer = webRtcServer;
        _iceState = new StateStream<IceState>("WebRtcTransport.IceState", data.IceState, logger);
        _iceSelectedTuple = new StateStream<TransportTuple?>("WebRtcTransport.IceSelectedTuple", data.IceSelectedTuple, logger);
        _dtlsState = new StateStream<DtlsState>("WebRtcTransport.DtlsState", data.DtlsState, logger);
        _dtlsRemoteCert = new StateStream<string?>("WebRtcTransport.DtlsRemoteCert", null, logger);
    }

    /// <summary>The ICE role: always <see cref="RxMediasoup.IceRole.Controlled"/> (mediasoup is ICE Lite).</summary>
    public IceRole IceRole { get; }

    /// <summary>The local ICE parameters (replaced by <see cref="RestartIceAsync"/>).</summary>
    public IceParameters IceParameters => Volatile.Read(ref _iceParameters);

    /// <summary>The local ICE candidates, in priority order.</summary>
    public IReadOnlyList<IceCandidate> IceCandidates { get; }

    /// <summary>
    /// The local DTLS parameters; <see cref="DtlsParameters.Role"/> is <see cref="DtlsRole.Auto"/> until
    /// <see cref="ConnectAsync"/> decides it.
    /// </summary>
    public DtlsParameters DtlsParameters => Volatile.Read(ref _dtlsParameters);

    /// <summary>The local SCTP parameters, or null without SCTP.</summary>
    public SctpParameters? SctpParameters { get; }

    /// <summary>The WebRTC server this transport listens through, or null.</summary>
    public WebRtcServer? WebRtcServer { get; }

    /// <summary>
    /// The ICE state: the current value on subscribe, then each change; <see cref="RxMediasoup.IceState.Closed"/>
    /// and completion when the transport closes.
    /// <code>
    /// iceState:   new---connected--completed----(closed|)
    /// subscribe late:          ^completed-------(closed|)
    /// </code>
    /// </summary>
    public IObservable<IceState> IceState => _iceState;

    /// <summary>
    /// The selected ICE tuple (null until ICE connects): the current value on subscribe, then each change; null and
    /// completion when the transport closes.
    /// <code>
    /// tuple:      null---t1------t2----(null|)
    /// </code>
    /// </summary>
    public IObservable<TransportTuple?> IceSelectedTuple => _iceSelectedTuple;

    /// <summary>
    /// The DTLS state: the current value on subscribe, then each change; <see cref="RxMediasoup.DtlsState.Closed"/>
    /// and completion when the transport closes. DTLS starts (connecting) once ICE is up — as server while the local
    /// role is still auto — and can only reach connected after <see cref="ConnectAsync"/> gave it the remote fingerprint.
    /// <code>
    /// dtlsState:  new---connecting--connected----(closed|)
    /// </code>
    /// </summary>
    public IObservable<DtlsState> DtlsState => _dtlsState;

    /// <summary>
    /// The remote DTLS certificate in PEM format once DTLS is connected (null before): current value on subscribe,
    /// then changes; completes when the transport closes.
    /// <code>
    /// cert:       null---------------pem---|
    /// </code>
    /// </summary>
    public IObservable<string?> DtlsRemoteCert => _dtlsRemoteCert;

    /// <summary>
    /// The SCTP state (null without SCTP): current value on subscribe, then changes;
    /// <see cref="RxMediasoup.SctpState.Closed"/> (if SCTP is enabled) and completion when the transport closes.
    /// <code>
    /// sctpState:  new---connecting--connected----(closed|)
    /// no SCTP:    null--------------------------|
    /// </code>
    /// </summary>
    public IObservable<SctpState?> SctpState => SctpStateStream;

    /// <summary>
    /// The negotiated SCTP capabilities (null until the association is established): current value on subscribe,
    /// then changes; completes when the transport closes.
    /// <code>
    /// caps:       null--------caps------|
    /// </code>
    /// </summary>
    public IObservable<SctpNegotiatedCapabilities?> SctpNegotiatedCapabilities => SctpNegotiatedCapabilitiesStream;

    /// <summary>Dumps the transport's internal state.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public new Task<WebRtcTransportDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return WebRtcTransportProtocol.DumpAsync(Channel, Id, cancellationToken);
    }

    /// <summary>Gets the transport's statistics.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public new Task<WebRtcTransportStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return WebRtcTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken);
    }

    /// <summary>
    /// The transport's stats (<see cref="GetStatsAsync"/>) every <paramref name="period"/>: the first request at subscribe, each next one
    /// <paramref name="period"/> after the previous answer (requests never overlap). One shared loop per transport,
    /// period and scheduler; it stops when the last subscriber leaves. Completes when the transport closes; a failed
    /// request other than "closed" is an error. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); the default scheduler when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public new IObservable<WebRtcTransportStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "WebRtcTransport.Stats", GetStatsAsync, period, Closed, scheduler, Logger);

    /// <summary>
    /// Provides the remote endpoint's DTLS parameters (its certificate fingerprints and, optionally, its role), which
    /// starts DTLS once ICE is up. <see cref="DtlsParameters"/>.<see cref="DtlsParameters.Role"/> then holds the local
    /// role. Can be called once; the worker rejects a second call.
    /// </summary>
    /// <exception cref="ArgumentException">Missing or invalid DTLS parameters (e.g. no fingerprints, an undefined algorithm or role).</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. already connected.</exception>
    public async Task ConnectAsync(DtlsParameters dtlsParameters, CancellationToken cancellationToken = default)
    {
        WebRtcTransportProtocol.ValidateDtlsParameters(dtlsParameters);
        ThrowIfClosed();
        var role = await WebRtcTransportProtocol.ConnectAsync(Channel, Id, dtlsParameters, cancellationToken).ConfigureAwait(false);
        DtlsParameters current, updated;
        do
        {
            current = Volatile.Read(ref _dtlsParameters);
            updated = current with { Role = role };
        }
        while (Interlocked.CompareExchange(ref _dtlsParameters, updated, current) != current);
    }

    /// <summary>Restarts ICE: generates new local ICE parameters, returns them and updates <see cref="IceParameters"/>.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    public async Task<IceParameters> RestartIceAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        var parameters = await WebRtcTransportProtocol.RestartIceAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _iceParameters, parameters);
        return parameters;
    }

    private protected override async Task<TransportDump> DumpCoreAsync(CancellationToken cancellationToken)
        => await WebRtcTransportProtocol.DumpAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override async Task<TransportStats> GetStatsCoreAsync(CancellationToken cancellationToken)
        => await WebRtcTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override void OnClosing(CloseReason reason)
    {
        _iceState.OnNext(RxMediasoup.IceState.Closed);
        _iceSelectedTuple.OnNext(null);
        _dtlsState.OnNext(RxMediasoup.DtlsState.Closed);
        _iceState.Complete();
        _iceSelectedTuple.Complete();
        _dtlsState.Complete();
        _dtlsRemoteCert.Complete();
    }

    internal override int SubscriberCount => base.SubscriberCount + _iceState.SubscriberCount + _iceSelectedTuple.SubscriberCount
        + _dtlsState.SubscriberCount + _dtlsRemoteCert.SubscriberCount;

    internal override void OnIceStateChange(IceState state) => _iceState.OnNext(state);

    internal override void OnIceSelectedTupleChange(TransportTuple tuple) => _iceSelectedTuple.OnNext(tuple);

    internal override void OnDtlsStateChange(DtlsState state, string? remoteCert)
    {
        if (state == RxMediasoup.DtlsState.Connected) _dtlsRemoteCert.OnNext(remoteCert);
        _dtlsState.OnNext(state);
    }
}
