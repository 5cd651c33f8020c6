using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A WebRTC transport: ICE (Lite) + DTLS (+ SCTP) with a WebRTC endpoint such as mediasoup-client in a browser.
/// Create one with <see cref="Router.CreateWebRtcTransportAsync"/>, give the client <see cref="IceParameters"/>,
/// <see cref="IceCandidates"/>, <see cref="DtlsParameters"/> (and <see cref="NetworkTransport.SctpParameters"/>), then
/// call <see cref="ConnectAsync"/> with the client's DTLS parameters.
/// </summary>
public sealed class WebRtcTransport : NetworkTransport, INotificationTarget<WebRtcTransportNotification>
{
    // Created on first use (see LazyStream).
    private LazyStream<IceState> _iceState;
    private LazyStream<TransportTuple?> _iceSelectedTuple;
    private LazyStream<DtlsState> _dtlsState;
    private LazyStream<string?> _dtlsRemoteCert;
    private IceParameters _iceParameters;
    private DtlsParameters _dtlsParameters;

    internal WebRtcTransport(Router router, string id, WebRtcTransportDump data, WebRtcServer? webRtcServer,
        IDictionary<string, object?>? appData)
        : base(nameof(WebRtcTransport), router, id, appData, data.SctpParameters, data.SctpState,
            WebRtcTransportProtocol.Responses)
    {
        IceRole = data.IceRole;
        _iceParameters = data.IceParameters;
        IceCandidates = data.IceCandidates;
        _dtlsParameters = data.DtlsParameters;
        WebRtcServer = webRtcServer;
        _iceState = LazyStream<IceState>.State(data.IceState);
        _iceSelectedTuple = LazyStream<TransportTuple?>.State(data.IceSelectedTuple);
        _dtlsState = LazyStream<DtlsState>.State(data.DtlsState);
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

    /// <summary>The WebRTC server this transport listens through, or null.</summary>
    public WebRtcServer? WebRtcServer { get; }

    /// <summary>
    /// The ICE state: the current value on subscribe, then each change; <see cref="RxMediasoup.IceState.Closed"/>
    /// and completion when the transport closes (the worker never reports closed itself).
    /// <code>
    /// iceState:   new---connected--completed----(closed|)
    /// subscribe late:          ^completed-------(closed|)
    /// </code>
    /// </summary>
    public IObservableState<IceState> IceState => StateStream(ref _iceState, nameof(IceState));

    /// <summary>
    /// The selected ICE tuple (null until ICE connects): the current value on subscribe, then each change; null and
    /// completion when the transport closes.
    /// <code>
    /// tuple:      null---t1------t2----(null|)
    /// </code>
    /// </summary>
    public IObservableState<TransportTuple?> IceSelectedTuple => StateStream(ref _iceSelectedTuple, nameof(IceSelectedTuple));

    /// <summary>
    /// The DTLS state as the worker reports it: the current value on subscribe, then each change. DTLS starts
    /// (connecting) once ICE is up — as server while the local role is still auto — and can only reach connected after
    /// <see cref="ConnectAsync"/> gave it the remote fingerprint. <see cref="RxMediasoup.DtlsState.Closed"/> means the
    /// remote peer sent a DTLS close alert: the transport itself is still open. When the transport closes the stream
    /// just completes, with no value (<see cref="MediasoupEntity.Closed"/> tells why).
    /// <code>
    /// dtlsState:     new---connecting--connected----|         (transport closed)
    /// remote closed: new---connecting--connected--closed---|  (transport closed later)
    /// </code>
    /// </summary>
    public IObservableState<DtlsState> DtlsState => StateStream(ref _dtlsState, nameof(DtlsState));

    /// <summary>
    /// The remote DTLS certificate in PEM format once DTLS is connected (null before): current value on subscribe,
    /// then changes; completes when the transport closes.
    /// <code>
    /// cert:       null---------------pem---|
    /// </code>
    /// </summary>
    public IObservableState<string?> DtlsRemoteCert => StateStream(ref _dtlsRemoteCert, nameof(DtlsRemoteCert));

    /// <summary>
    /// Provides the remote endpoint's DTLS parameters (its certificate fingerprints and, optionally, its role), which
    /// starts DTLS once ICE is up. <see cref="DtlsParameters"/>.<see cref="DtlsParameters.Role"/> then holds the local
    /// role. Can be called once; the worker rejects a second call.
    /// </summary>
    /// <exception cref="ArgumentException">Missing or invalid DTLS parameters (e.g. no fingerprints, an undefined algorithm or role).</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. already connected.</exception>
    public Task ConnectAsync(DtlsParameters dtlsParameters, CancellationToken cancellationToken = default)
        => Command(async () =>
        {
            WebRtcTransportProtocol.ValidateDtlsParameters(dtlsParameters);
            var role = await WebRtcTransportProtocol.ConnectAsync(Channel, Id, dtlsParameters, cancellationToken).ConfigureAwait(false);
            DtlsParameters current, updated;
            do
            {
                current = Volatile.Read(ref _dtlsParameters);
                updated = current with { Role = role };
            }
            while (Interlocked.CompareExchange(ref _dtlsParameters, updated, current) != current);
        });

    /// <summary>Restarts ICE: generates new local ICE parameters, returns them and updates <see cref="IceParameters"/>.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<IceParameters> RestartIceAsync(CancellationToken cancellationToken = default)
        => Command(async () =>
        {
            var parameters = await WebRtcTransportProtocol.RestartIceAsync(Channel, Id, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _iceParameters, parameters);
            return parameters;
        });

    private protected override void OnClosing(CloseReason reason)
    {
        base.OnClosing(reason);
        SetState(ref _iceState, RxMediasoup.IceState.Closed);
        SetState(ref _iceSelectedTuple, null);
    }

    void INotificationTarget<WebRtcTransportNotification>.OnNotification(WebRtcTransportNotification notification)
    {
        switch (notification)
        {
            case WebRtcTransportNotification.IceStateChange s: SetState(ref _iceState, s.State); break;
            case WebRtcTransportNotification.IceSelectedTupleChange t: SetState(ref _iceSelectedTuple, t.Tuple); break;
            case WebRtcTransportNotification.DtlsStateChange d:
                if (d.State == RxMediasoup.DtlsState.Connected) SetState(ref _dtlsRemoteCert, d.RemoteCert);
                SetState(ref _dtlsState, d.State);
                break;
            case WebRtcTransportNotification.Common c: OnCommonNotification(c.Notification); break;
        }
    }
}
