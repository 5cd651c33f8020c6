using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>A kind of consumer trace event (mediasoup's <c>ConsumerTraceEventType</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConsumerTraceEventType>))]
public enum ConsumerTraceEventType
{
    /// <summary>An RTP packet was sent (<c>"rtp"</c>).</summary>
    [JsonStringEnumMemberName("rtp")]
    Rtp,

    /// <summary>A key frame was sent (<c>"keyframe"</c>).</summary>
    [JsonStringEnumMemberName("keyframe")]
    KeyFrame,

    /// <summary>An RTCP NACK was received (<c>"nack"</c>).</summary>
    [JsonStringEnumMemberName("nack")]
    Nack,

    /// <summary>An RTCP PLI was received (<c>"pli"</c>).</summary>
    [JsonStringEnumMemberName("pli")]
    Pli,

    /// <summary>An RTCP FIR was received (<c>"fir"</c>).</summary>
    [JsonStringEnumMemberName("fir")]
    Fir,
}
