using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Transport protocol of a listening socket, tuple or ICE candidate (JSON <c>"udp"</c>, <c>"tcp"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TransportProtocol>))]
public enum TransportProtocol
{
    /// <summary>UDP (<c>"udp"</c>).</summary>
    [JsonStringEnumMemberName("udp")]
    Udp,

    /// <summary>TCP (<c>"tcp"</c>).</summary>
    [JsonStringEnumMemberName("tcp")]
    Tcp,
}
