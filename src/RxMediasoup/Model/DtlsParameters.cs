using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// DTLS parameters (mediasoup's <c>DtlsParameters</c>): a transport's own (sent to the client) or the remote
/// endpoint's (given to <c>connect</c>), e.g. <c>{ "role": "client", "fingerprints": [{ "algorithm": "sha-256", "value": "…" }] }</c>.
/// </summary>
public sealed record DtlsParameters
{
    /// <summary>The DTLS role (<c>role</c>); <see langword="null"/> means <see cref="DtlsRole.Auto"/>.</summary>
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DtlsRole? Role { get; init; }

    /// <summary>The certificate fingerprints (<c>fingerprints</c>).</summary>
    [JsonPropertyName("fingerprints")]
    public required IReadOnlyList<DtlsFingerprint> Fingerprints
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<DtlsFingerprint>.Empty;
}
