using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Hash function of a DTLS certificate fingerprint (JSON <c>"sha-1"</c> … <c>"sha-512"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FingerprintAlgorithm>))]
public enum FingerprintAlgorithm
{
    /// <summary>SHA-1 (<c>"sha-1"</c>).</summary>
    [JsonStringEnumMemberName("sha-1")]
    Sha1,

    /// <summary>SHA-224 (<c>"sha-224"</c>).</summary>
    [JsonStringEnumMemberName("sha-224")]
    Sha224,

    /// <summary>SHA-256 (<c>"sha-256"</c>).</summary>
    [JsonStringEnumMemberName("sha-256")]
    Sha256,

    /// <summary>SHA-384 (<c>"sha-384"</c>).</summary>
    [JsonStringEnumMemberName("sha-384")]
    Sha384,

    /// <summary>SHA-512 (<c>"sha-512"</c>).</summary>
    [JsonStringEnumMemberName("sha-512")]
    Sha512,
}
