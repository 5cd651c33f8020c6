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
}
