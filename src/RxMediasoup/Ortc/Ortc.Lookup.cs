using System.Runtime.CompilerServices;

namespace RxMediasoup;

// Allocation-free lookups of the ORTC functions (loops instead of LINQ with capturing lambdas), the lazily rendered
// paths of validation errors, and the header extensions of consumable parameters, shared between producers of a router.
public static partial class Ortc
{
    // Per router capabilities: the consumable header extensions by [kind, with abs-capture-time]. The lists are immutable
    // (ValueList of records), so every producer of the router can hold the same one.
    private static readonly ConditionalWeakTable<RtpCapabilities, IReadOnlyList<RtpHeaderExtensionParameters>?[]> s_consumableExtensions = new();

    /// <summary>
    /// Where a validated item sits, e.g. <c>rtpParameters.codecs[0]</c> (or <c>mediaCodecs[1]</c>): rendered only when
    /// an error names it, so that validating valid parameters allocates no path strings.
    /// </summary>
    private readonly struct FieldPath(string root, string? list, int index)
    {
        public override string ToString() => list is null ? $"{root}[{index}]" : $"{root}.{list}[{index}]";

        /// <summary>The path of one of the item's fields, e.g. <c>rtpParameters.codecs[0].mimeType</c>.</summary>
        public string Field(string name) => $"{this}.{name}";
    }

    /// <summary>
    /// Normalizes each item of a list, naming it <c>root.list[i]</c> in errors; the list itself when no item changed
    /// (a <see cref="ValueList{T}"/>: normalizing normalized parameters allocates nothing), else a new one.
    /// </summary>
    private static IReadOnlyList<T> NormalizeEach<T>(IReadOnlyList<T> items, string root, string? list, Func<T?, FieldPath, T> normalize)
        where T : class
    {
        T[]? result = null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var normalized = normalize(item, new FieldPath(root, list, i));
            if (result is null && !ReferenceEquals(normalized, item))
            {
                result = new T[items.Count];
                for (var j = 0; j < i; j++)
                {
                    result[j] = items[j];
                }
            }
            if (result is not null)
            {
                result[i] = normalized;
            }
        }

        return result is not null ? ValueList<T>.Create(result) : ValueList.From(items);
    }

    /// <summary>The mapping of <paramref name="payloadType"/> in <paramref name="rtpMapping"/>, if any.</summary>
    private static RtpCodecMapping? FindCodecMapping(RtpMapping rtpMapping, int payloadType)
    {
        for (var i = 0; i < rtpMapping.Codecs.Count; i++)
        {
            if (rtpMapping.Codecs[i].PayloadType == payloadType)
            {
                return rtpMapping.Codecs[i];
            }
        }
        return null;
    }

    /// <summary>The router's codec with <paramref name="preferredPayloadType"/>, if any.</summary>
    private static RtpCodecCapability? FindCodecByPreferredPayloadType(RtpCapabilities routerRtpCapabilities, int preferredPayloadType)
    {
        for (var i = 0; i < routerRtpCapabilities.Codecs.Count; i++)
        {
            if (routerRtpCapabilities.Codecs[i].PreferredPayloadType == preferredPayloadType)
            {
                return routerRtpCapabilities.Codecs[i];
            }
        }
        return null;
    }

    /// <summary>
    /// The router's header extensions of <paramref name="kind"/> that mediasoup can send (sendrecv or sendonly), as
    /// consumable parameters; abs-capture-time only when the producer negotiated it (it is only proxied from the
    /// producer's packets: announcing it to consumers of a producer without it, e.g. one created out of a pipe consumer,
    /// would make the worker wait for an extension that never arrives — mediasoup 3.27).
    /// </summary>
    private static IReadOnlyList<RtpHeaderExtensionParameters> ConsumableHeaderExtensions(
        MediaKind kind, RtpParameters rtpParameters, RtpCapabilities routerRtpCapabilities)
    {
        var withAbsCaptureTime = false;
        for (var i = 0; i < rtpParameters.HeaderExtensions.Count; i++)
        {
            withAbsCaptureTime |= rtpParameters.HeaderExtensions[i].Uri == RtpHeaderExtensionUri.AbsCaptureTime;
        }
        var slots = s_consumableExtensions.GetValue(routerRtpCapabilities, static _ => new IReadOnlyList<RtpHeaderExtensionParameters>?[4]);
        var slot = (kind == MediaKind.Audio ? 0 : 2) + (withAbsCaptureTime ? 1 : 0);
        return slots[slot] ??= Compute(kind, withAbsCaptureTime, routerRtpCapabilities);

        static IReadOnlyList<RtpHeaderExtensionParameters> Compute(MediaKind kind, bool withAbsCaptureTime, RtpCapabilities caps)
        {
            var result = new List<RtpHeaderExtensionParameters>();
            foreach (var ext in caps.HeaderExtensions)
            {
                if (ext.Kind == kind
                    && ext.Direction is RtpHeaderExtensionDirection.SendRecv or RtpHeaderExtensionDirection.SendOnly
                    && (ext.Uri != RtpHeaderExtensionUri.AbsCaptureTime || withAbsCaptureTime))
                {
                    result.Add(new RtpHeaderExtensionParameters { Uri = ext.Uri, Id = ext.PreferredId, Encrypt = ext.PreferredEncrypt });
                }
            }
            return ValueList<RtpHeaderExtensionParameters>.Create([.. result]);
        }
    }

    /// <summary>Which BWE feedback a consumer keeps (by the header extensions it has).</summary>
    private enum BweFeedback
    {
        None,
        TransportCc,
        Remb,
    }

    private static bool HasPayloadType(List<RtpCodecParameters> codecs, int payloadType)
    {
        foreach (var codec in codecs)
        {
            if (codec.PayloadType == payloadType)
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasUri(IReadOnlyList<RtpHeaderExtensionParameters> extensions, string uri)
    {
        for (var i = 0; i < extensions.Count; i++)
        {
            if (extensions[i].Uri == uri)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The consumable header extensions the endpoint supports with the same id: the consumable list itself when it
    /// supports all (as an endpoint with the router's capabilities does), else a new one.
    /// </summary>
    private static IReadOnlyList<RtpHeaderExtensionParameters> SupportedHeaderExtensions(
        IReadOnlyList<RtpHeaderExtensionParameters> consumable, RtpCapabilities remote)
        => KeepWhere(consumable, remote, static (ext, remote) =>
        {
            for (var r = 0; r < remote.HeaderExtensions.Count; r++)
            {
                if (remote.HeaderExtensions[r].PreferredId == ext.Id && remote.HeaderExtensions[r].Uri == ext.Uri) return true;
            }
            return false;
        });

    /// <summary>
    /// The endpoint's feedback a consumer keeps: without NACK (not NACK PLI) when RTX is disabled, and only the BWE
    /// feedback <paramref name="bwe"/> allows; the list itself when all is kept.
    /// </summary>
    private static IReadOnlyList<RtcpFeedback> ReduceFeedback(IReadOnlyList<RtcpFeedback> feedback, bool enableRtx, BweFeedback bwe)
        => KeepWhere(feedback, (enableRtx, bwe), static (fb, options) =>
            (options.enableRtx || fb.Type != "nack" || fb.Parameter.Length > 0) && options.bwe switch
            {
                BweFeedback.TransportCc => fb.Type != "goog-remb",
                BweFeedback.Remb => fb.Type != "transport-cc",
                _ => fb.Type is not ("transport-cc" or "goog-remb"),
            });

    /// <summary>
    /// The items <paramref name="keep"/> keeps: <paramref name="items"/> itself (as a value list) when it keeps all, else
    /// a new list. The predicate takes its state as an argument, so a static lambda allocates nothing per call.
    /// </summary>
    private static IReadOnlyList<T> KeepWhere<T, TState>(IReadOnlyList<T> items, TState state, Func<T, TState, bool> keep)
    {
        List<T>? kept = null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            bool keeps = keep(item, state);
            if (!keeps && kept is null)
            {
                kept = new List<T>(items.Count);
                for (var j = 0; j < i; j++) kept.Add(items[j]);
            }
            else if (keeps)
            {
                kept?.Add(item);
            }
        }
        return kept is null ? ValueList.From(items) : ValueList<T>.Create([.. kept]);
    }
}
