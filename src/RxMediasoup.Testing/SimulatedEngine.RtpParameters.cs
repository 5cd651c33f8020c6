namespace RxMediasoup.Testing;

// RTP parameters as the worker keeps them: its validation of a producer's, the values it fills in or normalises,
// the order of its trace flags, and a producer's receive stream once RTP came in.
internal sealed partial class SimulatedEngine
{
    /// <summary>The order of the worker's trace flags (Producer/Consumer::FillBuffer): rtp, keyframe, nack, pli, fir (sr last, never dumped).</summary>
    private static readonly FBS.Producer.TraceEventType[] ProducerTraceOrder =
    [
        FBS.Producer.TraceEventType.RTP, FBS.Producer.TraceEventType.KEYFRAME, FBS.Producer.TraceEventType.NACK,
        FBS.Producer.TraceEventType.PLI, FBS.Producer.TraceEventType.FIR, FBS.Producer.TraceEventType.SR,
    ];

    private static readonly FBS.Consumer.TraceEventType[] ConsumerTraceOrder =
    [
        FBS.Consumer.TraceEventType.RTP, FBS.Consumer.TraceEventType.KEYFRAME, FBS.Consumer.TraceEventType.NACK,
        FBS.Consumer.TraceEventType.PLI, FBS.Consumer.TraceEventType.FIR,
    ];

    /// <summary>The RtpStreamRecv a producer's first encoding gets when RTP arrives: its parameters, no RTX stream yet.</summary>
    private static FBS.RtpStream.DumpT ReceiveStream(SimProducer producer)
    {
        var rtp = producer.Request.RtpParameters;
        var encoding = rtp.Encodings[0];
        var codec = rtp.Codecs.FirstOrDefault(c => c.PayloadType == encoding.CodecPayloadType) ?? rtp.Codecs[0];
        var (spatial, temporal) = SimConsumer.ScalabilityMode(encoding.ScalabilityMode);
        return new FBS.RtpStream.DumpT
        {
            Params = new FBS.RtpStream.ParamsT
            {
                Ssrc = encoding.Ssrc ?? 0, PayloadType = codec.PayloadType, MimeType = codec.MimeType, ClockRate = codec.ClockRate,
                Rid = encoding.Rid, Cname = rtp.Rtcp?.Cname, SpatialLayers = (byte)spatial, TemporalLayers = (byte)temporal,
            },
            Score = 0,
        };
    }

    /// <summary>
    /// What RtpParameters and the Producer constructor check (TypeErrors), completing what they complete: an encoding
    /// without codecPayloadType gets the first media codec's.
    /// </summary>
    private static void ValidateProducerParameters(FBS.RtpParameters.RtpParametersT rtp)
    {
        NormaliseRtpParameters(rtp);
        var codecs = rtp.Codecs ?? [];
        if (codecs.Count == 0) throw new SimulatedError("empty rtpParameters.codecs", isTypeError: true);
        var media = codecs.FirstOrDefault(c => !IsFeatureCodec(c.MimeType))
            ?? throw new SimulatedError("no media codecs found", isTypeError: true);
        foreach (var e in rtp.Encodings)
        {
            if (e.CodecPayloadType is { } pt)
            {
                if (!codecs.Any(c => c.PayloadType == pt && !IsFeatureCodec(c.MimeType)))
                    throw new SimulatedError("invalid codecPayloadType", isTypeError: true);
            }

        }
        if (string.IsNullOrEmpty(rtp.Mid) && rtp.Encodings.Count == 1 && rtp.Encodings[0].Ssrc is null && string.IsNullOrEmpty(rtp.Encodings[0].Rid))
            throw new SimulatedError("no MID given and single encoding without RID nor SSRC", isTypeError: true);
    }

    /// <summary>
    /// What the worker keeps of RTP parameters: codec MIME types in its canonical spelling (RtpCodecMimeType), each
    /// encoding's codecPayloadType (the first media codec's when absent) and scalabilityMode ("S1T1" when absent),
    /// and no maxBitrate (never written back).
    /// </summary>
    private static void NormaliseRtpParameters(FBS.RtpParameters.RtpParametersT rtp)
    {
        foreach (var codec in rtp.Codecs ?? [])
        {
            int slash = codec.MimeType.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0) continue;
            string subtype = codec.MimeType[(slash + 1)..];
            string canonical = CanonicalSubtypes.FirstOrDefault(c => c.Equals(subtype, StringComparison.OrdinalIgnoreCase)) ?? subtype;
            codec.MimeType = codec.MimeType[..slash].ToLowerInvariant() + "/" + canonical;
        }
        var media = (rtp.Codecs ?? []).FirstOrDefault(c => !IsFeatureCodec(c.MimeType));
        foreach (var e in rtp.Encodings ?? [])
        {
            if (e.CodecPayloadType is null && media is not null) e.CodecPayloadType = media.PayloadType;
            e.MaxBitrate = null;
            if (string.IsNullOrEmpty(e.ScalabilityMode)) e.ScalabilityMode = "S1T1"; // RtpEncodingParameters' default
        }
    }

    /// <summary>RtpCodecMimeType's subtype spellings (mediasoup-worker 3.27).</summary>
    private static readonly string[] CanonicalSubtypes =
    [
        "opus", "multiopus", "PCMA", "PCMU", "ISAC", "G722", "iLBC", "SILK", "CN", "telephone-event",
        "VP8", "VP9", "H264", "H264-SVC", "H265", "AV1", "rtx", "ulpfec", "flexfec", "x-ulpfecuc", "red",
    ];

    private static bool IsFeatureCodec(string mimeType)
        => mimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase) || mimeType.EndsWith("/ulpfec", StringComparison.OrdinalIgnoreCase)
           || mimeType.EndsWith("/flexfec", StringComparison.OrdinalIgnoreCase) || mimeType.EndsWith("/red", StringComparison.OrdinalIgnoreCase);
}
