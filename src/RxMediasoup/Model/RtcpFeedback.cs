using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// An RTCP feedback message a codec supports (mediasoup's <c>RtcpFeedback</c>), e.g.
/// <c>{ "type": "nack", "parameter": "pli" }</c> or <c>{ "type": "transport-cc", "parameter": "" }</c>.
/// </summary>
public sealed record RtcpFeedback
{
    /// <summary>The feedback type (<c>type</c>), e.g. <c>nack</c>, <c>ccm</c>, <c>goog-remb</c>, <c>transport-cc</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The feedback parameter (<c>parameter</c>), e.g. <c>pli</c> or <c>fir</c>; empty when none (mediasoup's normalized form).</summary>
    [JsonPropertyName("parameter")]
    public string Parameter { get; init => field = value ?? string.Empty; } = string.Empty;

    /// <summary>Creates an empty feedback entry (set <see cref="Type"/>).</summary>
    public RtcpFeedback() { }

    /// <summary>Creates a feedback entry.</summary>
    /// <param name="type">The feedback type, e.g. <c>nack</c>.</param>
    /// <param name="parameter">The feedback parameter, e.g. <c>pli</c>; empty when none.</param>
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public RtcpFeedback(string type, string parameter = "")
    {
        Type = type;
        Parameter = parameter;
    }
}
