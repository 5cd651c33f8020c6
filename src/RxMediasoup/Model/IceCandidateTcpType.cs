using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>TCP type of a TCP ICE candidate; mediasoup only offers passive ones (JSON <c>"passive"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IceCandidateTcpType>))]
public enum IceCandidateTcpType
{
    /// <summary>A passive TCP candidate (<c>"passive"</c>).</summary>
    [JsonStringEnumMemberName("passive")]
    Passive,
}
