using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// The reliability of an SCTP stream (mediasoup's <c>SctpStreamParameters</c>), e.g.
/// <c>{ "streamId": 1, "ordered": false, "maxRetransmits": 3 }</c>. An ordered stream is reliable; an unordered one
/// may set one of <see cref="MaxPacketLifeTime"/> or <see cref="MaxRetransmits"/>
/// (see <see cref="Ortc.ValidateAndNormalizeSctpStreamParameters"/>).
/// </summary>
public sealed record SctpStreamParameters
{
    /// <summary>The SCTP stream id (<c>streamId</c>), 0–65534.</summary>
    [JsonPropertyName("streamId")]
    public required int StreamId { get; init; }

    /// <summary>Whether messages are delivered in order, reliably (<c>ordered</c>); when unset validation makes it true unless a reliability limit is given.</summary>
    [JsonPropertyName("ordered")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Ordered { get; init; }

    /// <summary>When unordered, the time in ms after which a message is no longer retransmitted (<c>maxPacketLifeTime</c>).</summary>
    [JsonPropertyName("maxPacketLifeTime")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxPacketLifeTime { get; init; }

    /// <summary>When unordered, the maximum number of retransmissions (<c>maxRetransmits</c>).</summary>
    [JsonPropertyName("maxRetransmits")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MaxRetransmits { get; init; }
}
