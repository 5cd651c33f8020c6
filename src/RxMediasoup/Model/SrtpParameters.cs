using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>SRTP parameters of a plain or pipe transport (mediasoup's <c>SrtpParameters</c>).</summary>
public sealed record SrtpParameters
{
    /// <summary>The crypto suite (<c>cryptoSuite</c>).</summary>
    [JsonPropertyName("cryptoSuite")]
    public required SrtpCryptoSuite CryptoSuite { get; init; }

    /// <summary>The SRTP master key and salt, Base64-encoded (<c>keyBase64</c>).</summary>
    [JsonPropertyName("keyBase64")]
    public required string KeyBase64 { get; init; }
}
