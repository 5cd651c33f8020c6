using System.Text.Json;

namespace RxMediasoup.Tests.Media;

/// <summary>The fixtures of mediasoup 3.27.1's test-Producer.js and test-Consumer.js, as the same JSON.</summary>
internal static class MediaTestData
{
    public static T Json<T>(string json) => JsonSerializer.Deserialize<T>(json, MediasoupJson.Options)!;

    public static RtpParameters Rtp(string json) => Json<RtpParameters>(json);

    public static IReadOnlyDictionary<string, object?> AppData => new Dictionary<string, object?> { ["foo"] = 1, ["bar"] = "2" };

    // ---------------------------------------------------------------------------------------------
    // test-Producer.js
    // ---------------------------------------------------------------------------------------------

    public static IReadOnlyList<RtpCodecCapability> ProducerMediaCodecs => Json<RtpCodecCapability[]>("""
        [
          { "kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2, "parameters": { "foo": "111" } },
          { "kind": "video", "mimeType": "video/VP8", "clockRate": 90000 },
          { "kind": "video", "mimeType": "video/H264", "clockRate": 90000,
            "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1, "profile-level-id": "4d0032", "foo": "bar" },
            "rtcpFeedback": [] }
        ]
        """);

    public static ProducerOptions ProducerAudioOptions => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = Rtp("""
            {
              "mid": "AUDIO",
              "codecs": [ { "mimeType": "audio/opus", "payloadType": 0, "clockRate": 48000, "channels": 2,
                            "parameters": { "useinbandfec": 1, "usedtx": 1, "foo": 222.222, "bar": "333" } } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 },
                                    { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 12 } ],
              "rtcp": { "cname": "audio-1" }
            }
            """),
        AppData = new Dictionary<string, object?>(AppData),
    };

    public static ProducerOptions ProducerVideoOptions => new()
    {
        Kind = MediaKind.Video,
        RtpParameters = Rtp("""
            {
              "mid": "VIDEO",
              "codecs": [
                { "mimeType": "video/h264", "payloadType": 112, "clockRate": 90000,
                  "parameters": { "packetization-mode": 1, "profile-level-id": "4d0032" },
                  "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" }, { "type": "goog-remb" } ] },
                { "mimeType": "video/rtx", "payloadType": 113, "clockRate": 90000, "parameters": { "apt": 112 } }
              ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 },
                                    { "uri": "urn:3gpp:video-orientation", "id": 13 } ],
              "encodings": [
                { "ssrc": 22222222, "rtx": { "ssrc": 22222223 }, "scalabilityMode": "L1T3" },
                { "ssrc": 22222224, "rtx": { "ssrc": 22222225 } },
                { "ssrc": 22222226, "rtx": { "ssrc": 22222227 } },
                { "ssrc": 22222228, "rtx": { "ssrc": 22222229 } }
              ],
              "rtcp": { "cname": "video-1" }
            }
            """),
        AppData = new Dictionary<string, object?>(AppData),
    };

    // ---------------------------------------------------------------------------------------------
    // test-Consumer.js
    // ---------------------------------------------------------------------------------------------

    public static IReadOnlyList<RtpCodecCapability> ConsumerMediaCodecs => Json<RtpCodecCapability[]>("""
        [
          { "kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2, "parameters": { "foo": "bar" } },
          { "kind": "video", "mimeType": "video/VP8", "clockRate": 90000 },
          { "kind": "video", "mimeType": "video/H264", "clockRate": 90000,
            "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1, "profile-level-id": "4d0032", "foo": "bar" } }
        ]
        """);

    public static ProducerOptions ConsumerAudioProducerOptions => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = Rtp("""
            {
              "mid": "AUDIO",
              "codecs": [ { "mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                            "parameters": { "useinbandfec": 1, "usedtx": 1, "foo": 222.222, "bar": "333" } } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 },
                                    { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 12 } ],
              "encodings": [ { "ssrc": 11111111 } ],
              "rtcp": { "cname": "FOOBAR" },
              "msid": "1111-1111-1111-1111 2222-2222-2222-2222"
            }
            """),
        AppData = new Dictionary<string, object?>(AppData),
    };

    public static ProducerOptions ConsumerVideoProducerOptions => new()
    {
        Kind = MediaKind.Video,
        RtpParameters = Rtp("""
            {
              "mid": "VIDEO",
              "codecs": [
                { "mimeType": "video/h264", "payloadType": 112, "clockRate": 90000,
                  "parameters": { "packetization-mode": 1, "profile-level-id": "4d0032" },
                  "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" },
                                    { "type": "goog-remb", "parameter": "" } ] },
                { "mimeType": "video/rtx", "payloadType": 113, "clockRate": 90000, "parameters": { "apt": 112 } }
              ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 },
                                    { "uri": "urn:3gpp:video-orientation", "id": 13 } ],
              "encodings": [
                { "ssrc": 22222222, "scalabilityMode": "L1T5", "rtx": { "ssrc": 22222223 } },
                { "ssrc": 22222224, "scalabilityMode": "L1T5", "rtx": { "ssrc": 22222225 } },
                { "ssrc": 22222226, "scalabilityMode": "L1T5", "rtx": { "ssrc": 22222227 } },
                { "ssrc": 22222228, "scalabilityMode": "L1T5", "rtx": { "ssrc": 22222229 } }
              ],
              "rtcp": { "cname": "FOOBAR" }
            }
            """),
        AppData = new Dictionary<string, object?>(AppData),
    };

    public static RtpCapabilities ConsumerDeviceCapabilities => Json<RtpCapabilities>("""
        {
          "codecs": [
            { "mimeType": "audio/opus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000, "channels": 2,
              "rtcpFeedback": [ { "type": "nack", "parameter": "" } ] },
            { "mimeType": "video/H264", "kind": "video", "preferredPayloadType": 101, "clockRate": 90000,
              "parameters": { "level-asymmetry-allowed": 1, "packetization-mode": 1, "profile-level-id": "4d0032" },
              "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" },
                                { "type": "ccm", "parameter": "fir" }, { "type": "goog-remb", "parameter": "" } ] },
            { "mimeType": "video/rtx", "kind": "video", "preferredPayloadType": 102, "clockRate": 90000,
              "parameters": { "apt": 101 }, "rtcpFeedback": [] }
          ],
          "headerExtensions": [
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1, "preferredEncrypt": false },
            { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1, "preferredEncrypt": false },
            { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "preferredId": 2, "preferredEncrypt": false },
            { "kind": "audio", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "preferredId": 4, "preferredEncrypt": false },
            { "kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "preferredId": 4, "preferredEncrypt": false },
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 6, "preferredEncrypt": false },
            { "kind": "video", "uri": "urn:3gpp:video-orientation", "preferredId": 8, "preferredEncrypt": false },
            { "kind": "video", "uri": "urn:ietf:params:rtp-hdrext:toffset", "preferredId": 9, "preferredEncrypt": false }
          ]
        }
        """);

    private const string VpxFeedback = """
        [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" },
          { "type": "ccm", "parameter": "fir" }, { "type": "goog-remb", "parameter": "" } ]
        """;

    public static IReadOnlyList<RtpCodecCapability> VpxMediaCodecs => Json<RtpCodecCapability[]>($$"""
        [
          { "kind": "video", "mimeType": "video/VP8", "clockRate": 90000, "rtcpFeedback": {{VpxFeedback}} },
          { "kind": "video", "mimeType": "video/VP9", "clockRate": 90000, "rtcpFeedback": {{VpxFeedback}} }
        ]
        """);

    public static ProducerOptions Vp9SvcProducerOptions => new()
    {
        Kind = MediaKind.Video,
        RtpParameters = Rtp($$"""
            {
              "mid": "VIDEOSVC",
              "codecs": [ { "mimeType": "video/VP9", "payloadType": 96, "clockRate": 90000, "parameters": {},
                            "rtcpFeedback": {{VpxFeedback}} } ],
              "headerExtensions": [],
              "encodings": [ { "ssrc": 33333333, "scalabilityMode": "L3T3" } ],
              "rtcp": { "cname": "FOOBAR" }
            }
            """),
        AppData = new Dictionary<string, object?>(AppData),
    };

    public static ProducerOptions Vp8SimulcastProducerOptions => new()
    {
        Kind = MediaKind.Video,
        RtpParameters = Rtp($$"""
            {
              "mid": "VIDEOVP8",
              "codecs": [ { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
                            "rtcpFeedback": {{VpxFeedback}} } ],
              "headerExtensions": [],
              "encodings": [ { "ssrc": 44444441, "scalabilityMode": "L1T5" }, { "ssrc": 44444442, "scalabilityMode": "L1T5" },
                             { "ssrc": 44444443, "scalabilityMode": "L1T5" } ],
              "rtcp": { "cname": "FOOBAR" }
            }
            """),
        AppData = new Dictionary<string, object?>(AppData),
    };

    public static RtpCapabilities VpxConsumerDeviceCapabilities => Json<RtpCapabilities>($$"""
        {
          "codecs": [
            { "kind": "video", "mimeType": "video/VP8", "preferredPayloadType": 101, "clockRate": 90000, "rtcpFeedback": {{VpxFeedback}} },
            { "kind": "video", "mimeType": "video/VP9", "preferredPayloadType": 102, "clockRate": 90000, "rtcpFeedback": {{VpxFeedback}} }
          ],
          "headerExtensions": []
        }
        """);

    public static WebRtcTransportOptions WebRtcOptions => new() { ListenInfos = [RxMediasoup.Tests.Transports.TransportTestHelpers.Udp()] };
}
