namespace RxMediasoup;

/// <summary>The internal state of an RTP stream of a producer or consumer, as found in their dumps.</summary>
public sealed record RtpStreamDump
{
    /// <summary>The stream's parameters (<c>params</c>).</summary>
    public required RtpStreamParametersDump Params { get; init; }

    /// <summary>The stream's score, 0–10 (<c>score</c>).</summary>
    public required int Score { get; init; }

    /// <summary>Its RTX stream's parameters, if any (<c>rtxStream.params</c>).</summary>
    public RtxStreamParametersDump? RtxStream { get; init; }
}

/// <summary>The parameters of an RTP stream in a dump (mediasoup's <c>RtpStreamParametersDump</c>).</summary>
public sealed record RtpStreamParametersDump : StreamParametersDump
{
    /// <summary>Index of the encoding the stream belongs to (<c>encodingIdx</c>).</summary>
    public required int EncodingIdx { get; init; }

    /// <summary>The RID, if any (<c>rid</c>).</summary>
    public string? Rid { get; init; }

    /// <summary>The RTX SSRC, if any (<c>rtxSsrc</c>).</summary>
    public uint? RtxSsrc { get; init; }

    /// <summary>The RTX payload type, if any (<c>rtxPayloadType</c>).</summary>
    public int? RtxPayloadType { get; init; }

    /// <summary>Whether NACK is used (<c>useNack</c>).</summary>
    public bool UseNack { get; init; }

    /// <summary>Whether PLI is used (<c>usePli</c>).</summary>
    public bool UsePli { get; init; }

    /// <summary>Whether FIR is used (<c>useFir</c>).</summary>
    public bool UseFir { get; init; }

    /// <summary>Whether in-band FEC is used (<c>useInBandFec</c>).</summary>
    public bool UseInBandFec { get; init; }

    /// <summary>Whether DTX is used (<c>useDtx</c>).</summary>
    public bool UseDtx { get; init; }

    /// <summary>Number of spatial layers (<c>spatialLayers</c>).</summary>
    public int SpatialLayers { get; init; }

    /// <summary>Number of temporal layers (<c>temporalLayers</c>).</summary>
    public int TemporalLayers { get; init; }
}

/// <summary>The parameters of an RTX stream in a dump (mediasoup's <c>RtxStreamParameters</c>).</summary>
public sealed record RtxStreamParametersDump : StreamParametersDump
{
    /// <summary>The repaired RID, if any (<c>rrid</c>).</summary>
    public string? Rrid { get; init; }
}

/// <summary>
/// What the parameters of an RTP stream (<see cref="RtpStreamParametersDump"/>) and of an RTX stream
/// (<see cref="RtxStreamParametersDump"/>) in a dump have in common.
/// </summary>
public abstract record StreamParametersDump
{
    private protected StreamParametersDump()
    {
    }

    /// <summary>The stream's SSRC (<c>ssrc</c>).</summary>
    public required uint Ssrc { get; init; }

    /// <summary>The stream's payload type (<c>payloadType</c>).</summary>
    public required int PayloadType { get; init; }

    /// <summary>The stream's MIME type: the codec's, or the RTX one (<c>mimeType</c>).</summary>
    public required string MimeType { get; init; }

    /// <summary>The clock rate (<c>clockRate</c>).</summary>
    public required int ClockRate { get; init; }

    /// <summary>The RTCP CNAME (<c>cname</c>).</summary>
    public required string Cname { get; init; }
}
