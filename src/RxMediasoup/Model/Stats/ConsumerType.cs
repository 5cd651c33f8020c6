using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>How a consumer forwards its producer's streams (mediasoup's <c>ConsumerType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConsumerType>))]
public enum ConsumerType
{
    /// <summary>Consumes a simple producer (<c>"simple"</c>).</summary>
    [JsonStringEnumMemberName("simple")]
    Simple,

    /// <summary>Consumes a simulcast producer, forwarding one stream at a time (<c>"simulcast"</c>).</summary>
    [JsonStringEnumMemberName("simulcast")]
    Simulcast,

    /// <summary>Consumes an SVC producer, forwarding a subset of its layers (<c>"svc"</c>).</summary>
    [JsonStringEnumMemberName("svc")]
    Svc,

    /// <summary>Forwards all of the producer's streams as they are, over a pipe transport (<c>"pipe"</c>).</summary>
    [JsonStringEnumMemberName("pipe")]
    Pipe,
}
