namespace RxMediasoup;

// The consumer side of the negotiation: a producer's consumable parameters, whether an endpoint can consume them, and
// the RTP parameters of a consumer.
public static partial class Ortc
{
    /// <summary>
    /// The RTP parameters consumers of a producer are derived from: the router's codecs (payload types, RTCP
    /// feedback) with the producer's codec parameters, the router's header extensions of this kind that mediasoup
    /// can send, the producer's encodings with their mapped SSRCs (no RID, RTX or codec payload type), and the
    /// producer's CNAME.
    /// </summary>
    /// <param name="kind">The producer's media kind.</param>
    /// <param name="rtpParameters">The producer's (negotiated) RTP parameters.</param>
    /// <param name="routerRtpCapabilities">The router's RTP capabilities.</param>
    /// <param name="rtpMapping">The producer's mapping from <see cref="GetProducerRtpParametersMapping(RtpParameters, RtpCapabilities)"/>.</param>
    /// <returns>The consumable RTP parameters.</returns>
    /// <exception cref="ArgumentException">The mapping does not fit the parameters.</exception>
    public static RtpParameters GetConsumableRtpParameters(
        MediaKind kind, RtpParameters rtpParameters, RtpCapabilities routerRtpCapabilities, RtpMapping rtpMapping)
    {
        ArgumentNullException.ThrowIfNull(rtpParameters);
        ArgumentNullException.ThrowIfNull(routerRtpCapabilities);
        ArgumentNullException.ThrowIfNull(rtpMapping);

        var codecs = new List<RtpCodecParameters>(rtpParameters.Codecs.Count * 2);
        for (var i = 0; i < rtpParameters.Codecs.Count; i++)
        {
            var codec = rtpParameters.Codecs[i];
            if (CodecMatching.IsRtx(codec))
            {
                continue;
            }

            var mapping = FindCodecMapping(rtpMapping, codec.PayloadType)
                ?? throw new ArgumentException($"rtpMapping has no codec for payloadType {codec.PayloadType}", nameof(rtpMapping));
            var capCodec = FindCodecByPreferredPayloadType(routerRtpCapabilities, mapping.MappedPayloadType)
                ?? throw new ArgumentException(
                    $"router has no codec with preferredPayloadType {mapping.MappedPayloadType}", nameof(routerRtpCapabilities));

            var consumableCodec = new RtpCodecParameters
            {
                MimeType = capCodec.MimeType,
                PayloadType = mapping.MappedPayloadType,
                ClockRate = capCodec.ClockRate,
                Channels = capCodec.Channels,
                Parameters = codec.Parameters, // The producer's codec parameters.
                RtcpFeedback = capCodec.RtcpFeedback,
            };
            codecs.Add(consumableCodec);

            if (FindRtxCodec(routerRtpCapabilities, consumableCodec.PayloadType) is { PreferredPayloadType: { } rtxPayloadType } capRtxCodec)
            {
                codecs.Add(new RtpCodecParameters
                {
                    MimeType = capRtxCodec.MimeType,
                    PayloadType = rtxPayloadType,
                    ClockRate = capRtxCodec.ClockRate,
                    Parameters = capRtxCodec.Parameters,
                    RtcpFeedback = capRtxCodec.RtcpFeedback,
                });
            }
        }

        var headerExtensions = ConsumableHeaderExtensions(kind, rtpParameters, routerRtpCapabilities);

        if (rtpMapping.Encodings.Count < rtpParameters.Encodings.Count)
        {
            throw new ArgumentException(
                $"rtpMapping has {rtpMapping.Encodings.Count} encodings for {rtpParameters.Encodings.Count} producer encodings",
                nameof(rtpMapping));
        }
        var encodings = new RtpEncodingParameters[rtpParameters.Encodings.Count];
        for (var i = 0; i < encodings.Length; i++)
        {
            encodings[i] = rtpParameters.Encodings[i] with
            {
                Rid = null,
                Rtx = null,
                CodecPayloadType = null,
                Ssrc = rtpMapping.Encodings[i].MappedSsrc,
            };
        }

        return new RtpParameters
        {
            Codecs = ValueList<RtpCodecParameters>.Create([.. codecs]),
            HeaderExtensions = headerExtensions,
            Encodings = ValueList<RtpEncodingParameters>.Create(encodings),
            Rtcp = new RtcpParameters { Cname = rtpParameters.Rtcp.Cname, ReducedSize = true },
            Msid = rtpParameters.Msid,
        };
    }

    /// <summary>
    /// Whether an endpoint with the given RTP capabilities can consume a producer: at least one of the
    /// consumable codecs matches (strictly) one of the capabilities' codecs, and the first that does is a media
    /// codec (not RTX).
    /// </summary>
    /// <param name="consumableRtpParameters">The producer's consumable RTP parameters.</param>
    /// <param name="rtpCapabilities">The endpoint's RTP capabilities (validated here).</param>
    /// <returns>Whether the endpoint can consume the producer.</returns>
    /// <exception cref="ArgumentException">The capabilities are invalid.</exception>
    public static bool CanConsume(RtpParameters consumableRtpParameters, RtpCapabilities rtpCapabilities)
    {
        ArgumentNullException.ThrowIfNull(consumableRtpParameters);
        var caps = NormalizeCapabilities(rtpCapabilities, nameof(rtpCapabilities));

        var firstMatching = consumableRtpParameters.Codecs.FirstOrDefault(codec =>
            caps.Codecs.Any(capCodec => CodecMatching.Match(capCodec, codec, strict: true)));
        return firstMatching is not null && !CodecMatching.IsRtx(firstMatching);
    }

    /// <summary>
    /// The RTP parameters of a consumer for an endpoint: the consumable codecs the endpoint supports (strict
    /// match) with the endpoint's RTCP feedback (without NACK when RTX is disabled), RTX only when enabled and
    /// its media codec remains, the header extensions the endpoint supports with the same id, and BWE feedback
    /// reduced to transport-cc (if its extension remains) or else REMB (if abs-send-time remains) or else none.
    /// Not over a pipe: a single encoding with a random SSRC (and RTX SSRC + 1), the producer's scalability
    /// mode (with simulcast, <c>L{encodings}T{temporal layers}</c>) and its highest <c>maxBitrate</c>. Over a pipe:
    /// all consumable encodings with random consecutive SSRCs.
    /// </summary>
    /// <param name="consumableRtpParameters">The producer's consumable RTP parameters.</param>
    /// <param name="remoteRtpCapabilities">The endpoint's RTP capabilities (validated here).</param>
    /// <param name="pipe">Whether the consumer is a pipe consumer (all encodings are forwarded).</param>
    /// <param name="enableRtx">Whether RTX and NACK are enabled (mediasoup's default: for video).</param>
    /// <returns>The consumer's RTP parameters (without <c>mid</c>, which the transport assigns).</returns>
    /// <exception cref="ArgumentException">The capabilities are invalid.</exception>
    /// <exception cref="UnsupportedException">No media codec is compatible.</exception>
    public static RtpParameters GetConsumerRtpParameters(
        RtpParameters consumableRtpParameters, RtpCapabilities remoteRtpCapabilities, bool pipe, bool enableRtx)
    {
        ArgumentNullException.ThrowIfNull(consumableRtpParameters);
        var remote = NormalizeCapabilities(remoteRtpCapabilities, nameof(remoteRtpCapabilities));

        // Each consumable codec the endpoint supports, with the endpoint's feedback (reduced below).
        var consumableCodecs = consumableRtpParameters.Codecs;
        var codecs = new List<RtpCodecParameters>(consumableCodecs.Count);
        var remoteFeedback = new List<IReadOnlyList<RtcpFeedback>>(consumableCodecs.Count);
        for (var i = 0; i < consumableCodecs.Count; i++)
        {
            var codec = consumableCodecs[i];
            if (!enableRtx && CodecMatching.IsRtx(codec))
            {
                continue;
            }

            RtpCodecCapability? matched = null;
            for (var c = 0; c < remote.Codecs.Count && matched is null; c++)
            {
                if (CodecMatching.Match(remote.Codecs[c], codec, strict: true))
                {
                    matched = remote.Codecs[c];
                }
            }
            if (matched is null)
            {
                continue;
            }

            codecs.Add(codec);
            remoteFeedback.Add(matched.RtcpFeedback);
        }

        // Remove RTX codecs whose media codec is not there.
        var rtxSupported = false;
        for (var i = codecs.Count - 1; i >= 0; i--)
        {
            var codec = codecs[i];
            if (!CodecMatching.IsRtx(codec))
            {
                continue;
            }
            var apt = CodecMatching.Apt(codec);
            if (apt is not null && HasPayloadType(codecs, apt.Value))
            {
                rtxSupported = true;
            }
            else
            {
                codecs.RemoveAt(i);
                remoteFeedback.RemoveAt(i);
            }
        }

        if (codecs.Count == 0 || CodecMatching.IsRtx(codecs[0]))
        {
            throw new UnsupportedException("no compatible media codecs");
        }

        var headerExtensions = SupportedHeaderExtensions(consumableRtpParameters.HeaderExtensions, remote);

        // Reduce BWE feedback: transport-cc if available, REMB otherwise, else none (and NACK without RTX).
        var bwe = HasUri(headerExtensions, RtpHeaderExtensionUri.TransportWideCc01) ? BweFeedback.TransportCc
            : HasUri(headerExtensions, RtpHeaderExtensionUri.AbsSendTime) ? BweFeedback.Remb
            : BweFeedback.None;
        var reducedCodecs = new RtpCodecParameters[codecs.Count];
        var unchanged = codecs.Count == consumableCodecs.Count;
        for (var i = 0; i < reducedCodecs.Length; i++)
        {
            var codec = codecs[i];
            var feedback = ReduceFeedback(remoteFeedback[i], enableRtx, bwe);
            reducedCodecs[i] = ReferenceEquals(feedback, codec.RtcpFeedback) ? codec : codec with { RtcpFeedback = feedback };
            unchanged &= ReferenceEquals(reducedCodecs[i], consumableCodecs[i]);
        }

        RtpEncodingParameters[] encodings;
        var consumableEncodings = consumableRtpParameters.Encodings;
        if (!pipe)
        {
            var ssrc = GenerateRandomSsrc();

            // Take the scalability mode of the first encoding that has one (all should have the same).
            string? scalabilityMode = null;
            for (var i = 0; i < consumableEncodings.Count && scalabilityMode is null; i++)
            {
                scalabilityMode = string.IsNullOrEmpty(consumableEncodings[i].ScalabilityMode) ? null : consumableEncodings[i].ScalabilityMode;
            }

            // With simulcast, the consumer sees the streams as spatial layers.
            if (consumableEncodings.Count > 1)
            {
                var temporalLayers = ScalabilityMode.Parse(scalabilityMode).TemporalLayers;
                scalabilityMode = $"L{consumableEncodings.Count}T{temporalLayers}";
            }

            // Honor the highest maxBitrate of any encoding.
            var maxBitrate = 0L;
            for (var i = 0; i < consumableEncodings.Count; i++)
            {
                if (consumableEncodings[i].MaxBitrate is { } b && b > maxBitrate)
                {
                    maxBitrate = b;
                }
            }

            encodings =
            [
                new RtpEncodingParameters
                {
                    Ssrc = ssrc,
                    Rtx = rtxSupported ? new RtxParameters(ssrc + 1) : null,
                    ScalabilityMode = string.IsNullOrEmpty(scalabilityMode) ? null : scalabilityMode,
                    MaxBitrate = maxBitrate > 0 ? maxBitrate : null,
                },
            ];
        }
        else
        {
            var baseSsrc = GenerateRandomSsrc();
            var baseRtxSsrc = GenerateRandomSsrc();
            encodings = consumableEncodings
                .Select((encoding, i) => encoding with
                {
                    Ssrc = baseSsrc + (uint)i,
                    Rtx = rtxSupported ? new RtxParameters(baseRtxSsrc + (uint)i) : null,
                })
                .ToArray();
        }

        return new RtpParameters
        {
            Codecs = unchanged ? consumableCodecs : ValueList<RtpCodecParameters>.Create(reducedCodecs),
            HeaderExtensions = headerExtensions,
            Encodings = ValueList<RtpEncodingParameters>.Create(encodings),
            Rtcp = consumableRtpParameters.Rtcp,
            Msid = consumableRtpParameters.Msid,
        };
    }
}
