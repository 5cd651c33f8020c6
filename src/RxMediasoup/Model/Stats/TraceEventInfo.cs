namespace RxMediasoup;

/// <summary>
/// The typed details of a producer or consumer trace event: <see cref="RtpTraceInfo"/>,
/// <see cref="KeyFrameTraceInfo"/>, <see cref="FirTraceInfo"/>, <see cref="PliTraceInfo"/> or
/// <see cref="SrTraceInfo"/>.
/// </summary>
public abstract record TraceEventInfo
{
    private protected TraceEventInfo() { }
}

/// <summary>Details of an <c>rtp</c> trace event.</summary>
public sealed record RtpTraceInfo : TraceEventInfo
{
    /// <summary>The packet (<c>rtpPacket</c>).</summary>
    public required RtpPacketDump RtpPacket { get; init; }

    /// <summary>Whether the packet came or went as RTX (<c>isRtx</c>).</summary>
    public bool IsRtx { get; init; }
}

/// <summary>Details of a <c>keyframe</c> trace event.</summary>
public sealed record KeyFrameTraceInfo : TraceEventInfo
{
    /// <summary>The packet carrying the key frame (<c>rtpPacket</c>).</summary>
    public required RtpPacketDump RtpPacket { get; init; }

    /// <summary>Whether the packet came or went as RTX (<c>isRtx</c>).</summary>
    public bool IsRtx { get; init; }
}

/// <summary>Details of a <c>fir</c> trace event.</summary>
public sealed record FirTraceInfo : TraceEventInfo
{
    /// <summary>The SSRC of the media stream (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }
}

/// <summary>Details of a <c>pli</c> trace event.</summary>
public sealed record PliTraceInfo : TraceEventInfo
{
    /// <summary>The SSRC of the media stream (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }
}

/// <summary>Details of an <c>sr</c> (RTCP sender report) trace event.</summary>
public sealed record SrTraceInfo : TraceEventInfo
{
    /// <summary>The sender's SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>NTP timestamp, seconds (<c>ntpSec</c>).</summary>
    public uint NtpSec { get; init; }

    /// <summary>NTP timestamp, fraction (<c>ntpFrac</c>).</summary>
    public uint NtpFrac { get; init; }

    /// <summary>The RTP timestamp matching the NTP one (<c>rtpTs</c>).</summary>
    public uint RtpTs { get; init; }

    /// <summary>The sender's packet count (<c>packetCount</c>).</summary>
    public uint PacketCount { get; init; }

    /// <summary>The sender's octet count (<c>octetCount</c>).</summary>
    public uint OctetCount { get; init; }
}
