using System.Runtime.CompilerServices;

namespace RxMediasoup;

// Allocation-free lookups of the ORTC functions (loops instead of LINQ with capturing lambdas), and the header
// extensions of consumable parameters, shared between producers of a router.
public static partial class Ortc
{
    // Per router capabilities: the consumable header extensions by [kind, with abs-capture-time]. The lists are immutable
    // (ValueList of records), so every producer of the router can hold the same one.
    private static readonly ConditionalWeakTable<RtpCapabilities, IReadOnlyList<RtpHeaderExtensionParameters>?[]> s_consumableExtensions = new();

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
}
