using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Type of an ICE candidate; mediasoup (ICE Lite) only gathers host candidates (JSON <c>"host"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<IceCandidateType>))]
public enum IceCandidateType
{
    /// <summary>A host candidate (<c>"host"</c>).</summary>
    [JsonStringEnumMemberName("host")]
    Host,
}
