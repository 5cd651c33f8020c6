using Google.FlatBuffers;
using Fbs = FBS.RtpParameters;

namespace RxMediasoup.Protocol;

/// <summary>
/// RTP parameters, encodings, header extensions, RTCP parameters and RTP mappings, model ⇄ FlatBuffers
/// (mediasoup's <c>rtpParametersFbsUtils</c> and <c>ortc.serializeRtpMapping</c>).
/// </summary>
internal static class RtpParametersProtocol
{
    // ---------------------------------------------------------------------------------------------
    // Model → FlatBuffers
    // ---------------------------------------------------------------------------------------------

    public static Offset<Fbs.RtpParameters> Write(FlatBufferBuilder b, RtpParameters parameters)
    {
        var codecs = new Offset<Fbs.RtpCodecParameters>[parameters.Codecs.Count];
        for (int i = 0; i < codecs.Length; i++) codecs[i] = WriteCodec(b, parameters.Codecs[i]);
        var codecsOffset = Fbs.RtpParameters.CreateCodecsVector(b, codecs);

        Offset<Fbs.RtpHeaderExtensionParameters>[] extensions = parameters.HeaderExtensions.Count == 0 ? [] : new Offset<Fbs.RtpHeaderExtensionParameters>[parameters.HeaderExtensions.Count];
        for (int i = 0; i < extensions.Length; i++)
        {
            var extension = parameters.HeaderExtensions[i];
            var uri = UriToFbs(extension.Uri);
            var extensionParameters = WriteParameters(b, extension.Parameters);
            extensions[i] = Fbs.RtpHeaderExtensionParameters.CreateRtpHeaderExtensionParameters(
                b, uri, checked((byte)extension.Id), extension.Encrypt, extensionParameters);
        }
        var extensionsOffset = Fbs.RtpParameters.CreateHeaderExtensionsVector(b, extensions);

        var encodingsOffset = WriteEncodings(b, parameters.Encodings);

        var rtcp = parameters.Rtcp;
        var cname = rtcp.Cname is { } c ? b.CreateString(c) : default;
        var rtcpOffset = Fbs.RtcpParameters.CreateRtcpParameters(b, cname, rtcp.ReducedSize);

        var mid = parameters.Mid is { } m ? b.CreateString(m) : default;
        var msid = parameters.Msid is { } s ? b.CreateString(s) : default;
        return Fbs.RtpParameters.CreateRtpParameters(b, mid, codecsOffset, extensionsOffset, encodingsOffset, rtcpOffset, msid);
    }

    public static Offset<Fbs.RtpCodecParameters> WriteCodec(FlatBufferBuilder b, RtpCodecParameters codec)
    {
        var mimeType = b.CreateString(codec.MimeType);
        var parameters = WriteParameters(b, codec.Parameters);
        Offset<Fbs.RtcpFeedback>[] feedback = codec.RtcpFeedback.Count == 0 ? [] : new Offset<Fbs.RtcpFeedback>[codec.RtcpFeedback.Count];
        for (int i = 0; i < feedback.Length; i++)
        {
            var fb = codec.RtcpFeedback[i];
            var type = b.CreateString(fb.Type);
            var parameter = b.CreateString(fb.Parameter);
            feedback[i] = Fbs.RtcpFeedback.CreateRtcpFeedback(b, type, parameter);
        }
        var feedbackOffset = Fbs.RtpCodecParameters.CreateRtcpFeedbackVector(b, feedback);
        return Fbs.RtpCodecParameters.CreateRtpCodecParameters(b, mimeType, checked((byte)codec.PayloadType),
            checked((uint)codec.ClockRate), codec.Channels is { } ch ? checked((byte)ch) : null, parameters, feedbackOffset);
    }

    /// <summary>A vector of encodings (RtpParameters.encodings, ConsumeRequest.consumable_rtp_encodings).</summary>
    public static VectorOffset WriteEncodings(FlatBufferBuilder b, IReadOnlyList<RtpEncodingParameters> encodings)
    {
        var offsets = new Offset<Fbs.RtpEncodingParameters>[encodings.Count];
        for (int i = 0; i < offsets.Length; i++) offsets[i] = WriteEncoding(b, encodings[i]);
        return Fbs.RtpParameters.CreateEncodingsVector(b, offsets);
    }

    public static Offset<Fbs.RtpEncodingParameters> WriteEncoding(FlatBufferBuilder b, RtpEncodingParameters encoding)
    {
        var rid = encoding.Rid is { } r ? b.CreateString(r) : default;
        var rtx = encoding.Rtx is { } x ? Fbs.Rtx.CreateRtx(b, x.Ssrc) : default;
        // Like mediasoup: an empty scalability mode, a zero SSRC or a zero payload type are left out.
        var scalabilityMode = !string.IsNullOrEmpty(encoding.ScalabilityMode) ? b.CreateString(encoding.ScalabilityMode) : default;
        uint? ssrc = encoding.Ssrc is { } s and not 0 ? s : null;
        byte? payloadType = encoding.CodecPayloadType is { } pt and not 0 ? checked((byte)pt) : null;
        ulong? maxBitrate = encoding.MaxBitrate is { } mb ? checked((ulong)mb) : null;
        return Fbs.RtpEncodingParameters.CreateRtpEncodingParameters(b, ssrc, rid, payloadType, rtx, encoding.Dtx,
            scalabilityMode, maxBitrate);
    }

    /// <summary>
    /// Codec or header-extension parameters as a vector of <c>Parameter</c>, exactly like mediasoup's
    /// <c>serializeParameters</c>: a boolean → Boolean (0/1), a whole number → Integer32 (JavaScript's ToInt32
    /// wrap-around), any other number → Double, a string → String, an integer array → Integer32Array.
    /// </summary>
    public static VectorOffset WriteParameters(FlatBufferBuilder b, IReadOnlyDictionary<string, RtpParameterValue> parameters)
    {
        if (parameters.Count == 0)
        {
            // The same empty vector, without an offsets array or a boxed dictionary enumerator (most header extensions).
            b.StartVector(4, 0, 4);
            return b.EndVector();
        }
        var offsets = new Offset<Fbs.Parameter>[parameters.Count];
        int i = 0;
        foreach (var (key, value) in parameters)
        {
            var name = b.CreateString(key);
            Fbs.Value type;
            int valueOffset;
            switch (value.Kind)
            {
                case RtpParameterValueKind.Boolean:
                    type = Fbs.Value.Boolean;
                    valueOffset = Fbs.Boolean.CreateBoolean(b, value.AsBoolean() ? (byte)1 : (byte)0).Value;
                    break;
                case RtpParameterValueKind.Number:
                    double number = value.AsNumber();
                    if (IsWholeNumber(number))
                    {
                        type = Fbs.Value.Integer32;
                        valueOffset = Fbs.Integer32.CreateInteger32(b, ToInt32(number)).Value;
                    }
                    else
                    {
                        type = Fbs.Value.Double;
                        valueOffset = Fbs.Double.CreateDouble(b, number).Value;
                    }
                    break;
                case RtpParameterValueKind.IntegerArray:
                    type = Fbs.Value.Integer32Array;
                    var vector = Fbs.Integer32Array.CreateValueVectorBlock(b, value.AsIntegers().ToArray());
                    valueOffset = Fbs.Integer32Array.CreateInteger32Array(b, vector).Value;
                    break;
                default:
                    type = Fbs.Value.String;
                    valueOffset = Fbs.String.CreateString(b, b.CreateString(value.AsString())).Value;
                    break;
            }
            offsets[i++] = Fbs.Parameter.CreateParameter(b, name, type, valueOffset);
        }
        return Fbs.RtpCodecParameters.CreateParametersVector(b, offsets);
    }

    public static Offset<Fbs.RtpMapping> WriteMapping(FlatBufferBuilder b, RtpMapping mapping)
    {
        var codecs = new Offset<Fbs.CodecMapping>[mapping.Codecs.Count];
        for (int i = 0; i < codecs.Length; i++)
            codecs[i] = Fbs.CodecMapping.CreateCodecMapping(b, checked((byte)mapping.Codecs[i].PayloadType),
                checked((byte)mapping.Codecs[i].MappedPayloadType));
        var codecsOffset = Fbs.RtpMapping.CreateCodecsVector(b, codecs);

        var encodings = new Offset<Fbs.EncodingMapping>[mapping.Encodings.Count];
        for (int i = 0; i < encodings.Length; i++)
        {
            var e = mapping.Encodings[i];
            var rid = e.Rid is { } r ? b.CreateString(r) : default;
            encodings[i] = Fbs.EncodingMapping.CreateEncodingMapping(b, rid, e.Ssrc, e.MappedSsrc);
        }
        var encodingsOffset = Fbs.RtpMapping.CreateEncodingsVector(b, encodings);
        return Fbs.RtpMapping.CreateRtpMapping(b, codecsOffset, encodingsOffset);
    }

    public static Fbs.MediaKind ToFbs(MediaKind kind) => kind == MediaKind.Audio ? Fbs.MediaKind.AUDIO : Fbs.MediaKind.VIDEO;

    public static MediaKind FromFbs(Fbs.MediaKind kind) => kind == Fbs.MediaKind.AUDIO ? MediaKind.Audio : MediaKind.Video;

    public static Fbs.Type ToFbs(ProducerType type) => type switch
    {
        ProducerType.Simple => Fbs.Type.SIMPLE,
        ProducerType.Simulcast => Fbs.Type.SIMULCAST,
        ProducerType.Svc => Fbs.Type.SVC,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "invalid producer type"),
    };

    public static Fbs.Type ToFbs(ConsumerType type) => type switch
    {
        ConsumerType.Simple => Fbs.Type.SIMPLE,
        ConsumerType.Simulcast => Fbs.Type.SIMULCAST,
        ConsumerType.Svc => Fbs.Type.SVC,
        ConsumerType.Pipe => Fbs.Type.PIPE,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "invalid consumer type"),
    };

    public static ProducerType ProducerTypeFromFbs(Fbs.Type type) => type switch
    {
        Fbs.Type.SIMPLE => ProducerType.Simple,
        Fbs.Type.SIMULCAST => ProducerType.Simulcast,
        Fbs.Type.SVC => ProducerType.Svc,
        _ => throw new InvalidDataException($"invalid producer type from the worker: {type}"),
    };

    public static ConsumerType ConsumerTypeFromFbs(Fbs.Type type) => type switch
    {
        Fbs.Type.SIMPLE => ConsumerType.Simple,
        Fbs.Type.SIMULCAST => ConsumerType.Simulcast,
        Fbs.Type.SVC => ConsumerType.Svc,
        Fbs.Type.PIPE => ConsumerType.Pipe,
        _ => throw new InvalidDataException($"invalid consumer type from the worker: {type}"),
    };

    /// <summary>The FlatBuffers enum of a header extension URI; <see cref="ArgumentException"/> for one mediasoup does not know.</summary>
    public static Fbs.RtpHeaderExtensionUri UriToFbs(string uri) => uri switch
    {
        RtpHeaderExtensionUri.Mid => Fbs.RtpHeaderExtensionUri.Mid,
        RtpHeaderExtensionUri.RtpStreamId => Fbs.RtpHeaderExtensionUri.RtpStreamId,
        RtpHeaderExtensionUri.RepairedRtpStreamId => Fbs.RtpHeaderExtensionUri.RepairRtpStreamId,
        RtpHeaderExtensionUri.AbsSendTime => Fbs.RtpHeaderExtensionUri.AbsSendTime,
        RtpHeaderExtensionUri.TransportWideCc01 => Fbs.RtpHeaderExtensionUri.TransportWideCcDraft01,
        RtpHeaderExtensionUri.SsrcAudioLevel => Fbs.RtpHeaderExtensionUri.SsrcAudioLevel,
        RtpHeaderExtensionUri.DependencyDescriptor => Fbs.RtpHeaderExtensionUri.DependencyDescriptor,
        RtpHeaderExtensionUri.VideoOrientation => Fbs.RtpHeaderExtensionUri.VideoOrientation,
        RtpHeaderExtensionUri.TimeOffset => Fbs.RtpHeaderExtensionUri.TimeOffset,
        RtpHeaderExtensionUri.AbsCaptureTime => Fbs.RtpHeaderExtensionUri.AbsCaptureTime,
        RtpHeaderExtensionUri.PlayoutDelay => Fbs.RtpHeaderExtensionUri.PlayoutDelay,
        RtpHeaderExtensionUri.MediasoupPacketId => Fbs.RtpHeaderExtensionUri.MediasoupPacketId,
        _ => throw new ArgumentException($"invalid RtpHeaderExtensionUri: {uri}", nameof(uri)),
    };

    public static string UriFromFbs(Fbs.RtpHeaderExtensionUri uri) => uri switch
    {
        Fbs.RtpHeaderExtensionUri.Mid => RtpHeaderExtensionUri.Mid,
        Fbs.RtpHeaderExtensionUri.RtpStreamId => RtpHeaderExtensionUri.RtpStreamId,
        Fbs.RtpHeaderExtensionUri.RepairRtpStreamId => RtpHeaderExtensionUri.RepairedRtpStreamId,
        Fbs.RtpHeaderExtensionUri.AbsSendTime => RtpHeaderExtensionUri.AbsSendTime,
        Fbs.RtpHeaderExtensionUri.TransportWideCcDraft01 => RtpHeaderExtensionUri.TransportWideCc01,
        Fbs.RtpHeaderExtensionUri.SsrcAudioLevel => RtpHeaderExtensionUri.SsrcAudioLevel,
        Fbs.RtpHeaderExtensionUri.DependencyDescriptor => RtpHeaderExtensionUri.DependencyDescriptor,
        Fbs.RtpHeaderExtensionUri.VideoOrientation => RtpHeaderExtensionUri.VideoOrientation,
        Fbs.RtpHeaderExtensionUri.TimeOffset => RtpHeaderExtensionUri.TimeOffset,
        Fbs.RtpHeaderExtensionUri.AbsCaptureTime => RtpHeaderExtensionUri.AbsCaptureTime,
        Fbs.RtpHeaderExtensionUri.PlayoutDelay => RtpHeaderExtensionUri.PlayoutDelay,
        Fbs.RtpHeaderExtensionUri.MediasoupPacketId => RtpHeaderExtensionUri.MediasoupPacketId,
        _ => throw new InvalidDataException($"invalid RtpHeaderExtensionUri from the worker: {uri}"),
    };

    // JavaScript's `value % 1 === 0` (false for NaN and ±Infinity).
    private static bool IsWholeNumber(double value) => double.IsFinite(value) && Math.Floor(value) == value;

    // JavaScript's ToInt32, what flatbuffers' addInt32 does to a number out of range.
    private static int ToInt32(double value)
    {
        if (value is >= int.MinValue and <= int.MaxValue) return (int)value;
        double m = Math.Truncate(value) % 4294967296.0;
        if (m < 0) m += 4294967296.0;
        return unchecked((int)(uint)m);
    }

    // ---------------------------------------------------------------------------------------------
    // FlatBuffers → model
    // ---------------------------------------------------------------------------------------------

    public static RtpParameters Parse(in Fbs.RtpParameters data)
    {
        var codecs = new RtpCodecParameters[data.CodecsLength];
        for (int i = 0; i < codecs.Length; i++) codecs[i] = ParseCodec(data.Codecs(i)!.Value);

        var extensions = new RtpHeaderExtensionParameters[data.HeaderExtensionsLength];
        for (int i = 0; i < extensions.Length; i++)
        {
            var e = data.HeaderExtensions(i)!.Value;
            extensions[i] = new RtpHeaderExtensionParameters
            {
                Uri = UriFromFbs(e.Uri),
                Id = e.Id,
                Encrypt = e.Encrypt,
                Parameters = ParseParameters(e.ParametersLength, e.Parameters),
            };
        }

        var encodings = new RtpEncodingParameters[data.EncodingsLength];
        for (int i = 0; i < encodings.Length; i++) encodings[i] = ParseEncoding(data.Encodings(i)!.Value);

        var rtcp = data.Rtcp is { } r
            ? new RtcpParameters { Cname = NullIfEmpty(r.Cname), ReducedSize = r.ReducedSize }
            : new RtcpParameters();

        return new RtpParameters
        {
            Mid = NullIfEmpty(data.Mid),
            Codecs = ValueList<RtpCodecParameters>.Create(codecs),
            HeaderExtensions = ValueList<RtpHeaderExtensionParameters>.Create(extensions),
            Encodings = ValueList<RtpEncodingParameters>.Create(encodings),
            Rtcp = rtcp,
            Msid = NullIfEmpty(data.Msid),
        };
    }

    public static RtpCodecParameters ParseCodec(in Fbs.RtpCodecParameters data)
    {
        var feedback = new RtcpFeedback[data.RtcpFeedbackLength];
        for (int i = 0; i < feedback.Length; i++)
        {
            var fb = data.RtcpFeedback(i)!.Value;
            feedback[i] = new RtcpFeedback(fb.Type ?? string.Empty, fb.Parameter ?? string.Empty);
        }
        return new RtpCodecParameters
        {
            MimeType = data.MimeType ?? string.Empty,
            PayloadType = data.PayloadType,
            ClockRate = checked((int)data.ClockRate),
            Channels = data.Channels,
            Parameters = ParseParameters(data.ParametersLength, data.Parameters),
            RtcpFeedback = ValueList<RtcpFeedback>.Create(feedback),
        };
    }

    public static RtpEncodingParameters ParseEncoding(in Fbs.RtpEncodingParameters data) => new()
    {
        Ssrc = data.Ssrc,
        Rid = NullIfEmpty(data.Rid),
        CodecPayloadType = data.CodecPayloadType,
        Rtx = data.Rtx is { } rtx ? new RtxParameters(rtx.Ssrc) : null,
        Dtx = data.Dtx,
        ScalabilityMode = NullIfEmpty(data.ScalabilityMode),
        MaxBitrate = data.MaxBitrate is { } mb ? checked((long)mb) : null,
    };

    public static IReadOnlyList<RtpEncodingParameters> ParseEncodings(int length, Func<int, Fbs.RtpEncodingParameters?> item)
    {
        var encodings = new RtpEncodingParameters[length];
        for (int i = 0; i < length; i++) encodings[i] = ParseEncoding(item(i)!.Value);
        return ValueList<RtpEncodingParameters>.Create(encodings);
    }

    /// <summary>
    /// Parameters from a vector of <c>Parameter</c>. Unlike mediasoup (which yields 0/1 numbers for Boolean),
    /// a Boolean becomes a <see cref="RtpParameterValueKind.Boolean"/> value so that booleans round-trip.
    /// </summary>
    public static IReadOnlyDictionary<string, RtpParameterValue> ParseParameters(int length, Func<int, Fbs.Parameter?> item)
    {
        if (length == 0) return ValueDictionary<RtpParameterValue>.Empty;
        var result = new Dictionary<string, RtpParameterValue>(length, StringComparer.Ordinal);
        for (int i = 0; i < length; i++)
        {
            if (item(i) is not { } p) continue;
            RtpParameterValue? value = p.ValueType switch
            {
                Fbs.Value.Boolean => RtpParameterValue.FromBoolean(p.ValueAsBoolean().Value != 0),
                Fbs.Value.Integer32 => RtpParameterValue.FromNumber(p.ValueAsInteger32().Value),
                Fbs.Value.Double => RtpParameterValue.FromNumber(p.ValueAsDouble().Value),
                Fbs.Value.String => RtpParameterValue.FromString(p.ValueAsString().Value),
                Fbs.Value.Integer32Array => RtpParameterValue.FromIntegers(Integers(p.ValueAsInteger32Array())),
                _ => null,
            };
            if (value is { } v) result[p.Name ?? string.Empty] = v;
        }
        return ValueDictionary<RtpParameterValue>.Create(result);
    }

    public static RtpMapping ParseMapping(in Fbs.RtpMapping data)
    {
        var codecs = new RtpCodecMapping[data.CodecsLength];
        for (int i = 0; i < codecs.Length; i++)
        {
            var c = data.Codecs(i)!.Value;
            codecs[i] = new RtpCodecMapping { PayloadType = c.PayloadType, MappedPayloadType = c.MappedPayloadType };
        }
        var encodings = new RtpEncodingMapping[data.EncodingsLength];
        for (int i = 0; i < encodings.Length; i++)
        {
            var e = data.Encodings(i)!.Value;
            encodings[i] = new RtpEncodingMapping
            {
                Ssrc = e.Ssrc,
                // The worker writes an empty string for an absent RID.
                Rid = NullIfEmpty(e.Rid),
                MappedSsrc = e.MappedSsrc,
            };
        }
        return new RtpMapping
        {
            Codecs = ValueList<RtpCodecMapping>.Create(codecs),
            Encodings = ValueList<RtpEncodingMapping>.Create(encodings),
        };
    }

    private static int[] Integers(Fbs.Integer32Array array)
    {
        var result = new int[array.ValueLength];
        for (int i = 0; i < result.Length; i++) result[i] = array.Value(i);
        return result;
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
