using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A plain transport: RTP and RTCP over UDP (optionally SRTP) with any endpoint, e.g. ffmpeg or GStreamer.
/// Create one with <see cref="Router.CreatePlainTransportAsync"/>; give it the remote address with
/// <see cref="ConnectAsync"/>, or let it learn it from the first packet (comedia).
/// </summary>
public sealed class PlainTransport : NetworkTransport, INotificationTarget<PlainTransportNotification>
{
    // Created on first use (see LazyStream).
    private LazyStream<TransportTuple> _tuple;
    private LazyStream<TransportTuple?> _rtcpTuple;
    private SrtpParameters? _srtpParameters;

    internal PlainTransport(Router router, string id, PlainTransportDump data, IDictionary<string, object?>? appData)
        : base(nameof(PlainTransport), router, id, appData, data.SctpParameters, data.SctpState,
            PlainTransportProtocol.Responses)
    {
        RtcpMux = data.RtcpMux;
        Comedia = data.Comedia;
        _srtpParameters = data.SrtpParameters;
        _tuple = LazyStream<TransportTuple>.State(data.Tuple);
        _rtcpTuple = LazyStream<TransportTuple?>.State(data.RtcpTuple);
    }

    /// <summary>Whether RTCP-mux is used.</summary>
    public bool RtcpMux { get; }

    /// <summary>Whether comedia mode is enabled.</summary>
    public bool Comedia { get; }

    /// <summary>
    /// The SRTP parameters, with SRTP: the local ones after creation (give them to the remote endpoint), the remote
    /// ones after <see cref="ConnectAsync"/> with SRTP parameters. Null without SRTP.
    /// </summary>
    public SrtpParameters? SrtpParameters => Volatile.Read(ref _srtpParameters);

    /// <summary>
    /// The RTP tuple: the current value on subscribe (local address and port; remote ones once connected or, with
    /// comedia, once the first packet arrived), then each change; completes when the transport closes.
    /// <code>
    /// tuple:      local-----local+remote------|
    /// </code>
    /// </summary>
    public IObservableState<TransportTuple> Tuple => StateStream(ref _tuple, nameof(Tuple));

    /// <summary>
    /// The RTCP tuple without RTCP-mux (null with RTCP-mux): the current value on subscribe, then each change;
    /// completes when the transport closes.
    /// <code>
    /// rtcpTuple:  null-----local+remote------|
    /// </code>
    /// </summary>
    public IObservableState<TransportTuple?> RtcpTuple => StateStream(ref _rtcpTuple, nameof(RtcpTuple));

    /// <summary>
    /// Provides the remote endpoint's address and, with SRTP, its SRTP parameters. Without comedia,
    /// <paramref name="ip"/> and <paramref name="port"/> are required, and <paramref name="rtcpPort"/> too without
    /// RTCP-mux; with comedia only the SRTP parameters are given. Can be called once. <see cref="Tuple"/>,
    /// <see cref="RtcpTuple"/> and <see cref="SrtpParameters"/> are updated before the task completes.
    /// </summary>
    /// <param name="ip">The remote IP.</param>
    /// <param name="port">The remote RTP port.</param>
    /// <param name="rtcpPort">The remote RTCP port (without RTCP-mux).</param>
    /// <param name="srtpParameters">The remote SRTP parameters (required with SRTP, rejected without).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="ArgumentException">Missing or invalid arguments (checked here and by the worker).</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. already connected.</exception>
    public Task ConnectAsync(string? ip = null, int? port = null, int? rtcpPort = null, SrtpParameters? srtpParameters = null,
        CancellationToken cancellationToken = default)
        => Command(() =>
        {
            CheckPort(port, nameof(port));
            CheckPort(rtcpPort, nameof(rtcpPort));
            if (srtpParameters is not null) SrtpParametersProtocol.Validate(srtpParameters, nameof(srtpParameters));
            return PlainTransportProtocol.ConnectAsync(Channel, Id, ip, port, rtcpPort, srtpParameters, result =>
            {
                if (result.Tuple is { } tuple) SetState(ref _tuple, tuple);
                if (result.RtcpTuple is { } rtcpTuple) SetState(ref _rtcpTuple, rtcpTuple);
                if (result.SrtpParameters is { } srtp) Volatile.Write(ref _srtpParameters, srtp);
            }, cancellationToken);
        });

    void INotificationTarget<PlainTransportNotification>.OnNotification(PlainTransportNotification notification)
    {
        switch (notification)
        {
            case PlainTransportNotification.TupleChange t: SetState(ref _tuple, t.Tuple); break;
            case PlainTransportNotification.RtcpTupleChange t: SetState(ref _rtcpTuple, t.Tuple); break;
            case PlainTransportNotification.Common c: OnCommonNotification(c.Notification); break;
        }
    }
}
