using System.Text.Json;

namespace RxMediasoup.Tests.RtpObservers;

internal static class RtpObserverTestData
{
    /// <summary>The router codecs of test-ActiveSpeakerObserver.js and test-AudioLevelObserver.js.</summary>
    public static IReadOnlyList<RtpCodecCapability> MediaCodecs =>
    [
        new()
        {
            Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2,
            Parameters = new Dictionary<string, RtpParameterValue> { ["useinbandfec"] = 1, ["foo"] = "bar" },
        },
    ];

    /// <summary>The id of the ssrc-audio-level extension in <see cref="AudioProducer"/>'s RTP.</summary>
    public const int AudioLevelExtensionId = 1;

    /// <summary>The payload type of <see cref="AudioProducer"/> (what ffmpeg is told to write).</summary>
    public const int OpusPayloadType = 100;

    /// <summary>An opus producer with the ssrc-audio-level header extension (what RTP observers read).</summary>
    public static ProducerOptions AudioProducer(uint ssrc) => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = JsonSerializer.Deserialize<RtpParameters>($$"""
            {
              "codecs": [ { "mimeType": "audio/opus", "payloadType": {{OpusPayloadType}}, "clockRate": 48000, "channels": 2 } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": {{AudioLevelExtensionId}} } ],
              "encodings": [ { "ssrc": {{ssrc}} } ],
              "rtcp": { "cname": "audio-{{ssrc}}" }
            }
            """, MediasoupJson.Options)!,
    };
}
