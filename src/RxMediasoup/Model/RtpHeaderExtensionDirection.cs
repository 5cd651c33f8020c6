using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>Direction of an RTP header extension in mediasoup's RTP capabilities: whether mediasoup can send and/or receive it (JSON <c>"sendrecv"</c>, <c>"sendonly"</c>, <c>"recvonly"</c>, <c>"inactive"</c>). It is ignored in endpoints' capabilities.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RtpHeaderExtensionDirection>))]
public enum RtpHeaderExtensionDirection
{
    /// <summary>mediasoup can send and receive the extension (<c>"sendrecv"</c>); the default.</summary>
    [JsonStringEnumMemberName("sendrecv")]
    SendRecv,

    /// <summary>mediasoup can send but not receive the extension (<c>"sendonly"</c>).</summary>
    [JsonStringEnumMemberName("sendonly")]
    SendOnly,

    /// <summary>mediasoup can receive but not send the extension (<c>"recvonly"</c>).</summary>
    [JsonStringEnumMemberName("recvonly")]
    RecvOnly,

    /// <summary>The extension is neither sent nor received (<c>"inactive"</c>).</summary>
    [JsonStringEnumMemberName("inactive")]
    Inactive,
}
