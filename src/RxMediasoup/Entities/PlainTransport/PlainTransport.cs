using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A plain transport: RTP and RTCP over UDP (optionally SRTP) with any endpoint, e.g. ffmpeg or GStreamer.
/// Create one with <see cref="Router.CreatePlainTransportAsync"/>; give it the remote address with
/// <see cref="ConnectAsync"/>, or let it learn it from the first packet (comedia).
/// </summary>
public sealed class PlainTransport : Transport
{
    private readonly StateStream<TransportTuple> _tuple;
    private readonly StateStream<TransportTuple?> _rtcpTuple;
    private SrtpParameters? _srtpParameters;

    internal PlainTransport(Router router, string id, EntityNotificationSink<Transport> sink, PlainTransportDump data,
        IDictionary<string, object?>? appData, ILogger logger)
        : base(router, id, sink, appData, data.SctpState, logger)
    {
        RtcpMux = data.RtcpMux;
        Comedia = data.Comedia;
        SctpParameters = data.SctpParameters;
        _srtpParameters = data.SrtpParameters;
        _tuple = new StateStream<TransportTuple>("PlainTransport.Tuple", data.Tuple, logger);
        _rtcpTuple = new StateStream<TransportTuple?>("PlainTransport.RtcpTuple", data.RtcpTuple, logger);
    }

    /// <summary>Whether RTCP-mux is used.</summary>
    public bool RtcpMux { get; }

    /// <summary>Whether comedia mode is enabled.</summary>
    public bool Comedia { get; }

    /// <summary>The local SCTP parameters, or null without SCTP.</summary>
    public SctpParameters? SctpParameters { get; }

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
    public IObservable<TransportTuple> Tuple => _tuple;

    /// <summary>
    /// The RTCP tuple without RTCP-mux (null with RTCP-mux): the current value on subscribe, then each change;
    /// completes when the transport closes.
    /// <code>
    /// rtcpTuple:  null-----local+remote------|
    /// </code>
    /// </summary>
    public IObservable<TransportTuple?> RtcpTuple => _rtcpTuple;

    /// <summary>
    /// The SCTP state (null without SCTP): current value on subscribe, then changes; closed (if SCTP is enabled)
    /// and completion when the transport closes.
    /// <code>
    /// sctpState:  new---connecting--connected----(closed|)
    /// </code>
    /// </summary>
    public IObservable<SctpState?> SctpState => SctpStateStream;

    /// <summary>
    /// The negotiated SCTP capabilities (null until negotiated): current value on subscribe, then changes; completes
    /// when the transport closes.
    /// <code>
    /// caps:       null--------caps------|
    /// </code>
    /// </summary>
    public IObservable<SctpNegotiatedCapabilities?> SctpNegotiatedCapabilities => SctpNegotiatedCapabilitiesStream;

    /// <summary>Dumps the transport's internal state.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public new Task<PlainTransportDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return PlainTransportProtocol.DumpAsync(Channel, Id, cancellationToken);
    }

    /// <summary>Gets the transport's statistics.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public new Task<PlainTransportStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return PlainTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken);
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
    public new IObservable<PlainTransportStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "PlainTransport.Stats", GetStatsAsync, period, Closed, scheduler, Logger);

    /// <summary>
    /// Provides the remote endpoint's address and, with SRTP, its SRTP parameters. Without comedia,
    /// <paramref name="ip"/> and <paramref name="port"/> are required, and <paramref name="rtcpPort"/> too without
    /// RTCP-mux; with comedia only the SRTP parameters are given. Can be called once.
    /// </summary>
    /// <param name="ip">The remote IP.</param>
    /// <param name="port">The remote RTP port.</param>
    /// <param name="rtcpPort">The remote RTCP port (without RTCP-mux).</param>
    /// <param name="srtpParameters">The remote SRTP parameters (required with SRTP, rejected without).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="ArgumentException">Missing or invalid arguments (checked here and by the worker).</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. already connected.</exception>
    public async Task ConnectAsync(string? ip = null, int? port = null, int? rtcpPort = null, SrtpParameters? srtpParameters = null,
        CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        CheckPort(port, nameof(port));
        CheckPort(rtcpPort, nameof(rtcpPort));
        if (srtpParameters is not null) BaseTransportProtocol.ValidateSrtpParameters(srtpParameters, nameof(srtpParameters));
        var result = await PlainTransportProtocol.ConnectAsync(Channel, Id, ip, port, rtcpPort, srtpParameters, cancellationToken)
            .ConfigureAwait(false);
        if (result.Tuple is { } tuple) _tuple.OnNext(tuple);
        if (result.RtcpTuple is { } rtcpTuple) _rtcpTuple.OnNext(rtcpTuple);
        if (result.SrtpParameters is { } srtp) Volatile.Write(ref _srtpParameters, srtp);
    }

    internal static void CheckPort(int? port, string name)
    {
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(name, port, $"{name} must be a port number (1-65535)");
    }

    private protected override async Task<TransportDump> DumpCoreAsync(CancellationToken cancellationToken)
        => await PlainTransportProtocol.DumpAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override async Task<TransportStats> GetStatsCoreAsync(CancellationToken cancellationToken)
        => await PlainTransportProtocol.GetStatsAsync(Channel, Id, cancellationToken).ConfigureAwait(false);

    private protected override void OnClosing(CloseReason reason)
    {
        _tuple.Complete();
        _rtcpTuple.Complete();
    }

    internal override int SubscriberCount => base.SubscriberCount + _tuple.SubscriberCount + _rtcpTuple.SubscriberCount;

    internal override void OnTupleChange(TransportTuple tuple) => _tuple.OnNext(tuple);

    internal override void OnRtcpTupleChange(TransportTuple tuple) => _rtcpTuple.OnNext(tuple);
}
