using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>A DTLS certificate fingerprint (mediasoup's <c>DtlsFingerprint</c>), e.g. <c>{ "algorithm": "sha-256", "value": "AB:CD:…" }</c>.</summary>
public sealed record DtlsFingerprint
{
    /// <summary>The hash function (<c>algorithm</c>).</summary>
    [JsonPropertyName("algorithm")]
    public required FingerprintAlgorithm Algorithm { get; init; }

    /// <summary>The fingerprint as colon-separated uppercase hex bytes (<c>value</c>).</summary>
    [JsonPropertyName("value")]
    public required string Value { get; init; }
}
