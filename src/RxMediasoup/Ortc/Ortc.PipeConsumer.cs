namespace RxMediasoup;

// The RTP parameters of a pipe consumer (what one router sends another through a PipeTransport).
public static partial class Ortc
{
    /// <summary>
    /// The Dependency-Descriptor header extension, which mediasoup only receives (recvonly) but forwards between
    /// pipe transports, so pipe consumers get it added.
    /// </summary>
    private static readonly RtpHeaderExtensionParameters DependencyDescriptorForPipeConsumer = CreateDependencyDescriptorForPipeConsumer();

    /// <summary>
    /// The RTP parameters of a pipe consumer: all consumable codecs (RTX only when enabled) with RTCP feedback
    /// reduced to PLI, FIR and (with RTX) NACK; header extensions without MID and BWE ones (abs-send-time,
    /// transport-cc) but with the Dependency-Descriptor one, ordered by id; all encodings with random consecutive
    /// SSRCs (and RTX SSRCs when enabled).
    /// </summary>
    /// <param name="consumableRtpParameters">The producer's consumable RTP parameters.</param>
    /// <param name="enableRtx">Whether RTX and NACK are enabled (the pipe transport's <c>enableRtx</c>).</param>
    /// <returns>The pipe consumer's RTP parameters.</returns>
    public static RtpParameters GetPipeConsumerRtpParameters(RtpParameters consumableRtpParameters, bool enableRtx)
    {
        ArgumentNullException.ThrowIfNull(consumableRtpParameters);

        var codecs = consumableRtpParameters.Codecs
            .Where(codec => enableRtx || !CodecMatching.IsRtx(codec))
            .Select(codec => codec with
            {
                RtcpFeedback = codec.RtcpFeedback
                    .Where(fb => (fb.Type == "nack" && fb.Parameter == "pli")
                        || (fb.Type == "ccm" && fb.Parameter == "fir")
                        || (enableRtx && fb.Type == "nack" && fb.Parameter.Length == 0))
                    .ToArray(),
            })
            .ToArray();

        var headerExtensions = consumableRtpParameters.HeaderExtensions
            .Where(ext => ext.Uri is not (RtpHeaderExtensionUri.Mid or RtpHeaderExtensionUri.AbsSendTime or RtpHeaderExtensionUri.TransportWideCc01))
            .ToList();
        if (!headerExtensions.Any(ext => ext.Uri == DependencyDescriptorForPipeConsumer.Uri))
        {
            headerExtensions.Add(DependencyDescriptorForPipeConsumer);
        }

        var baseSsrc = GenerateRandomSsrc();
        var baseRtxSsrc = GenerateRandomSsrc();
        var encodings = consumableRtpParameters.Encodings
            .Select((encoding, i) => encoding with
            {
                Ssrc = baseSsrc + (uint)i,
                Rtx = enableRtx ? new RtxParameters(baseRtxSsrc + (uint)i) : null,
            })
            .ToArray();

        return new RtpParameters
        {
            Codecs = ValueList<RtpCodecParameters>.Create(codecs),
            HeaderExtensions = ValueList<RtpHeaderExtensionParameters>.Create([.. headerExtensions.OrderBy(ext => ext.Id)]),
            Encodings = ValueList<RtpEncodingParameters>.Create(encodings),
            Rtcp = consumableRtpParameters.Rtcp,
            Msid = consumableRtpParameters.Msid,
        };
    }

    private static RtpHeaderExtensionParameters CreateDependencyDescriptorForPipeConsumer()
    {
        var ext = Mediasoup.SupportedRtpCapabilities.HeaderExtensions.First(e =>
            e.Uri == RtpHeaderExtensionUri.DependencyDescriptor && e.Direction != RtpHeaderExtensionDirection.SendRecv);
        return new RtpHeaderExtensionParameters { Uri = ext.Uri, Id = ext.PreferredId, Encrypt = ext.PreferredEncrypt };
    }
}
