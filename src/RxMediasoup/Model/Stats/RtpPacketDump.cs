namespace RxMediasoup;

/// <summary>A summary of an RTP packet, as found in trace events.</summary>
public sealed record RtpPacketDump
{
    /// <summary>The payload type (<c>payloadType</c>).</summary>
    public required int PayloadType { get; init; }

    /// <summary>The sequence number (<c>sequenceNumber</c>).</summary>
    public required int SequenceNumber { get; init; }

    /// <summary>The RTP timestamp (<c>timestamp</c>).</summary>
    public required uint Timestamp { get; init; }

    /// <summary>The marker bit (<c>marker</c>).</summary>
    public bool Marker { get; init; }

    /// <summary>The SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>Whether the packet carries (part of) a key frame (<c>isKeyFrame</c>).</summary>
    public bool IsKeyFrame { get; init; }

    /// <summary>The packet size in bytes (<c>size</c>).</summary>
    public long Size { get; init; }

    /// <summary>The payload size in bytes (<c>payloadSize</c>).</summary>
    public long PayloadSize { get; init; }

    /// <summary>The spatial layer (<c>spatialLayer</c>).</summary>
    public int SpatialLayer { get; init; }

    /// <summary>The temporal layer (<c>temporalLayer</c>).</summary>
    public int TemporalLayer { get; init; }

    /// <summary>The MID header extension value, if any (<c>mid</c>).</summary>
    public string? Mid { get; init; }

    /// <summary>The RID header extension value, if any (<c>rid</c>).</summary>
    public string? Rid { get; init; }

    /// <summary>The repaired RID header extension value, if any (<c>rrid</c>).</summary>
    public string? Rrid { get; init; }

    /// <summary>The transport-wide sequence number, if any (<c>wideSequenceNumber</c>).</summary>
    public int? WideSequenceNumber { get; init; }
}
