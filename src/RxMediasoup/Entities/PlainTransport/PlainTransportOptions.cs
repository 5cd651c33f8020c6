using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup;

/// <summary>Options of a new plain (RTP/RTCP over UDP, optionally SRTP) transport (<see cref="Router.CreatePlainTransportAsync"/>).</summary>
public sealed record PlainTransportOptions : SctpTransportOptions
{
    /// <summary>Where the transport listens for RTP (and RTCP with <see cref="RtcpMux"/>); UDP only.</summary>
    public required ListenInfo ListenInfo { get; init; }

    /// <summary>Where to listen for RTCP, which disables <see cref="RtcpMux"/>; UDP only.</summary>
    public ListenInfo? RtcpListenInfo { get; init; }

    /// <summary>Use RTCP-mux (RTP and RTCP on the same port). Default true; ignored when <see cref="RtcpListenInfo"/> is given.</summary>
    public bool RtcpMux { get; init; } = true;

    /// <summary>Learn the remote IP and port from the first RTP/RTCP packet received instead of <c>ConnectAsync</c>. Default false.</summary>
    public bool Comedia { get; init; }

    /// <summary>Enable SRTP; the local keys are in <see cref="PlainTransport.SrtpParameters"/>. Default false.</summary>
    public bool EnableSrtp { get; init; }

    /// <summary>The SRTP crypto suite, with <see cref="EnableSrtp"/>. Default AES_CM_128_HMAC_SHA1_80.</summary>
    public SrtpCryptoSuite SrtpCryptoSuite { get; init; } = SrtpCryptoSuite.AesCm128HmacSha1_80;

    internal void Validate()
    {
        if (ListenInfo is null) throw new ArgumentNullException(nameof(ListenInfo), "missing listenInfo");
        ListenInfo.Validate(nameof(ListenInfo));
        if (ListenInfo.Protocol != TransportProtocol.Udp)
            throw new ArgumentException("listenInfo.protocol must be udp: plain transports only support UDP", nameof(ListenInfo));
        if (RtcpListenInfo is not null)
        {
            RtcpListenInfo.Validate(nameof(RtcpListenInfo));
            if (RtcpListenInfo.Protocol != TransportProtocol.Udp)
                throw new ArgumentException("rtcpListenInfo.protocol must be udp: plain transports only support UDP", nameof(RtcpListenInfo));
        }
        if (!Enum.IsDefined(SrtpCryptoSuite))
            throw new ArgumentOutOfRangeException(nameof(SrtpCryptoSuite), SrtpCryptoSuite, $"invalid srtpCryptoSuite: {SrtpCryptoSuite}");
        ValidateSctp();
    }
}
