using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>ICE parameters of a WebRTC transport (mediasoup's <c>IceParameters</c>).</summary>
public sealed record IceParameters
{
    /// <summary>The ICE username fragment (<c>usernameFragment</c>).</summary>
    [JsonPropertyName("usernameFragment")]
    public required string UsernameFragment { get; init; }

    /// <summary>The ICE password (<c>password</c>).</summary>
    [JsonPropertyName("password")]
    public required string Password { get; init; }

    /// <summary>Whether this is an ICE Lite endpoint; mediasoup always is (<c>iceLite</c>).</summary>
    [JsonPropertyName("iceLite")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? IceLite { get; init; }
}
