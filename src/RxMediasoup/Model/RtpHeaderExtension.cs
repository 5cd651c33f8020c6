using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// An RTP header extension in RTP capabilities (mediasoup's <c>RtpHeaderExtension</c>), e.g.
/// <c>{ "kind": "video", "uri": "urn:3gpp:video-orientation", "preferredId": 8, "preferredEncrypt": false, "direction": "sendrecv" }</c>.
/// </summary>
public sealed record RtpHeaderExtension
{
    /// <summary>Media kind (<c>kind</c>).</summary>
    [JsonPropertyName("kind")]
    public required MediaKind Kind { get; init; }

    /// <summary>The extension URI (<c>uri</c>); see <see cref="RtpHeaderExtensionUri"/> for those mediasoup supports.</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    /// <summary>The preferred numeric id carried in RTP packets (<c>preferredId</c>), 1–255.</summary>
    [JsonPropertyName("preferredId")]
    public required int PreferredId { get; init; }

    /// <summary>Whether the value should be encrypted (RFC 6904) (<c>preferredEncrypt</c>); mediasoup does not support it. Default false.</summary>
    [JsonPropertyName("preferredEncrypt")]
    public bool PreferredEncrypt { get; init; }

    /// <summary>Whether mediasoup sends and/or receives the extension (<c>direction</c>); default <see cref="RtpHeaderExtensionDirection.SendRecv"/>. Ignored in endpoints' capabilities.</summary>
    [JsonPropertyName("direction")]
    public RtpHeaderExtensionDirection Direction { get; init; }
}
