using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Which side of mediasoup an RTP stream's statistics describe (the <c>type</c> of mediasoup's RTP stream stats).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RtpStreamStatsType>))]
public enum RtpStreamStatsType
{
    /// <summary>A stream mediasoup receives, i.e. a producer's (<c>"inbound-rtp"</c>).</summary>
    [JsonStringEnumMemberName("inbound-rtp")]
    InboundRtp,

    /// <summary>A stream mediasoup sends, i.e. a consumer's (<c>"outbound-rtp"</c>).</summary>
    [JsonStringEnumMemberName("outbound-rtp")]
    OutboundRtp,
}
