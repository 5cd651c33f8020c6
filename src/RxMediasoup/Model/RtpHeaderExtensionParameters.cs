using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// An RTP header extension in use within RTP parameters (mediasoup's <c>RtpHeaderExtensionParameters</c>), e.g.
/// <c>{ "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1, "encrypt": false, "parameters": {} }</c>.
/// </summary>
public sealed record RtpHeaderExtensionParameters
{
    /// <summary>The extension URI (<c>uri</c>); see <see cref="RtpHeaderExtensionUri"/>.</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    /// <summary>The numeric id carried in RTP packets (<c>id</c>), 1–255, unique within the parameters.</summary>
    [JsonPropertyName("id")]
    public required int Id { get; init; }

    /// <summary>Whether the value is encrypted (RFC 6904) (<c>encrypt</c>); mediasoup does not support it. Default false.</summary>
    [JsonPropertyName("encrypt")]
    public bool Encrypt { get; init; }

    /// <summary>Extension parameters (<c>parameters</c>); empty by default.</summary>
    [JsonPropertyName("parameters")]
    public IReadOnlyDictionary<string, RtpParameterValue> Parameters
    {
        get;
        init => field = ValueDictionary.From(value);
    } = ValueDictionary<RtpParameterValue>.Empty;
}
