using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// The mapping of a producer's codec payload types and encodings to the values the router uses (mediasoup's
/// <c>RtpMapping</c>), computed by <see cref="Ortc.GetProducerRtpParametersMapping(RtpParameters, RtpCapabilities)"/>
/// and sent to the worker with the produce request.
/// </summary>
public sealed record RtpMapping
{
    /// <summary>Payload type mappings, media codecs first, then RTX codecs (<c>codecs</c>).</summary>
    [JsonPropertyName("codecs")]
    public IReadOnlyList<RtpCodecMapping> Codecs
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpCodecMapping>.Empty;

    /// <summary>Encoding mappings, one per producer encoding in order (<c>encodings</c>).</summary>
    [JsonPropertyName("encodings")]
    public IReadOnlyList<RtpEncodingMapping> Encodings
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpEncodingMapping>.Empty;
}
