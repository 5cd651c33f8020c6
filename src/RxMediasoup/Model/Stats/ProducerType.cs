using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>How a producer's RTP streams are organized (mediasoup's <c>ProducerType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProducerType>))]
public enum ProducerType
{
    /// <summary>A single RTP stream (<c>"simple"</c>).</summary>
    [JsonStringEnumMemberName("simple")]
    Simple,

    /// <summary>Several simulcast RTP streams (<c>"simulcast"</c>).</summary>
    [JsonStringEnumMemberName("simulcast")]
    Simulcast,

    /// <summary>A single RTP stream with spatial/temporal layers (<c>"svc"</c>).</summary>
    [JsonStringEnumMemberName("svc")]
    Svc,
}
