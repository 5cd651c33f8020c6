using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup;

/// <summary>A plain transport's internal state (<see cref="Transport.DumpAsync"/> of a <see cref="PlainTransport"/>).</summary>
public sealed record PlainTransportDump : TransportDump
{
    [SetsRequiredMembers]
    internal PlainTransportDump(TransportDump common) : base(common)
    {
        Tuple = null!;
    }

    /// <summary>Whether RTCP-mux is used.</summary>
    public bool RtcpMux { get; init; }

    /// <summary>Whether comedia mode is enabled.</summary>
    public bool Comedia { get; init; }

    /// <summary>The RTP tuple.</summary>
    public required TransportTuple Tuple { get; init; }

    /// <summary>The RTCP tuple, without RTCP-mux.</summary>
    public TransportTuple? RtcpTuple { get; init; }

    /// <summary>The local SRTP parameters, with SRTP.</summary>
    public SrtpParameters? SrtpParameters { get; init; }
}

/// <summary>A plain transport's statistics (<see cref="Transport.GetStatsAsync"/> of a <see cref="PlainTransport"/>), type <c>"plain-rtp-transport"</c>.</summary>
public sealed record PlainTransportStats : TransportStats
{
    [SetsRequiredMembers]
    internal PlainTransportStats(TransportStats common) : base(common)
    {
        Tuple = null!;
    }

    /// <summary>Whether RTCP-mux is used.</summary>
    public bool RtcpMux { get; init; }

    /// <summary>Whether comedia mode is enabled.</summary>
    public bool Comedia { get; init; }

    /// <summary>The RTP tuple.</summary>
    public required TransportTuple Tuple { get; init; }

    /// <summary>The RTCP tuple, without RTCP-mux.</summary>
    public TransportTuple? RtcpTuple { get; init; }
}
