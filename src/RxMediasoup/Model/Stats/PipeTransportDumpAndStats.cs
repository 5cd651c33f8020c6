using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup;

/// <summary>A pipe transport's internal state (<see cref="Transport.DumpAsync"/> of a <see cref="PipeTransport"/>).</summary>
public sealed record PipeTransportDump : TransportDump
{
    [SetsRequiredMembers]
    internal PipeTransportDump(TransportDump common) : base(common)
    {
        Tuple = null!;
    }

    /// <summary>The tuple.</summary>
    public required TransportTuple Tuple { get; init; }

    /// <summary>Whether RTX is enabled.</summary>
    public bool Rtx { get; init; }

    /// <summary>The local SRTP parameters, with SRTP.</summary>
    public SrtpParameters? SrtpParameters { get; init; }
}

/// <summary>A pipe transport's statistics (<see cref="Transport.GetStatsAsync"/> of a <see cref="PipeTransport"/>), type <c>"pipe-transport"</c>.</summary>
public sealed record PipeTransportStats : TransportStats
{
    [SetsRequiredMembers]
    internal PipeTransportStats(TransportStats common) : base(common)
    {
        Tuple = null!;
    }

    /// <summary>The tuple.</summary>
    public required TransportTuple Tuple { get; init; }
}
