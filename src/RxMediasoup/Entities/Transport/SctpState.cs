using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>State of a transport's SCTP association (mediasoup's <c>SctpState</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SctpState>))]
public enum SctpState
{
    /// <summary>Not connected yet (<c>"new"</c>).</summary>
    [JsonStringEnumMemberName("new")]
    New,

    /// <summary>Connecting (<c>"connecting"</c>).</summary>
    [JsonStringEnumMemberName("connecting")]
    Connecting,

    /// <summary>Connected (<c>"connected"</c>).</summary>
    [JsonStringEnumMemberName("connected")]
    Connected,

    /// <summary>Failed (<c>"failed"</c>).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Closed, also when the transport closes (<c>"closed"</c>).</summary>
    [JsonStringEnumMemberName("closed")]
    Closed,
}
