using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// RTP parameters (mediasoup's <c>RtpParameters</c>): the media a producer sends to mediasoup (send parameters,
/// possibly with several simulcast <see cref="Encodings"/>) or that a consumer sends to an endpoint (receive
/// parameters, a single encoding except over a pipe transport). The JSON is mediasoup's, unchanged (use
/// <see cref="MediasoupJson.Options"/>), so mediasoup-client's <c>produce</c> payload deserializes as is.
/// </summary>
public sealed record RtpParameters
{
    /// <summary>The MID RTP extension value (BUNDLE) (<c>mid</c>).</summary>
    [JsonPropertyName("mid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Mid { get; init; }

    /// <summary>Media and RTX codecs in use (<c>codecs</c>).</summary>
    [JsonPropertyName("codecs")]
    public required IReadOnlyList<RtpCodecParameters> Codecs
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpCodecParameters>.Empty;

    /// <summary>RTP header extensions in use (<c>headerExtensions</c>); empty by default.</summary>
    [JsonPropertyName("headerExtensions")]
    public IReadOnlyList<RtpHeaderExtensionParameters> HeaderExtensions
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpHeaderExtensionParameters>.Empty;

    /// <summary>The RTP streams and their settings (<c>encodings</c>); empty by default.</summary>
    [JsonPropertyName("encodings")]
    public IReadOnlyList<RtpEncodingParameters> Encodings
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpEncodingParameters>.Empty;

    /// <summary>RTCP settings (<c>rtcp</c>).</summary>
    [JsonPropertyName("rtcp")]
    public RtcpParameters Rtcp { get; init => field = value ?? new RtcpParameters(); } = new();

    /// <summary>The WebRTC MediaStream identification, RFC 8830 (<c>msid</c>).</summary>
    [JsonPropertyName("msid")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Msid { get; init; }
}
