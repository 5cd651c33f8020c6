using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>How a data producer receives messages (mediasoup's <c>DataProducerType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DataProducerType>))]
public enum DataProducerType
{
    /// <summary>Over an SCTP stream (<c>"sctp"</c>).</summary>
    [JsonStringEnumMemberName("sctp")]
    Sctp,

    /// <summary>Directly from the application, on a direct transport (<c>"direct"</c>).</summary>
    [JsonStringEnumMemberName("direct")]
    Direct,
}
