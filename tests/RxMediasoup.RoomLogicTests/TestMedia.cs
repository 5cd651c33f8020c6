using System.Text.Json;

namespace RxMediasoup.RoomLogicTests;

/// <summary>What a browser peer would send: Opus audio, VP8 simulcast video (3 encodings), a chat data channel.</summary>
internal static class TestMedia
{
    private static int _ssrc = 1_000_000;

    public static WebRtcTransportOptions TransportOptions(bool sctp) => new()
    {
        ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        EnableSctp = sctp,
    };

    public static ProducerOptions Audio(string cname) => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = Rtp($$"""
            {
              "mid": "0",
              "codecs": [ { "mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2, "parameters": { "useinbandfec": 1 } } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1 },
                                    { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 10 } ],
              "encodings": [ { "ssrc": {{Interlocked.Increment(ref _ssrc)}} } ],
              "rtcp": { "cname": "{{cname}}" }
            }
            """),
    };

    public static ProducerOptions SimulcastVideo(string cname) => new()
    {
        Kind = MediaKind.Video,
        RtpParameters = Rtp($$"""
            {
              "mid": "1",
              "codecs": [ { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000,
                            "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" }, { "type": "ccm", "parameter": "fir" } ] } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1 } ],
              "encodings": [ { "ssrc": {{Interlocked.Increment(ref _ssrc)}}, "scalabilityMode": "L1T3" },
                             { "ssrc": {{Interlocked.Increment(ref _ssrc)}}, "scalabilityMode": "L1T3" },
                             { "ssrc": {{Interlocked.Increment(ref _ssrc)}}, "scalabilityMode": "L1T3" } ],
              "rtcp": { "cname": "{{cname}}" }
            }
            """),
    };

    public static DataProducerOptions Chat => new() { SctpStreamParameters = new SctpStreamParameters { StreamId = 1, Ordered = true }, Label = "chat" };

    private static RtpParameters Rtp(string json) => JsonSerializer.Deserialize<RtpParameters>(json, MediasoupJson.Options)!;
}
