using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>SRTP crypto suite: the encryption and authentication transforms (JSON names as in mediasoup, e.g. <c>"AES_CM_128_HMAC_SHA1_80"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SrtpCryptoSuite>))]
public enum SrtpCryptoSuite
{
    /// <summary>AEAD_AES_256_GCM (RFC 7714).</summary>
    [JsonStringEnumMemberName("AEAD_AES_256_GCM")]
    AeadAes256Gcm,

    /// <summary>AEAD_AES_128_GCM (RFC 7714).</summary>
    [JsonStringEnumMemberName("AEAD_AES_128_GCM")]
    AeadAes128Gcm,

    /// <summary>AES_CM_128_HMAC_SHA1_80 (RFC 4568), mediasoup's default.</summary>
    [JsonStringEnumMemberName("AES_CM_128_HMAC_SHA1_80")]
    AesCm128HmacSha1_80,

    /// <summary>AES_CM_128_HMAC_SHA1_32 (RFC 4568).</summary>
    [JsonStringEnumMemberName("AES_CM_128_HMAC_SHA1_32")]
    AesCm128HmacSha1_32,
}
