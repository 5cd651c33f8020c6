using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// RTP capabilities (mediasoup's <c>RtpCapabilities</c>): what mediasoup or an endpoint can receive. A router's
/// capabilities (<see cref="Ortc.GenerateRouterRtpCapabilities"/>) are what mediasoup-client's
/// <c>device.load({ routerRtpCapabilities })</c> expects; an endpoint's (<c>device.rtpCapabilities</c>) are what
/// consuming needs. The JSON is mediasoup's, unchanged (use <see cref="MediasoupJson.Options"/>).
/// </summary>
public sealed record RtpCapabilities
{
    /// <summary>Supported media and RTX codecs (<c>codecs</c>); empty by default.</summary>
    [JsonPropertyName("codecs")]
    public IReadOnlyList<RtpCodecCapability> Codecs
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpCodecCapability>.Empty;

    /// <summary>Supported RTP header extensions (<c>headerExtensions</c>); empty by default.</summary>
    [JsonPropertyName("headerExtensions")]
    public IReadOnlyList<RtpHeaderExtension> HeaderExtensions
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpHeaderExtension>.Empty;
}
