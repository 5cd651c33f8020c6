namespace RxMediasoup;

public static partial class Ortc
{
    /// <summary>
    /// Validates RTP capabilities (e.g. a client's <c>device.rtpCapabilities</c>) and returns them normalized as
    /// mediasoup does: each codec's kind taken from its MIME type, audio channels defaulting to 1 (video has
    /// none), feedback parameters defaulting to empty, header-extension direction defaulting to sendrecv.
    /// </summary>
    /// <param name="rtpCapabilities">The capabilities to check.</param>
    /// <returns>The normalized capabilities.</returns>
    /// <exception cref="ArgumentException">A field is missing or invalid; the message and parameter name say which, e.g. <c>rtpCapabilities.codecs[1].mimeType</c>.</exception>
    public static RtpCapabilities ValidateAndNormalizeRtpCapabilities(RtpCapabilities rtpCapabilities) =>
        NormalizeCapabilities(rtpCapabilities, nameof(rtpCapabilities));

    /// <summary>
    /// Validates RTP parameters (e.g. a producer's, from mediasoup-client's <c>produce</c>) and returns them
    /// normalized as mediasoup does: audio channels defaulting to 1 (video has none), feedback parameters
    /// defaulting to empty, and RTCP <c>reducedSize</c> set to true.
    /// </summary>
    /// <param name="rtpParameters">The parameters to check.</param>
    /// <returns>The normalized parameters.</returns>
    /// <exception cref="ArgumentException">A field is missing or invalid; the message and parameter name say which, e.g. <c>rtpParameters.codecs[0].payloadType</c>.</exception>
    public static RtpParameters ValidateAndNormalizeRtpParameters(RtpParameters rtpParameters) =>
        NormalizeParameters(rtpParameters, nameof(rtpParameters));

    /// <summary>
    /// Validates SCTP stream parameters and returns them normalized as mediasoup does: <c>ordered</c> defaults to
    /// true, or to false when <c>maxPacketLifeTime</c> or <c>maxRetransmits</c> is given. Both limits together, or
    /// either with <c>ordered: true</c>, are rejected.
    /// </summary>
    /// <param name="sctpStreamParameters">The parameters to check.</param>
    /// <returns>The normalized parameters (with <see cref="SctpStreamParameters.Ordered"/> set).</returns>
    /// <exception cref="ArgumentException">The parameters are invalid; the message names the field and value.</exception>
    /// <remarks>
    /// Unlike mediasoup, which tests the limits for truthiness, a limit of 0 counts as given (0 retransmissions
    /// is a valid partial-reliability setting).
    /// </remarks>
    public static SctpStreamParameters ValidateAndNormalizeSctpStreamParameters(SctpStreamParameters sctpStreamParameters)
    {
        const string path = nameof(sctpStreamParameters);
        ArgumentNullException.ThrowIfNull(sctpStreamParameters);

        var p = sctpStreamParameters;
        if (p.StreamId is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException($"{path}.streamId", p.StreamId, $"invalid streamId {p.StreamId} (must be 0-65535)");
        }
        if (p.MaxPacketLifeTime is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(
                $"{path}.maxPacketLifeTime", p.MaxPacketLifeTime, $"invalid maxPacketLifeTime {p.MaxPacketLifeTime} (must be 0-65535)");
        }
        if (p.MaxRetransmits is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(
                $"{path}.maxRetransmits", p.MaxRetransmits, $"invalid maxRetransmits {p.MaxRetransmits} (must be 0-65535)");
        }
        if (p.MaxPacketLifeTime.HasValue && p.MaxRetransmits.HasValue)
        {
            throw new ArgumentException(
                $"cannot provide both maxPacketLifeTime ({p.MaxPacketLifeTime}) and maxRetransmits ({p.MaxRetransmits})", path);
        }

        var hasLimit = p.MaxPacketLifeTime.HasValue || p.MaxRetransmits.HasValue;
        if (p.Ordered == true && hasLimit)
        {
            throw new ArgumentException(
                $"cannot be ordered with maxPacketLifeTime or maxRetransmits [ordered:true, maxPacketLifeTime:{p.MaxPacketLifeTime?.ToString() ?? "null"}, maxRetransmits:{p.MaxRetransmits?.ToString() ?? "null"}]",
                $"{path}.ordered");
        }

        return p.Ordered.HasValue ? p : p with { Ordered = !hasLimit };
    }

    internal static RtpCapabilities NormalizeCapabilities(RtpCapabilities? caps, string path)
    {
        if (caps is null)
        {
            throw new ArgumentNullException(path, $"{path} is null");
        }

        var codecs = NormalizeEach(caps.Codecs, path, "codecs", NormalizeCodecCapability);
        var extensions = NormalizeEach(caps.HeaderExtensions, path, "headerExtensions", NormalizeHeaderExtension);
        return ReferenceEquals(codecs, caps.Codecs) && ReferenceEquals(extensions, caps.HeaderExtensions)
            ? caps
            : caps with { Codecs = codecs, HeaderExtensions = extensions };
    }

    private static RtpCodecCapability NormalizeCodecCapability(RtpCodecCapability? codec, FieldPath path)
    {
        if (codec is null)
        {
            throw new ArgumentNullException(path.ToString(), $"{path} is null");
        }

        var kind = KindOfMimeType(codec.MimeType, path);
        if (codec.PreferredPayloadType is { } pt && pt is < 0 or > 127)
        {
            throw new ArgumentOutOfRangeException(
                path.Field("preferredPayloadType"), pt, $"invalid codec.preferredPayloadType {pt} (must be 0-127)");
        }
        ValidateClockRate(codec.ClockRate, path);
        var channels = NormalizeChannels(kind, codec.Channels, path);
        ValidateCodecParameters(codec.Parameters, path);
        var feedback = NormalizeFeedback(codec.RtcpFeedback, path);

        return codec.Kind == kind && codec.Channels == channels && ReferenceEquals(codec.RtcpFeedback, feedback)
            ? codec
            : codec with { Kind = kind, Channels = channels, RtcpFeedback = feedback };
    }

    /// <summary><see cref="NormalizeCodecCapability(RtpCodecCapability?, FieldPath)"/> of <c>mediaCodecs[index]</c>.</summary>
    private static RtpCodecCapability NormalizeMediaCodec(RtpCodecCapability? codec, int index) =>
        NormalizeCodecCapability(codec, new FieldPath("mediaCodecs", null, index));

    internal static RtpParameters NormalizeParameters(RtpParameters? parameters, string path)
    {
        if (parameters is null)
        {
            throw new ArgumentNullException(path, $"{path} is null");
        }

        var codecs = NormalizeEach(parameters.Codecs, path, "codecs", NormalizeCodecParameters);
        var extensions = NormalizeEach(parameters.HeaderExtensions, path, "headerExtensions", ValidateHeaderExtensionParameters);

        for (var i = 0; i < parameters.Encodings.Count; i++)
        {
            ValidateEncoding(parameters.Encodings[i], new FieldPath(path, "encodings", i));
        }

        if (ReferenceEquals(codecs, parameters.Codecs) && ReferenceEquals(extensions, parameters.HeaderExtensions)
            && parameters.Rtcp.ReducedSize)
        {
            return parameters;
        }
        var rtcp = parameters.Rtcp.ReducedSize ? parameters.Rtcp : parameters.Rtcp with { ReducedSize = true };
        return parameters with
        {
            Codecs = codecs,
            HeaderExtensions = extensions,
            Rtcp = rtcp,
        };
    }

    private static RtpCodecParameters NormalizeCodecParameters(RtpCodecParameters? codec, FieldPath path)
    {
        if (codec is null)
        {
            throw new ArgumentNullException(path.ToString(), $"{path} is null");
        }

        var kind = KindOfMimeType(codec.MimeType, path);
        if (codec.PayloadType is < 0 or > 127)
        {
            throw new ArgumentOutOfRangeException(
                path.Field("payloadType"), codec.PayloadType, $"invalid codec.payloadType {codec.PayloadType} (must be 0-127)");
        }
        ValidateClockRate(codec.ClockRate, path);
        var channels = NormalizeChannels(kind, codec.Channels, path);
        ValidateCodecParameters(codec.Parameters, path);
        var feedback = NormalizeFeedback(codec.RtcpFeedback, path);

        return codec.Channels == channels && ReferenceEquals(codec.RtcpFeedback, feedback)
            ? codec
            : codec with { Channels = channels, RtcpFeedback = feedback };
    }

    private static RtpHeaderExtension NormalizeHeaderExtension(RtpHeaderExtension? extension, FieldPath path)
    {
        if (extension is null)
        {
            throw new ArgumentNullException(path.ToString(), $"{path} is null");
        }
        if (!Enum.IsDefined(extension.Kind))
        {
            throw new ArgumentException($"invalid ext.kind {extension.Kind}", path.Field("kind"));
        }
        if (string.IsNullOrEmpty(extension.Uri))
        {
            throw new ArgumentException("missing ext.uri", path.Field("uri"));
        }
        if (extension.PreferredId is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(
                path.Field("preferredId"), extension.PreferredId, $"invalid ext.preferredId {extension.PreferredId} (must be 1-255)");
        }
        if (!Enum.IsDefined(extension.Direction))
        {
            throw new ArgumentException($"invalid ext.direction {extension.Direction}", path.Field("direction"));
        }
        return extension;
    }

    private static RtpHeaderExtensionParameters ValidateHeaderExtensionParameters(RtpHeaderExtensionParameters? extension, FieldPath path)
    {
        if (extension is null)
        {
            throw new ArgumentNullException(path.ToString(), $"{path} is null");
        }
        if (string.IsNullOrEmpty(extension.Uri))
        {
            throw new ArgumentException("missing ext.uri", path.Field("uri"));
        }
        if (extension.Id is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(path.Field("id"), extension.Id, $"invalid ext.id {extension.Id} (must be 1-255)");
        }
        if (extension.Parameters.Count > 0)
        {
            foreach (var (key, value) in extension.Parameters)
            {
                if (value.Kind is not (RtpParameterValueKind.String or RtpParameterValueKind.Number))
                {
                    throw new ArgumentException(
                        $"invalid header extension parameter [key:{key}, value:{value}] (must be a string or a number)",
                        path.Field("parameters"));
                }
            }
        }
        return extension;
    }

    private static void ValidateEncoding(RtpEncodingParameters? encoding, FieldPath path)
    {
        if (encoding is null)
        {
            throw new ArgumentNullException(path.ToString(), $"{path} is null");
        }
        if (encoding.CodecPayloadType is < 0 or > 127)
        {
            throw new ArgumentOutOfRangeException(
                path.Field("codecPayloadType"), encoding.CodecPayloadType, $"invalid encoding.codecPayloadType {encoding.CodecPayloadType} (must be 0-127)");
        }
        if (encoding.MaxBitrate is < 0)
        {
            throw new ArgumentOutOfRangeException(
                path.Field("maxBitrate"), encoding.MaxBitrate, $"invalid encoding.maxBitrate {encoding.MaxBitrate} (must not be negative)");
        }
    }

    private static MediaKind KindOfMimeType(string? mimeType, FieldPath codecPath)
    {
        if (string.IsNullOrEmpty(mimeType))
        {
            throw new ArgumentException("missing codec.mimeType", codecPath.Field("mimeType"));
        }

        // mediasoup's /^(audio|video)\/(.+)/i.
        var slash = mimeType.IndexOf('/');
        if (slash > 0 && slash < mimeType.Length - 1)
        {
            var type = mimeType.AsSpan(0, slash);
            if (type.Equals("audio", StringComparison.OrdinalIgnoreCase))
            {
                return MediaKind.Audio;
            }
            if (type.Equals("video", StringComparison.OrdinalIgnoreCase))
            {
                return MediaKind.Video;
            }
        }
        throw new ArgumentException($"invalid codec.mimeType '{mimeType}' (must be audio/<subtype> or video/<subtype>)", codecPath.Field("mimeType"));
    }

    private static void ValidateClockRate(int clockRate, FieldPath path)
    {
        if (clockRate <= 0)
        {
            throw new ArgumentOutOfRangeException(path.Field("clockRate"), clockRate, $"invalid codec.clockRate {clockRate} (must be positive)");
        }
    }

    private static int? NormalizeChannels(MediaKind kind, int? channels, FieldPath path)
    {
        if (kind != MediaKind.Audio)
        {
            return null;
        }
        if (channels is < 1 or > 255)
        {
            throw new ArgumentOutOfRangeException(path.Field("channels"), channels, $"invalid codec.channels {channels} (must be 1-255)");
        }
        return channels ?? 1;
    }

    private static void ValidateCodecParameters(IReadOnlyDictionary<string, RtpParameterValue> parameters, FieldPath codecPath)
    {
        if (parameters.Count == 0)
        {
            return; // no enumerator to allocate
        }
        foreach (var (key, value) in parameters)
        {
            if (value.Kind is not (RtpParameterValueKind.String or RtpParameterValueKind.Number))
            {
                throw new ArgumentException(
                    $"invalid codec parameter [key:{key}, value:{value}] (must be a string or a number)", codecPath.Field($"parameters.{key}"));
            }
            if (key == "apt" && !value.IsNumber)
            {
                throw new ArgumentException($"invalid codec apt parameter '{value}' (must be a number)", codecPath.Field("parameters.apt"));
            }
        }
    }

    private static IReadOnlyList<RtcpFeedback> NormalizeFeedback(IReadOnlyList<RtcpFeedback> feedback, FieldPath codecPath)
    {
        for (var i = 0; i < feedback.Count; i++)
        {
            var fb = feedback[i];
            if (fb is null)
            {
                throw new ArgumentNullException(codecPath.Field($"rtcpFeedback[{i}]"), $"{codecPath}.rtcpFeedback[{i}] is null");
            }
            if (string.IsNullOrEmpty(fb.Type))
            {
                throw new ArgumentException("missing fb.type", codecPath.Field($"rtcpFeedback[{i}].type"));
            }
        }
        return ValueList.From(feedback);
    }
}
