using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>The RTX stream of an encoding (mediasoup's <c>rtx: { ssrc }</c>).</summary>
public sealed record RtxParameters
{
    /// <summary>The RTX SSRC (<c>ssrc</c>).</summary>
    [JsonPropertyName("ssrc")]
    public required uint Ssrc { get; init; }

    /// <summary>Creates an empty instance (set <see cref="Ssrc"/>).</summary>
    public RtxParameters() { }

    /// <summary>Creates the RTX parameters of an encoding.</summary>
    /// <param name="ssrc">The RTX SSRC.</param>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public RtxParameters(uint ssrc) => Ssrc = ssrc;
}
