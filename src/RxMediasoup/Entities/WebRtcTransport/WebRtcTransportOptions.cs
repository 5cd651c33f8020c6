namespace RxMediasoup;

/// <summary>
/// Options of a new WebRTC transport (<see cref="Router.CreateWebRtcTransportAsync"/>): give exactly one of
/// <see cref="ListenInfos"/> and <see cref="WebRtcServer"/>. Defaults as in mediasoup 3.27.
/// </summary>
public sealed record WebRtcTransportOptions : SctpTransportOptions
{
    /// <summary>Where the transport listens: one entry per protocol and IP; the first ones get the highest ICE priorities.</summary>
    public IReadOnlyList<ListenInfo>? ListenInfos { get; init; }

    /// <summary>A WebRTC server whose sockets the transport shares instead of listening itself.</summary>
    public WebRtcServer? WebRtcServer { get; init; }

    /// <summary>Offer UDP candidates. Default true.</summary>
    public bool? EnableUdp { get; init; }

    /// <summary>Offer TCP candidates. Default false with <see cref="ListenInfos"/>, true with a <see cref="WebRtcServer"/>.</summary>
    public bool? EnableTcp { get; init; }

    /// <summary>Give UDP candidates a higher priority. Default false.</summary>
    public bool PreferUdp { get; init; }

    /// <summary>Give TCP candidates a higher priority. Default false.</summary>
    public bool PreferTcp { get; init; }

    /// <summary>Initial available outgoing bitrate, in bps (0–9223372036854775806). Default 600000.</summary>
    public long InitialAvailableOutgoingBitrate { get; init; } = 600_000;

    /// <summary>
    /// ICE consent timeout, in seconds (RFC 7675): without a binding request for this long, ICE becomes disconnected.
    /// 0 disables consent checks; the worker clamps other values to 10–60. Default 30.
    /// </summary>
    public int IceConsentTimeout { get; init; } = 30;

    internal void Validate()
    {
        if (WebRtcServer is null && ListenInfos is null)
            throw new ArgumentException("missing webRtcServer and listenInfos (one of them is mandatory)", nameof(ListenInfos));
        if (WebRtcServer is not null && ListenInfos is not null)
            throw new ArgumentException("only one of webRtcServer and listenInfos must be given", nameof(ListenInfos));
        if (ListenInfos is not null)
        {
            if (ListenInfos.Count == 0)
                throw new ArgumentException("listenInfos must not be empty", nameof(ListenInfos));
            for (int i = 0; i < ListenInfos.Count; i++)
            {
                if (ListenInfos[i] is not { } info) throw new ArgumentNullException($"{nameof(ListenInfos)}[{i}]");
                info.Validate($"{nameof(ListenInfos)}[{i}]");
            }
        }
        if (InitialAvailableOutgoingBitrate is < 0 or > NetworkTransport.MaxBitrate)
            throw new ArgumentOutOfRangeException(nameof(InitialAvailableOutgoingBitrate), InitialAvailableOutgoingBitrate,
                $"initialAvailableOutgoingBitrate must be between 0 and {NetworkTransport.MaxBitrate}");
        if (IceConsentTimeout is < 0 or > 255)
            throw new ArgumentOutOfRangeException(nameof(IceConsentTimeout), IceConsentTimeout, "iceConsentTimeout must be between 0 and 255");
        ValidateSctp();
    }
}
