using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>ICE state of a WebRTC transport (mediasoup's <c>IceState</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IceState>))]
public enum IceState
{
    /// <summary>No ICE binding request received yet (<c>"new"</c>).</summary>
    [JsonStringEnumMemberName("new")]
    New,

    /// <summary>A valid ICE binding request was received, but without USE-CANDIDATE (<c>"connected"</c>).</summary>
    [JsonStringEnumMemberName("connected")]
    Connected,

    /// <summary>A valid ICE binding request with USE-CANDIDATE was received (<c>"completed"</c>).</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,

    /// <summary>The selected tuple was lost or ICE consent expired (<c>"disconnected"</c>).</summary>
    [JsonStringEnumMemberName("disconnected")]
    Disconnected,

    /// <summary>The transport closed (<c>"closed"</c>).</summary>
    [JsonStringEnumMemberName("closed")]
    Closed,
}

/// <summary>ICE role of a WebRTC transport; mediasoup (ICE Lite) is always controlled (mediasoup's <c>IceRole</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IceRole>))]
public enum IceRole
{
    /// <summary>Controlled (<c>"controlled"</c>).</summary>
    [JsonStringEnumMemberName("controlled")]
    Controlled,

    /// <summary>Controlling (<c>"controlling"</c>).</summary>
    [JsonStringEnumMemberName("controlling")]
    Controlling,
}

/// <summary>DTLS state of a WebRTC transport (mediasoup's <c>DtlsState</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DtlsState>))]
public enum DtlsState
{
    /// <summary>Not started (<c>"new"</c>).</summary>
    [JsonStringEnumMemberName("new")]
    New,

    /// <summary>Handshaking (<c>"connecting"</c>).</summary>
    [JsonStringEnumMemberName("connecting")]
    Connecting,

    /// <summary>Connected (<c>"connected"</c>).</summary>
    [JsonStringEnumMemberName("connected")]
    Connected,

    /// <summary>The handshake failed (<c>"failed"</c>).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Closed by the remote side or because the transport closed (<c>"closed"</c>).</summary>
    [JsonStringEnumMemberName("closed")]
    Closed,
}
