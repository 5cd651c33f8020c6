using System.Text.Json;

namespace RxMediasoup.Tests.Multiopus;

/// <summary>
/// Port of mediasoup 3.27.1 node/lib/test/test-multiopus.js, against the real worker. The inputs are the Node
/// test's own objects as JSON, read with <see cref="MediasoupJson.Options"/>: mediasoup-client payloads as they are.
/// </summary>
public sealed class MultiopusTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private WebRtcTransport _transport = null!;

    private static T Json<T>(string json) => JsonSerializer.Deserialize<T>(json, MediasoupJson.Options)!;

    private static readonly RtpParameters AudioProducerRtpParameters = Json<RtpParameters>("""
        {
          "mid": "AUDIO",
          "codecs": [{
            "mimeType": "audio/multiopus", "payloadType": 0, "clockRate": 48000, "channels": 6,
            "parameters": { "useinbandfec": 1, "channel_mapping": "0,4,1,2,3,5", "num_streams": 4, "coupled_streams": 2 }
          }],
          "headerExtensions": [
            { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 },
            { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 12 }
          ]
        }
        """);

    private static readonly RtpCapabilities ConsumerDeviceCapabilities = Json<RtpCapabilities>("""
        {
          "codecs": [{
            "mimeType": "audio/multiopus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000, "channels": 6,
            "parameters": { "channel_mapping": "0,4,1,2,3,5", "num_streams": 4, "coupled_streams": 2 }
          }],
          "headerExtensions": [
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "preferredId": 1, "preferredEncrypt": false },
            { "kind": "audio", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "preferredId": 4, "preferredEncrypt": false },
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 10, "preferredEncrypt": false }
          ]
        }
        """);

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions
        {
            MediaCodecs = [Json<RtpCodecCapability>("""
                {
                  "kind": "audio", "mimeType": "audio/multiopus", "preferredPayloadType": 100, "clockRate": 48000, "channels": 6,
                  "parameters": { "useinbandfec": 1, "channel_mapping": "0,4,1,2,3,5", "num_streams": 4, "coupled_streams": 2 }
                }
                """)],
        });
        _transport = await _router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-multiopus.js", "produce() and consume() succeed")]
    public async Task ProduceAndConsumeSucceed()
    {
        var producer = await _transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = AudioProducerRtpParameters });
        Assert.Equal(
            [Json<RtpCodecParameters>("""
                {
                  "mimeType": "audio/multiopus", "payloadType": 0, "clockRate": 48000, "channels": 6,
                  "parameters": { "useinbandfec": 1, "channel_mapping": "0,4,1,2,3,5", "num_streams": 4, "coupled_streams": 2 },
                  "rtcpFeedback": []
                }
                """)],
            producer.RtpParameters.Codecs);
        Assert.True(_router.CanConsume(producer.Id, ConsumerDeviceCapabilities));

        var consumer = await _transport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = ConsumerDeviceCapabilities });
        Assert.Equal(
            [Json<RtpCodecParameters>("""
                {
                  "mimeType": "audio/multiopus", "payloadType": 100, "clockRate": 48000, "channels": 6,
                  "parameters": { "useinbandfec": 1, "channel_mapping": "0,4,1,2,3,5", "num_streams": 4, "coupled_streams": 2 },
                  "rtcpFeedback": []
                }
                """)],
            consumer.RtpParameters.Codecs);
    }

    [Fact]
    [NodeCase("test-multiopus.js", "fails to produce wrong parameters")]
    public async Task FailsToProduceWrongParameters()
    {
        foreach (var (numStreams, coupledStreams) in new[] { (2, 2), (4, 1) })
        {
            var parameters = Json<RtpParameters>($$"""
                {
                  "mid": "AUDIO",
                  "codecs": [{
                    "mimeType": "audio/multiopus", "payloadType": 0, "clockRate": 48000, "channels": 6,
                    "parameters": { "channel_mapping": "0,4,1,2,3,5", "num_streams": {{numStreams}}, "coupled_streams": {{coupledStreams}} }
                  }]
                }
                """);
            await Assert.ThrowsAsync<UnsupportedException>(() =>
                _transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = parameters }));
        }
    }

    [Fact]
    [NodeCase("test-multiopus.js", "fails to consume wrong channels")]
    public async Task FailsToConsumeWrongChannels()
    {
        var producer = await _transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Audio, RtpParameters = AudioProducerRtpParameters });
        var eightChannels = Json<RtpCapabilities>("""
            {
              "codecs": [{
                "mimeType": "audio/multiopus", "kind": "audio", "preferredPayloadType": 100, "clockRate": 48000, "channels": 8,
                "parameters": { "channel_mapping": "0,4,1,2,3,5", "num_streams": 4, "coupled_streams": 2 }
              }]
            }
            """);
        Assert.False(_router.CanConsume(producer.Id, eightChannels));
        await Assert.ThrowsAnyAsync<Exception>(() =>
            _transport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = eightChannels }));
        Assert.Equal(0, _transport.Consumers.Count);
    }
}
