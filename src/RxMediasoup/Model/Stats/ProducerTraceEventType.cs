using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>A kind of producer trace event (mediasoup's <c>ProducerTraceEventType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProducerTraceEventType>))]
public enum ProducerTraceEventType
{
    /// <summary>An RTP packet was received (<c>"rtp"</c>).</summary>
    [JsonStringEnumMemberName("rtp")]
    Rtp,

    /// <summary>A key frame was received (<c>"keyframe"</c>).</summary>
    [JsonStringEnumMemberName("keyframe")]
    KeyFrame,

    /// <summary>An RTCP NACK was sent (<c>"nack"</c>).</summary>
    [JsonStringEnumMemberName("nack")]
    Nack,

    /// <summary>An RTCP PLI was sent (<c>"pli"</c>).</summary>
    [JsonStringEnumMemberName("pli")]
    Pli,

    /// <summary>An RTCP FIR was sent (<c>"fir"</c>).</summary>
    [JsonStringEnumMemberName("fir")]
    Fir,

    /// <summary>An RTCP sender report was received (<c>"sr"</c>).</summary>
    [JsonStringEnumMemberName("sr")]
    Sr,
}
