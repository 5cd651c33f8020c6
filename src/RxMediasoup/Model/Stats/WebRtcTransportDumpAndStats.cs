using System.Diagnostics.CodeAnalysis;

namespace RxMediasoup;

/// <summary>A WebRTC transport's internal state (<see cref="Transport.DumpAsync"/> of a <see cref="WebRtcTransport"/>).</summary>
public sealed record WebRtcTransportDump : TransportDump
{
    [SetsRequiredMembers]
    internal WebRtcTransportDump(TransportDump common) : base(common)
    {
        IceParameters = null!;
        IceCandidates = [];
        DtlsParameters = null!;
    }

    /// <summary>The ICE role (always controlled).</summary>
    public IceRole IceRole { get; init; }

    /// <summary>The local ICE parameters.</summary>
    public required IceParameters IceParameters { get; init; }

    /// <summary>The local ICE candidates.</summary>
    public required IReadOnlyList<IceCandidate> IceCandidates { get; init; }

    /// <summary>The ICE state.</summary>
    public IceState IceState { get; init; }

    /// <summary>The selected ICE tuple, once ICE is connected.</summary>
    public TransportTuple? IceSelectedTuple { get; init; }

    /// <summary>The local DTLS parameters.</summary>
    public required DtlsParameters DtlsParameters { get; init; }

    /// <summary>The DTLS state.</summary>
    public DtlsState DtlsState { get; init; }
}

/// <summary>A WebRTC transport's statistics (<see cref="Transport.GetStatsAsync"/> of a <see cref="WebRtcTransport"/>), type <c>"webrtc-transport"</c>.</summary>
public sealed record WebRtcTransportStats : TransportStats
{
    [SetsRequiredMembers]
    internal WebRtcTransportStats(TransportStats common) : base(common)
    {
    }

    /// <summary>The ICE role.</summary>
    public IceRole IceRole { get; init; }

    /// <summary>The ICE state.</summary>
    public IceState IceState { get; init; }

    /// <summary>The selected ICE tuple, once ICE is connected.</summary>
    public TransportTuple? IceSelectedTuple { get; init; }

    /// <summary>The DTLS state.</summary>
    public DtlsState DtlsState { get; init; }
}
