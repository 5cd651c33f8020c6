using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A pipe transport: links two routers, on the same or another worker or host, over plain RTP/RTCP (and SCTP).
/// Create one with <see cref="Router.CreatePipeTransportAsync"/> on each side, then connect each to the other's
/// <see cref="Tuple"/>.
/// </summary>
public sealed class PipeTransport : NetworkTransport, INotificationTarget<TransportNotification>
{
    private LazyStream<TransportTuple> _tuple; // created on first use (see LazyStream)
    private SrtpParameters? _srtpParameters;

    internal PipeTransport(Router router, string id, PipeTransportDump data, IDictionary<string, object?>? appData)
        : base(nameof(PipeTransport), router, id, appData, data.SctpParameters, data.SctpState,
            PipeTransportProtocol.Responses)
    {
        Rtx = data.Rtx;
        _srtpParameters = data.SrtpParameters;
        _tuple = LazyStream<TransportTuple>.State(data.Tuple);
    }

    /// <summary>Whether RTX is enabled.</summary>
    public bool Rtx { get; }

    /// <summary>The SRTP parameters: the local ones, then the remote ones after <see cref="ConnectAsync"/>; null without SRTP.</summary>
    public SrtpParameters? SrtpParameters => Volatile.Read(ref _srtpParameters);

    /// <summary>
    /// The tuple: the current value on subscribe (local address and port; remote ones once connected), then each
    /// change; completes when the transport closes.
    /// <code>
    /// tuple:      local-----local+remote------|
    /// </code>
    /// </summary>
    public IObservableState<TransportTuple> Tuple => StateStream(ref _tuple, nameof(Tuple));

    /// <summary>
    /// Provides the remote pipe transport's address (and SRTP parameters, with SRTP). Can be called once.
    /// <see cref="Tuple"/> and <see cref="SrtpParameters"/> are updated before the task completes.
    /// </summary>
    /// <param name="ip">The remote IP.</param>
    /// <param name="port">The remote port.</param>
    /// <param name="srtpParameters">The remote SRTP parameters (required with SRTP, rejected without).</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentException">Missing or invalid arguments.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    /// <exception cref="MediasoupException">The worker rejected it, e.g. already connected.</exception>
    public Task ConnectAsync(string ip, int port, SrtpParameters? srtpParameters = null, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(ip);
            CheckPort(port, nameof(port));
            if (srtpParameters is not null) SrtpParametersProtocol.Validate(srtpParameters, nameof(srtpParameters));
            return PipeTransportProtocol.ConnectAsync(Channel, Id, ip, port, srtpParameters, tuple =>
            {
                SetState(ref _tuple, tuple);
                if (srtpParameters is not null) Volatile.Write(ref _srtpParameters, srtpParameters);
            }, cancellationToken);
        });

    void INotificationTarget<TransportNotification>.OnNotification(TransportNotification notification) => OnCommonNotification(notification);
}
