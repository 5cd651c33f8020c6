using FBS.RtpParameters;

namespace RxMediasoup.Testing;

/// <summary>The RTP streams a consumer's dump shows: one send stream per encoding of its RTP parameters (with its RTX stream).</summary>
internal static class SimulatedRtpStreams
{
    public static List<FBS.RtpStream.DumpT> OfConsumer(SimConsumer consumer)
    {
        var rtp = consumer.Request.RtpParameters;
        var codecs = rtp?.Codecs ?? [];
        var media = codecs.FirstOrDefault(c => !IsRtx(c));
        if (rtp is null || media is null) return [];
        var rtx = codecs.FirstOrDefault(c => IsRtx(c) && Apt(c) == media.PayloadType);
        var feedback = media.RtcpFeedback ?? [];
        var encodings = rtp.Encodings ?? [];
        var streams = new List<FBS.RtpStream.DumpT>(encodings.Count);
        for (int i = 0; i < encodings.Count; i++)
        {
            var e = encodings[i];
            var (spatial, temporal) = SimConsumer.ScalabilityMode(e.ScalabilityMode);
            streams.Add(new FBS.RtpStream.DumpT
            {
                Score = 10, // RtpStreamSend starts at 10 (checked by ReplayDifferentialTests)
                Params = new FBS.RtpStream.ParamsT
                {
                    EncodingIdx = (uint)i,
                    Ssrc = e.Ssrc ?? 0,
                    PayloadType = media.PayloadType,
                    MimeType = media.MimeType,
                    ClockRate = media.ClockRate,
                    Rid = e.Rid,
                    Cname = rtp.Rtcp?.Cname ?? "",
                    RtxSsrc = e.Rtx?.Ssrc,
                    RtxPayloadType = e.Rtx is null ? null : rtx?.PayloadType,
                    UseNack = feedback.Any(f => f.Type == "nack" && string.IsNullOrEmpty(f.Parameter)),
                    UsePli = feedback.Any(f => f.Type == "nack" && f.Parameter == "pli"),
                    UseFir = feedback.Any(f => f.Type == "ccm" && f.Parameter == "fir"),
                    UseInBandFec = Parameter(media, "useinbandfec") == "1",
                    UseDtx = e.Dtx || Parameter(media, "usedtx") == "1",
                    SpatialLayers = (byte)spatial,
                    TemporalLayers = (byte)temporal,
                },
                RtxStream = e.Rtx is null || rtx is null ? null : new FBS.RtxStream.RtxDumpT
                {
                    Params = new FBS.RtxStream.ParamsT
                    {
                        Ssrc = e.Rtx.Ssrc,
                        PayloadType = rtx.PayloadType,
                        MimeType = rtx.MimeType,
                        ClockRate = rtx.ClockRate,
                        Cname = rtp.Rtcp?.Cname ?? "",
                    },
                },
            });
        }
        return streams;
    }

    private static bool IsRtx(RtpCodecParametersT codec) => codec.MimeType.EndsWith("/rtx", StringComparison.OrdinalIgnoreCase);

    private static int? Apt(RtpCodecParametersT codec) => int.TryParse(Parameter(codec, "apt"), out int apt) ? apt : null;

    private static string? Parameter(RtpCodecParametersT codec, string name)
    {
        var value = codec.Parameters?.FirstOrDefault(p => p.Name == name)?.Value;
        return value?.Type switch
        {
            Value.Integer32 => value.AsInteger32().Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Value.String => value.AsString().Value,
            _ => null,
        };
    }
}
