namespace RxMediasoup;

/// <summary>
/// mediasoup's ORTC negotiation as pure functions (a port of mediasoup 3.27's <c>ortc.js</c>): router RTP
/// capabilities from media codecs, the mapping of a producer's RTP parameters to the router's, the consumable
/// parameters of a producer, and the RTP parameters of a consumer for given endpoint capabilities. Routers,
/// transports and producers use these; they are public for applications and tests.
/// </summary>
/// <remarks>
/// Bad input throws the <see cref="ArgumentException"/> family (mediasoup's <c>TypeError</c>) with the field in the
/// message and parameter name; what mediasoup cannot support throws <see cref="UnsupportedException"/>
/// (mediasoup's <c>UnsupportedError</c>). Inputs are never modified: results are new immutable records.
/// </remarks>
public static partial class Ortc
{
    // Dynamic payload types in mediasoup's allocation order.
    private static readonly int[] DynamicPayloadTypes =
    [
        100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114,
        115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 96, 97, 98,
        99,
    ];

    /// <summary>
    /// The Dependency-Descriptor header extension, which mediasoup only receives (recvonly) but forwards between
    /// pipe transports, so pipe consumers get it added.
    /// </summary>
    private static readonly RtpHeaderExtensionParameters DependencyDescriptorForPipeConsumer = CreateDependencyDescriptorForPipeConsumer();

    /// <summary>
    /// Generates a router's RTP capabilities from its media codecs: each media codec must match one of
    /// <see cref="Mediasoup.SupportedRtpCapabilities"/> (MIME type, clock rate, channels, and multiopus streams);
    /// the result takes mediasoup's codec (MIME type spelling, RTCP feedback) with the given parameters merged
    /// over its own, keeps a given <see cref="RtpCodecCapability.PreferredPayloadType"/> or else uses the
    /// supported codec's static one or else the next dynamic one (100–127, then 96–99), and adds an RTX codec
    /// after each video codec. The header extensions are all the supported ones.
    /// </summary>
    /// <param name="mediaCodecs">The router's media codecs (their RTCP feedback is ignored).</param>
    /// <returns>The router's RTP capabilities.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mediaCodecs"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A codec is invalid, two codecs have the same payload type, or the dynamic payload types run out.</exception>
    /// <exception cref="UnsupportedException">A codec is not supported by mediasoup.</exception>
    public static RtpCapabilities GenerateRouterRtpCapabilities(IEnumerable<RtpCodecCapability> mediaCodecs)
    {
        ArgumentNullException.ThrowIfNull(mediaCodecs);

        var supported = Mediasoup.SupportedRtpCapabilities;
        var dynamicPayloadTypes = new List<int>(DynamicPayloadTypes);
        var codecs = new List<RtpCodecCapability>();

        var index = 0;
        foreach (var given in mediaCodecs)
        {
            var mediaCodec = NormalizeMediaCodec(given, index++);

            var matched = supported.Codecs.FirstOrDefault(s => CodecMatching.Match(mediaCodec, s, strict: false))
                ?? throw new UnsupportedException($"media codec not supported [mimeType:{mediaCodec.MimeType}]");

            int payloadType;
            if (mediaCodec.PreferredPayloadType is { } preferred)
            {
                payloadType = preferred;
                dynamicPayloadTypes.Remove(preferred);
            }
            else if (matched.PreferredPayloadType is { } staticPayloadType)
            {
                payloadType = staticPayloadType;
            }
            else
            {
                payloadType = TakeDynamicPayloadType(dynamicPayloadTypes, nameof(mediaCodecs));
            }

            if (codecs.Any(c => c.PreferredPayloadType == payloadType))
            {
                throw new ArgumentException($"duplicated codec.preferredPayloadType {payloadType}", $"{nameof(mediaCodecs)}[{index - 1}].preferredPayloadType");
            }

            var parameters = new Dictionary<string, RtpParameterValue>(matched.Parameters, StringComparer.Ordinal);
            foreach (var (key, value) in mediaCodec.Parameters)
            {
                parameters[key] = value;
            }

            var codec = matched with
            {
                PreferredPayloadType = payloadType,
                Parameters = ValueDictionary<RtpParameterValue>.Create(parameters),
            };
            codecs.Add(codec);

            if (codec.Kind == MediaKind.Video)
            {
                codecs.Add(new RtpCodecCapability
                {
                    Kind = codec.Kind,
                    MimeType = "video/rtx",
                    PreferredPayloadType = TakeDynamicPayloadType(dynamicPayloadTypes, nameof(mediaCodecs)),
                    ClockRate = codec.ClockRate,
                    Parameters = new Dictionary<string, RtpParameterValue> { ["apt"] = payloadType },
                    RtcpFeedback = [],
                });
            }
        }

        return new RtpCapabilities
        {
            Codecs = ValueList<RtpCodecCapability>.Create([.. codecs]),
            HeaderExtensions = supported.HeaderExtensions,
        };
    }

    /// <summary>
    /// Maps a producer's codec payload types and encodings to the values the router uses. Each media codec must
    /// match (strictly) one of the router's codecs and each RTX codec must point (<c>apt</c>) to a media codec
    /// whose router codec has RTX; each encoding gets a consecutive mapped SSRC.
    /// </summary>
    /// <param name="rtpParameters">The producer's RTP parameters (validated and normalized here).</param>
    /// <param name="routerRtpCapabilities">The router's RTP capabilities.</param>
    /// <returns>The mapping to send to the worker.</returns>
    /// <exception cref="ArgumentException">The parameters are invalid, or an RTX codec has no media codec.</exception>
    /// <exception cref="UnsupportedException">A codec is not supported by the router.</exception>
    public static RtpMapping GetProducerRtpParametersMapping(RtpParameters rtpParameters, RtpCapabilities routerRtpCapabilities) =>
        GetProducerRtpParametersMapping(rtpParameters, routerRtpCapabilities, out _);

    /// <summary>
    /// Maps a producer's codec payload types and encodings to the values the router uses, like
    /// <see cref="GetProducerRtpParametersMapping(RtpParameters, RtpCapabilities)"/>, also returning the producer's
    /// parameters as negotiated: normalized, and with each H264 codec's <c>profile-level-id</c> set to the
    /// negotiated answer (mediasoup changes the producer's parameters in place this way). Produce with these.
    /// </summary>
    /// <param name="rtpParameters">The producer's RTP parameters (validated and normalized here).</param>
    /// <param name="routerRtpCapabilities">The router's RTP capabilities.</param>
    /// <param name="negotiatedRtpParameters">The normalized, negotiated producer parameters.</param>
    /// <returns>The mapping to send to the worker.</returns>
    /// <exception cref="ArgumentException">The parameters are invalid, or an RTX codec has no media codec.</exception>
    /// <exception cref="UnsupportedException">A codec is not supported by the router.</exception>
    public static RtpMapping GetProducerRtpParametersMapping(
        RtpParameters rtpParameters, RtpCapabilities routerRtpCapabilities, out RtpParameters negotiatedRtpParameters)
    {
        ArgumentNullException.ThrowIfNull(routerRtpCapabilities);
        var parameters = NormalizeParameters(rtpParameters, nameof(rtpParameters));

        var given = parameters.Codecs;
        RtpCodecParameters[]? negotiated = null; // a copy only when an H264 codec's profile-level-id changes
        var capCodecs = new RtpCodecCapability?[given.Count];

        // Match media codecs to the router's media codecs.
        for (var i = 0; i < given.Count; i++)
        {
            var codec = given[i];
            if (CodecMatching.IsRtx(codec))
            {
                continue;
            }

            RtpCodecCapability? matched = null;
            H264Answer? answer = null;
            for (var c = 0; c < routerRtpCapabilities.Codecs.Count; c++)
            {
                var capCodec = routerRtpCapabilities.Codecs[c];
                if (CodecMatching.Match(codec, capCodec, strict: true, out answer))
                {
                    matched = capCodec;
                    break;
                }
            }
            if (matched is null)
            {
                throw new UnsupportedException($"unsupported codec [mimeType:{codec.MimeType}, payloadType:{codec.PayloadType}]");
            }
            if (answer is { } h264)
            {
                negotiated ??= [.. given];
                negotiated[i] = codec with { Parameters = WithProfileLevelId(codec.Parameters, h264.ProfileLevelId) };
            }
            capCodecs[i] = matched;
        }

        // Match RTX codecs to the router's RTX codecs.
        var rtxCount = 0;
        for (var i = 0; i < given.Count; i++)
        {
            var codec = given[i];
            if (!CodecMatching.IsRtx(codec))
            {
                continue;
            }

            rtxCount++;
            var apt = CodecMatching.Apt(codec);
            var mediaIndex = -1;
            for (var m = 0; apt is not null && m < given.Count; m++)
            {
                if (given[m].PayloadType == apt)
                {
                    mediaIndex = m;
                    break;
                }
            }
            if (mediaIndex < 0)
            {
                throw new ArgumentException(
                    $"missing media codec found for RTX PT {codec.PayloadType} [apt:{(codec.Parameters.TryGetValue("apt", out var a) ? a.ToString() : "none")}]",
                    $"{nameof(rtpParameters)}.codecs[{i}].parameters.apt");
            }

            var capMediaCodec = capCodecs[mediaIndex]
                ?? throw new ArgumentException(
                    $"RTX PT {codec.PayloadType} points to another RTX codec [apt:{apt}]",
                    $"{nameof(rtpParameters)}.codecs[{i}].parameters.apt");

            capCodecs[i] = FindRtxCodec(routerRtpCapabilities, capMediaCodec.PreferredPayloadType)
                ?? throw new UnsupportedException($"no RTX codec for capability codec PT {capMediaCodec.PreferredPayloadType}");
        }

        // Media codecs first, then RTX codecs, as mediasoup lists them.
        var codecMappings = new RtpCodecMapping[given.Count];
        int nextMedia = 0, nextRtx = given.Count - rtxCount;
        for (var i = 0; i < given.Count; i++)
        {
            codecMappings[CodecMatching.IsRtx(given[i]) ? nextRtx++ : nextMedia++] = new RtpCodecMapping
            {
                PayloadType = given[i].PayloadType,
                MappedPayloadType = capCodecs[i]!.PreferredPayloadType ?? throw new ArgumentException(
                    $"router codec {capCodecs[i]!.MimeType} has no preferredPayloadType", nameof(routerRtpCapabilities)),
            };
        }

        var mappedSsrc = GenerateRandomSsrc();
        var encodingMappings = new RtpEncodingMapping[parameters.Encodings.Count];
        for (var i = 0; i < encodingMappings.Length; i++)
        {
            var encoding = parameters.Encodings[i];
            encodingMappings[i] = new RtpEncodingMapping { Ssrc = encoding.Ssrc, Rid = encoding.Rid, MappedSsrc = mappedSsrc++ };
        }

        negotiatedRtpParameters = negotiated is null
            ? parameters
            : parameters with { Codecs = ValueList<RtpCodecParameters>.Create(negotiated) };
        return new RtpMapping
        {
            Codecs = ValueList<RtpCodecMapping>.Create(codecMappings),
            Encodings = ValueList<RtpEncodingMapping>.Create(encodingMappings),
        };
    }

    /// <summary>The router's RTX codec whose <c>apt</c> is <paramref name="mediaPayloadType"/>, if any.</summary>
    private static RtpCodecCapability? FindRtxCodec(RtpCapabilities routerRtpCapabilities, int? mediaPayloadType)
    {
        for (var c = 0; c < routerRtpCapabilities.Codecs.Count; c++)
        {
            var capCodec = routerRtpCapabilities.Codecs[c];
            if (CodecMatching.IsRtx(capCodec) && CodecMatching.Apt(capCodec) == mediaPayloadType)
            {
                return capCodec;
            }
        }
        return null;
    }

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

    private static int TakeDynamicPayloadType(List<int> dynamicPayloadTypes, string paramName)
    {
        if (dynamicPayloadTypes.Count == 0)
        {
            throw new ArgumentException("cannot allocate more dynamic codec payload types", paramName);
        }
        var payloadType = dynamicPayloadTypes[0];
        dynamicPayloadTypes.RemoveAt(0);
        return payloadType;
    }

    private static IReadOnlyDictionary<string, RtpParameterValue> WithProfileLevelId(
        IReadOnlyDictionary<string, RtpParameterValue> parameters, string? profileLevelId)
    {
        var copy = new Dictionary<string, RtpParameterValue>(parameters, StringComparer.Ordinal);
        if (profileLevelId is null)
        {
            copy.Remove(H264ProfileLevelId.ParameterName);
        }
        else
        {
            copy[H264ProfileLevelId.ParameterName] = profileLevelId;
        }
        return ValueDictionary<RtpParameterValue>.Create(copy);
    }

    // mediasoup's generateRandomNumber(): a random integer in [100000000, 999999999).
    private static uint GenerateRandomSsrc() => (uint)(t_ssrcSource ?? Random.Shared).Next(100_000_000, 999_999_999);

    private static RtpHeaderExtensionParameters CreateDependencyDescriptorForPipeConsumer()
    {
        var ext = Mediasoup.SupportedRtpCapabilities.HeaderExtensions.First(e =>
            e.Uri == RtpHeaderExtensionUri.DependencyDescriptor && e.Direction != RtpHeaderExtensionDirection.SendRecv);
        return new RtpHeaderExtensionParameters { Uri = ext.Uri, Id = ext.PreferredId, Encrypt = ext.PreferredEncrypt };
    }
}
