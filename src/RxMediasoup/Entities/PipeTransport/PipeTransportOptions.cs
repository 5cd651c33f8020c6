using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup;

/// <summary>Options of a new pipe transport (<see cref="Router.CreatePipeTransportAsync"/>), which links two routers.</summary>
public sealed record PipeTransportOptions : SctpTransportOptions
{
    /// <summary>Where the transport listens; UDP only.</summary>
    public required ListenInfo ListenInfo { get; init; }

    /// <summary>Enable RTX and NACK for RTP retransmission; consumers then use RTX. Default false.</summary>
    public bool EnableRtx { get; init; }

    /// <summary>Enable SRTP (AEAD_AES_256_GCM); the local keys are in <see cref="PipeTransport.SrtpParameters"/>. Default false.</summary>
    public bool EnableSrtp { get; init; }

    internal void Validate()
    {
        if (ListenInfo is null) throw new ArgumentNullException(nameof(ListenInfo), "missing listenInfo");
        ListenInfo.Validate(nameof(ListenInfo));
        if (ListenInfo.Protocol != TransportProtocol.Udp)
            throw new ArgumentException("listenInfo.protocol must be udp: pipe transports only support UDP", nameof(ListenInfo));
        ValidateSctp();
    }
}
