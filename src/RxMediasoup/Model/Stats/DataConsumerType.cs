using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>How a data consumer delivers messages (mediasoup's <c>DataConsumerType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataConsumerType>))]
public enum DataConsumerType
{
    /// <summary>Over an SCTP stream (<c>"sctp"</c>).</summary>
    [JsonStringEnumMemberName("sctp")]
    Sctp,

    /// <summary>Directly to the application, on a direct transport (<c>"direct"</c>).</summary>
    [JsonStringEnumMemberName("direct")]
    Direct,
}
