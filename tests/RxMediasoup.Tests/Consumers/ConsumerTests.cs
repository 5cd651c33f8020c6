using System.Buffers.Binary;
using System.Reactive.Linq;
using Google.FlatBuffers;
using RxMediasoup.Tests.Infrastructure;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Consumers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-Consumer.js, against the real worker.</summary>
public sealed class ConsumerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private WebRtcTransport _transport1 = null!;
    private WebRtcTransport _transport2 = null!;
    private Producer _audioProducer = null!;
    private Producer _videoProducer = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs });
        _transport1 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        _transport2 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        _audioProducer = await _transport1.ProduceAsync(ConsumerAudioProducerOptions);
        _videoProducer = await _transport1.ProduceAsync(ConsumerVideoProducerOptions);
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private Task<Consumer> ConsumeAudioAsync() => _transport2.ConsumeAsync(new ConsumerOptions
    {
        ProducerId = _audioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities,
    });

    private Task<Consumer> ConsumeVideoAsync(bool paused = false) => _transport2.ConsumeAsync(new ConsumerOptions
    {
        ProducerId = _videoProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities, Paused = paused,
    });

    private static RtpCodecParameters Codec(string json) => Json<RtpCodecParameters>(json);

    private static readonly RtpCodecParameters ExpectedH264 = Codec("""
        { "mimeType": "video/H264", "payloadType": 103, "clockRate": 90000,
          "parameters": { "packetization-mode": 1, "profile-level-id": "4d0032" },
          "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" },
                            { "type": "ccm", "parameter": "fir" }, { "type": "goog-remb", "parameter": "" } ] }
        """);

    private static readonly RtpCodecParameters ExpectedRtx = Codec("""
        { "mimeType": "video/rtx", "payloadType": 104, "clockRate": 90000, "parameters": { "apt": 103 }, "rtcpFeedback": [] }
        """);

    private static RtpCodecParameters ExpectedOpus(string rtcpFeedback) => Codec($$"""
        { "mimeType": "audio/opus", "payloadType": 100, "clockRate": 48000, "channels": 2,
          "parameters": { "useinbandfec": 1, "usedtx": 1, "foo": 222.222, "bar": "333" }, "rtcpFeedback": {{rtcpFeedback}} }
        """);

    private static ConsumerScore Score(int score, int producerScore, params int[] producerScores)
        => new() { Score = score, ProducerScore = producerScore, ProducerScores = producerScores };

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() succeeds")]
    public async Task ConsumeSucceeds()
    {
        var changes = new List<IEntityChangeSet<Consumer, string>>();
        using var sub = _transport2.Consumers.Connect().Subscribe(changes.Add);
        Assert.True(_router.CanConsume(_audioProducer.Id, ConsumerDeviceCapabilities));
        var audio = await _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _audioProducer.Id,
            RtpCapabilities = ConsumerDeviceCapabilities,
            AppData = new Dictionary<string, object?> { ["baz"] = "LOL" },
        });
        Assert.Equal(2, changes.Count);
        Assert.Same(audio, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(audio.Id, out _));
        Assert.Equal(_audioProducer.Id, audio.ProducerId);
        Assert.False(audio.IsClosed);
        Assert.Equal(MediaKind.Audio, audio.Kind);
        Assert.Equal("0", audio.RtpParameters.Mid);
        Assert.Equal(ExpectedOpus("[]"), Assert.Single(audio.RtpParameters.Codecs));
        Assert.Equal("1111-1111-1111-1111 2222-2222-2222-2222", audio.RtpParameters.Msid);
        Assert.Equal(ConsumerType.Simple, audio.Type);
        Assert.False(audio.Paused.Current());
        Assert.False(audio.ProducerPaused.Current());
        Assert.Equal(1, audio.Priority.Value);
        Assert.Equal(Score(10, 0, 0), audio.Score.Current());
        Assert.Null(audio.PreferredLayers.Current());
        Assert.Null(audio.Layers.Current());
        Assert.Equal(new Dictionary<string, object?> { ["baz"] = "LOL" }, audio.AppData);

        var dump1 = await _router.DumpAsync();
        Assert.Equal([audio.Id], dump1.MapProducerIdConsumerIds[_audioProducer.Id]);
        Assert.Equal(_audioProducer.Id, dump1.MapConsumerIdProducerId[audio.Id]);
        var transportDump1 = await _transport2.DumpAsync();
        Assert.Equal(_transport2.Id, transportDump1.Id);
        Assert.Empty(transportDump1.ProducerIds);
        Assert.Equal([audio.Id], transportDump1.ConsumerIds);

        Assert.True(_router.CanConsume(_videoProducer.Id, ConsumerDeviceCapabilities));
        await _videoProducer.PauseAsync();
        var video = await _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _videoProducer.Id,
            RtpCapabilities = ConsumerDeviceCapabilities,
            Paused = true,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 12, TemporalLayer = 0 },
            AppData = new Dictionary<string, object?> { ["baz"] = "LOL" },
        });
        Assert.Same(video, Assert.Single(changes[2]).Current);
        Assert.Equal(_videoProducer.Id, video.ProducerId);
        Assert.False(video.IsClosed);
        Assert.Equal(MediaKind.Video, video.Kind);
        Assert.Equal("1", video.RtpParameters.Mid);
        Assert.Equal([ExpectedH264, ExpectedRtx], video.RtpParameters.Codecs);
        Assert.Null(video.RtpParameters.Msid);
        Assert.Equal(ConsumerType.Simulcast, video.Type);
        Assert.True(video.Paused.Current());
        Assert.True(video.ProducerPaused.Current());
        Assert.Equal(1, video.Priority.Value);
        Assert.Equal(Score(10, 0, 0, 0, 0, 0), video.Score.Current());
        Assert.Equal(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 0 }, video.PreferredLayers.Current());
        Assert.Null(video.Layers.Current());
        Assert.Equal(new Dictionary<string, object?> { ["baz"] = "LOL" }, video.AppData);

        Assert.True(_router.CanConsume(_videoProducer.Id, ConsumerDeviceCapabilities));
        var pipe = await _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _videoProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities, Pipe = true,
        });
        Assert.Same(pipe, Assert.Single(changes[3]).Current);
        Assert.Equal(_videoProducer.Id, pipe.ProducerId);
        Assert.False(pipe.IsClosed);
        Assert.Equal(MediaKind.Video, pipe.Kind);
        Assert.Null(pipe.RtpParameters.Mid);
        Assert.Equal([ExpectedH264, ExpectedRtx], pipe.RtpParameters.Codecs);
        Assert.Equal(ConsumerType.Pipe, pipe.Type);
        Assert.False(pipe.Paused.Current());
        Assert.True(pipe.ProducerPaused.Current());
        Assert.Equal(1, pipe.Priority.Value);
        Assert.Equal(Score(10, 10, 0, 0, 0, 0), pipe.Score.Current());
        Assert.Null(pipe.PreferredLayers.Current());
        Assert.Null(pipe.Layers.Current());
        Assert.Empty(pipe.AppData);

        var dump2 = await _router.DumpAsync();
        Assert.Equal([audio.Id], dump2.MapProducerIdConsumerIds[_audioProducer.Id]);
        Assert.Equivalent(new[] { video.Id, pipe.Id }, dump2.MapProducerIdConsumerIds[_videoProducer.Id], strict: true);
        Assert.Equal(_audioProducer.Id, dump2.MapConsumerIdProducerId[audio.Id]);
        Assert.Equal(_videoProducer.Id, dump2.MapConsumerIdProducerId[video.Id]);
        Assert.Equal(_videoProducer.Id, dump2.MapConsumerIdProducerId[pipe.Id]);
        var transportDump2 = await _transport2.DumpAsync();
        Assert.Empty(transportDump2.ProducerIds);
        Assert.Equivalent(new[] { audio.Id, video.Id, pipe.Id }, transportDump2.ConsumerIds, strict: true);
        Assert.Equivalent(new[] { audio, video, pipe }, _transport2.Consumers.Items, strict: true);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() with unknown producerId fails")]
    public async Task ConsumeUnknownProducerThrowsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = "12345678", RtpCapabilities = ConsumerDeviceCapabilities,
        }));
        Assert.Equal(4, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() with enableRtx succeeds")]
    public async Task ConsumeWithEnableRtxSucceeds()
    {
        var audio = await _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _audioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities, EnableRtx = true,
        });
        Assert.Equal(MediaKind.Audio, audio.Kind);
        Assert.Equal(ExpectedOpus("""[ { "type": "nack", "parameter": "" } ]"""), Assert.Single(audio.RtpParameters.Codecs));
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() can be created with user provided mid")]
    public async Task ConsumeWithUserProvidedMid()
    {
        var audio1 = await ConsumeAudioAsync();
        Assert.Matches("^[0-9]+", audio1.RtpParameters.Mid);
        var audio2 = await _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _audioProducer.Id, Mid = "custom-mid", RtpCapabilities = ConsumerDeviceCapabilities,
        });
        Assert.Equal("custom-mid", audio2.RtpParameters.Mid);
        var audio3 = await ConsumeAudioAsync();
        Assert.Matches("^[0-9]+", audio3.RtpParameters.Mid);
        Assert.Equal(int.Parse(audio1.RtpParameters.Mid!) + 1, int.Parse(audio3.RtpParameters.Mid!));
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() with incompatible rtpCapabilities rejects with UnsupportedError")]
    public async Task ConsumeWithIncompatibleCapabilitiesThrowsUnsupported()
    {
        var invalid = Json<RtpCapabilities>("""
            { "codecs": [ { "kind": "audio", "mimeType": "audio/ISAC", "preferredPayloadType": 100, "clockRate": 32000, "channels": 1 } ],
              "headerExtensions": [] }
            """);
        Assert.False(_router.CanConsume(_audioProducer.Id, invalid));
        await Assert.ThrowsAsync<UnsupportedException>(() => _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _audioProducer.Id, RtpCapabilities = invalid,
        }));
        var empty = Json<RtpCapabilities>("""{ "codecs": [], "headerExtensions": [] }""");
        Assert.False(_router.CanConsume(_audioProducer.Id, empty));
        await Assert.ThrowsAsync<UnsupportedException>(() => _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = _audioProducer.Id, RtpCapabilities = empty,
        }));
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.dump() succeeds")]
    public async Task DumpSucceeds()
    {
        var audio = await ConsumeAudioAsync();
        var dump1 = await audio.DumpAsync();
        Assert.Equal(audio.Id, dump1.Id);
        Assert.Equal(audio.ProducerId, dump1.ProducerId);
        Assert.Equal(audio.Kind, dump1.Kind);
        var opus = Assert.Single(dump1.RtpParameters.Codecs);
        Assert.Equal("audio/opus", opus.MimeType);
        Assert.Equal(100, opus.PayloadType);
        Assert.Equal(48000, opus.ClockRate);
        Assert.Equal(2, opus.Channels);
        Assert.Equal(new Dictionary<string, RtpParameterValue> { ["useinbandfec"] = 1, ["usedtx"] = 1, ["foo"] = 222.222, ["bar"] = "333" },
            opus.Parameters);
        Assert.Empty(opus.RtcpFeedback);
        Assert.Equal(
            [new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", Id = 1 },
             new RtpHeaderExtensionParameters { Uri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", Id = 4 },
             new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level", Id = 6 }],
            dump1.RtpParameters.HeaderExtensions);
        var encoding1 = Assert.Single(dump1.RtpParameters.Encodings);
        Assert.Equal(100, encoding1.CodecPayloadType);
        Assert.Equal(audio.RtpParameters.Encodings[0].Ssrc, encoding1.Ssrc);
        Assert.Equal("1111-1111-1111-1111 2222-2222-2222-2222", dump1.RtpParameters.Msid);
        Assert.Equal(ConsumerType.Simple, dump1.Type);
        Assert.Equal(_audioProducer.ConsumableRtpParameters.Encodings[0].Ssrc, Assert.Single(dump1.ConsumableRtpEncodings).Ssrc);
        Assert.Equal([100], dump1.SupportedCodecPayloadTypes);
        Assert.False(dump1.Paused);
        Assert.False(dump1.ProducerPaused);
        Assert.Equal(1, dump1.Priority);

        var video = await ConsumeVideoAsync(paused: true);
        var dump2 = await video.DumpAsync();
        Assert.Equal(video.Id, dump2.Id);
        Assert.Equal(video.ProducerId, dump2.ProducerId);
        Assert.Equal(video.Kind, dump2.Kind);
        Assert.Equal(2, dump2.RtpParameters.Codecs.Count);
        var h264 = dump2.RtpParameters.Codecs[0];
        Assert.Equal("video/H264", h264.MimeType);
        Assert.Equal(103, h264.PayloadType);
        Assert.Equal(90000, h264.ClockRate);
        Assert.Null(h264.Channels);
        Assert.Equal(new Dictionary<string, RtpParameterValue> { ["packetization-mode"] = 1, ["profile-level-id"] = "4d0032" }, h264.Parameters);
        Assert.Equal([new RtcpFeedback("nack"), new RtcpFeedback("nack", "pli"), new RtcpFeedback("ccm", "fir"), new RtcpFeedback("goog-remb")],
            h264.RtcpFeedback);
        Assert.Equal(
            [new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", Id = 1 },
             new RtpHeaderExtensionParameters { Uri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", Id = 4 },
             new RtpHeaderExtensionParameters { Uri = "urn:3gpp:video-orientation", Id = 8 },
             new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:toffset", Id = 9 }],
            dump2.RtpParameters.HeaderExtensions);
        var encoding2 = Assert.Single(dump2.RtpParameters.Encodings);
        Assert.Equal(103, encoding2.CodecPayloadType);
        Assert.Equal(video.RtpParameters.Encodings[0].Ssrc, encoding2.Ssrc);
        Assert.Equal(video.RtpParameters.Encodings[0].Rtx?.Ssrc, encoding2.Rtx?.Ssrc);
        Assert.Equal("L4T5", encoding2.ScalabilityMode);
        Assert.Null(dump2.RtpParameters.Msid);
        Assert.Equal(4, dump2.ConsumableRtpEncodings.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(_videoProducer.ConsumableRtpParameters.Encodings[i].Ssrc, dump2.ConsumableRtpEncodings[i].Ssrc);
            Assert.Equal("L1T5", dump2.ConsumableRtpEncodings[i].ScalabilityMode);
        }
        Assert.Equal([103], dump2.SupportedCodecPayloadTypes);
        Assert.True(dump2.Paused);
        Assert.False(dump2.ProducerPaused);
        Assert.Equal(1, dump2.Priority);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var audio = await ConsumeAudioAsync();
        var audioStats = Assert.Single(await audio.GetStatsAsync());
        Assert.Equal(RtpStreamStatsType.OutboundRtp, audioStats.Type);
        Assert.Equal(MediaKind.Audio, audioStats.Kind);
        Assert.Equal("audio/opus", audioStats.MimeType);
        Assert.Equal(audio.RtpParameters.Encodings[0].Ssrc, audioStats.Ssrc);

        var video = await ConsumeVideoAsync();
        var videoStats = Assert.Single(await video.GetStatsAsync());
        Assert.Equal(RtpStreamStatsType.OutboundRtp, videoStats.Type);
        Assert.Equal(MediaKind.Video, videoStats.Kind);
        Assert.Equal("video/H264", videoStats.MimeType);
        Assert.Equal(video.RtpParameters.Encodings[0].Ssrc, videoStats.Ssrc);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.pause() and resume() succeed")]
    public async Task PauseAndResumeSucceed()
    {
        var audio = await ConsumeAudioAsync();
        var values = new List<bool>();
        using var sub = audio.Paused.Subscribe(values.Add);
        await audio.PauseAsync();
        Assert.True(audio.Paused.Current());
        Assert.True((await audio.DumpAsync()).Paused);
        await audio.ResumeAsync();
        Assert.False(audio.Paused.Current());
        Assert.False((await audio.DumpAsync()).Paused);

        _ = audio.PauseAsync();
        _ = audio.ResumeAsync();
        _ = audio.PauseAsync();
        _ = audio.PauseAsync();
        _ = audio.PauseAsync();
        await audio.ResumeAsync();
        Assert.Equal([false, true, false, true, false, true, false], values);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "producer.pause() and resume() emit events")]
    public async Task ProducerPauseAndResumeEmitEvents()
    {
        var audio = await ConsumeAudioAsync();
        var values = new List<bool>();
        using var sub = audio.ProducerPaused.Skip(1).Subscribe(values.Add);
        var resumed = audio.ProducerPaused.Skip(2).FirstAsyncOrTimeout(Timeout);
        await Task.WhenAll(_audioProducer.PauseAsync(), _audioProducer.ResumeAsync());
        await resumed;
        Assert.Equal([true, false], values);
        Assert.False(audio.Paused.Current());
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.setPreferredLayers() succeed")]
    public async Task SetPreferredLayersSucceeds()
    {
        var audio = await ConsumeAudioAsync();
        var video = await ConsumeVideoAsync();
        await audio.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 1 });
        Assert.Null(audio.PreferredLayers.Current());
        await video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 3 });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 3 }, video.PreferredLayers.Current());
        await video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 3 });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 4 }, video.PreferredLayers.Current());
        await video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 0 });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 0 }, video.PreferredLayers.Current());
        await video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 66, TemporalLayer = 66 });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 3, TemporalLayer = 4 }, video.PreferredLayers.Current());
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.setPreferredLayers() with wrong arguments rejects with TypeError")]
    public async Task SetPreferredLayersWithWrongArgumentsThrows()
    {
        var video = await ConsumeVideoAsync();
        // Node's {}, { foo } and 'foo' are not expressible; null and out-of-range layers are the C# equivalents.
        await Assert.ThrowsAsync<ArgumentNullException>(() => video.SetPreferredLayersAsync(null!));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = -1 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 256 }));
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() for an SVC producer honors preferredLayers")]
    public async Task SvcConsumerHonorsPreferredLayers()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = VpxMediaCodecs });
        var transport1 = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        var transport2 = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        var caps = VpxConsumerDeviceCapabilities;
        var producer = await transport1.ProduceAsync(Vp9SvcProducerOptions);
        Assert.True(router.CanConsume(producer.Id, caps));
        var consumer = await transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = caps, Paused = true,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 0 },
        });
        Assert.Equal(ConsumerType.Svc, consumer.Type);
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 0 }, consumer.PreferredLayers.Current());
        var clamped = await transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = caps, Paused = true,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 9, TemporalLayer = 9 },
        });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 2 }, clamped.PreferredLayers.Current());
        var noTemporal = await transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = caps, Paused = true,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 1 },
        });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 2 }, noTemporal.PreferredLayers.Current());
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() for a simulcast producer honors preferredLayers")]
    public async Task SimulcastConsumerHonorsPreferredLayers()
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = VpxMediaCodecs });
        var transport1 = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        var transport2 = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        var caps = VpxConsumerDeviceCapabilities;
        var producer = await transport1.ProduceAsync(Vp8SimulcastProducerOptions);
        Assert.True(router.CanConsume(producer.Id, caps));
        var consumer = await transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = caps, Paused = true,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 0 },
        });
        Assert.Equal(ConsumerType.Simulcast, consumer.Type);
        Assert.Equal(new ConsumerLayers { SpatialLayer = 1, TemporalLayer = 0 }, consumer.PreferredLayers.Current());
        var clamped = await transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = producer.Id, RtpCapabilities = caps, Paused = true,
            PreferredLayers = new ConsumerLayers { SpatialLayer = 9, TemporalLayer = 9 },
        });
        Assert.Equal(new ConsumerLayers { SpatialLayer = 2, TemporalLayer = 4 }, clamped.PreferredLayers.Current());
    }

    private async Task<(Producer Producer, Consumer Consumer)> ProduceAndConsumeVp8Async(string encodings)
    {
        var router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = VpxMediaCodecs });
        var transport1 = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        var transport2 = await router.CreateWebRtcTransportAsync(WebRtcOptions);
        var producer = await transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Rtp($$"""
                { "codecs": [ { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000,
                                "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" } ] } ],
                  "headerExtensions": [], "encodings": {{encodings}}, "rtcp": { "cname": "test" } }
                """),
        });
        var consumer = await transport2.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = VpxConsumerDeviceCapabilities });
        return (producer, consumer);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() from a single-encoding no temporal layer producer is of type simple")]
    public async Task SingleEncodingNoTemporalLayerIsSimple()
    {
        var (producer, consumer) = await ProduceAndConsumeVp8Async("""[ { "ssrc": 11111111 } ]""");
        Assert.Equal(ProducerType.Simple, producer.Type);
        Assert.Equal(ConsumerType.Simple, consumer.Type);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() from a single-encoding multiple temporal layer producer is of type svc")]
    public async Task SingleEncodingTemporalLayersIsSvc()
    {
        var (producer, consumer) = await ProduceAndConsumeVp8Async("""[ { "ssrc": 55555555, "scalabilityMode": "L1T3" } ]""");
        Assert.Equal(ProducerType.Svc, producer.Type);
        Assert.Equal(ConsumerType.Svc, consumer.Type);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "transport.consume() from a multiple-encoding producer is of type simulcast")]
    public async Task MultipleEncodingsIsSimulcast()
    {
        var (producer, consumer) = await ProduceAndConsumeVp8Async(
            """[ { "ssrc": 11111111, "scalabilityMode": "L1T3" }, { "ssrc": 22222222, "scalabilityMode": "L1T3" } ]""");
        Assert.Equal(ProducerType.Simulcast, producer.Type);
        Assert.Equal(ConsumerType.Simulcast, consumer.Type);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.setPriority() succeed")]
    public async Task SetPrioritySucceeds()
    {
        var video = await ConsumeVideoAsync();
        await video.SetPriorityAsync(2);
        Assert.Equal(2, video.Priority.Value);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.setPriority() with wrong arguments rejects with TypeError")]
    public async Task SetPriorityWithWrongArgumentsThrows()
    {
        var video = await ConsumeVideoAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => video.SetPriorityAsync(-1));
        // 0: rejected by the worker with a TypeError.
        await Assert.ThrowsAsync<ArgumentException>(() => video.SetPriorityAsync(0));
        Assert.Equal(1, video.Priority.Value);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.unsetPriority() succeed")]
    public async Task UnsetPrioritySucceeds()
    {
        var video = await ConsumeVideoAsync();
        await video.SetPriorityAsync(5);
        await video.UnsetPriorityAsync();
        Assert.Equal(1, video.Priority.Value);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.enableTraceEvent() succeed")]
    public async Task EnableTraceEventSucceeds()
    {
        var audio = await ConsumeAudioAsync();
        await audio.EnableTraceEventAsync([ConsumerTraceEventType.Rtp, ConsumerTraceEventType.Pli]);
        Assert.Equivalent(new[] { ConsumerTraceEventType.Rtp, ConsumerTraceEventType.Pli }, (await audio.DumpAsync()).TraceEventTypes, strict: true);
        await audio.EnableTraceEventAsync();
        Assert.Empty((await audio.DumpAsync()).TraceEventTypes);
        await audio.EnableTraceEventAsync([ConsumerTraceEventType.Nack, ConsumerTraceEventType.Fir]);
        Assert.Equivalent(new[] { ConsumerTraceEventType.Nack, ConsumerTraceEventType.Fir }, (await audio.DumpAsync()).TraceEventTypes, strict: true);
        await audio.EnableTraceEventAsync();
        Assert.Empty((await audio.DumpAsync()).TraceEventTypes);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.enableTraceEvent() with wrong arguments rejects with TypeError")]
    public async Task EnableTraceEventWithWrongArgumentsThrows()
    {
        var audio = await ConsumeAudioAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audio.EnableTraceEventAsync([(ConsumerTraceEventType)123]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audio.EnableTraceEventAsync([ConsumerTraceEventType.Fir, (ConsumerTraceEventType)123]));
    }

    [Fact]
    [NodeCase("test-Consumer.js", "Consumer emits \"producerpause\" and \"producerresume\"")]
    public async Task EmitsProducerPauseAndResume()
    {
        var audio = await ConsumeAudioAsync();
        var paused = audio.ProducerPaused.FirstAsyncOrTimeout(Timeout);
        Assert.False(await paused);
        var pause = audio.ProducerPaused.Where(p => p).FirstAsyncOrTimeout(Timeout);
        await Task.WhenAll(pause, _audioProducer.PauseAsync());
        Assert.False(audio.Paused.Current());
        Assert.True(audio.ProducerPaused.Current());
        var resume = audio.ProducerPaused.Where(p => !p).FirstAsyncOrTimeout(Timeout);
        await Task.WhenAll(resume, _audioProducer.ResumeAsync());
        Assert.False(audio.Paused.Current());
        Assert.False(audio.ProducerPaused.Current());
    }

    [Fact]
    [NodeCase("test-Consumer.js", "Consumer emits \"score\"")]
    public async Task EmitsScore()
    {
        var audio = await ConsumeAudioAsync();
        var scores = new List<ConsumerScore>();
        using var sub = audio.Score.Skip(1).Subscribe(scores.Add);
        var b = new FlatBufferBuilder(128);
        for (int i = 0; i < 3; i++)
        {
            var producerScores = FBS.Consumer.ConsumerScore.CreateProducerScoresVector(b, [8]);
            var score = FBS.Consumer.ConsumerScore.CreateConsumerScore(b, 9, 10, producerScores);
            WebRtcTransportTests.Notify(audio.NotificationSink, audio.Id, b, FBS.Notification.Event.CONSUMER_SCORE,
                FBS.Notification.Body.Consumer_ScoreNotification, FBS.Consumer.ScoreNotification.CreateScoreNotification(b, score).Value);
        }
        // A state stream: the same score three times is one change.
        Assert.Equal(Score(9, 10, 8), Assert.Single(scores));
        Assert.Equal(Score(9, 10, 8), audio.Score.Current());
    }

    [Fact]
    [NodeCase("test-Consumer.js", "consumer.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var audio = await ConsumeAudioAsync();
        var video = await ConsumeVideoAsync();
        var reasons = new List<CloseReason>();
        using var sub = audio.Closed.Subscribe(reasons.Add);
        var closing = audio.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(audio.IsClosed);
        await closing;
        await Assert.ThrowsAsync<NotFoundException>(() => audio.DumpAsync());
        var routerDump = await _router.DumpAsync();
        Assert.Empty(routerDump.MapProducerIdConsumerIds[_audioProducer.Id]);
        Assert.Equal([video.Id], routerDump.MapProducerIdConsumerIds[_videoProducer.Id]);
        Assert.Equal(new Dictionary<string, string> { [video.Id] = _videoProducer.Id }, routerDump.MapConsumerIdProducerId);
        var transportDump = await _transport2.DumpAsync();
        Assert.Empty(transportDump.ProducerIds);
        Assert.Equal([video.Id], transportDump.ConsumerIds);
        Assert.Equal([video], _transport2.Consumers.Items);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "Consumer methods reject if closed")]
    public async Task MethodsThrowIfClosed()
    {
        var audio = await ConsumeAudioAsync();
        _ = audio.CloseAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => audio.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => audio.GetStatsAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => audio.PauseAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => audio.ResumeAsync());
        // The command policy checks "closed" before the arguments (Node validates them first).
        await Assert.ThrowsAsync<NotFoundException>(() => audio.SetPreferredLayersAsync(null!));
        await Assert.ThrowsAsync<NotFoundException>(() => audio.SetPriorityAsync(2));
        await Assert.ThrowsAsync<NotFoundException>(() => audio.RequestKeyFrameAsync());
    }

    [Fact]
    [NodeCase("test-Consumer.js", "Consumer emits \"producerclose\" if Producer is closed")]
    public async Task ClosesWithProducerClosed()
    {
        var audio = await ConsumeAudioAsync();
        var closed = audio.Closed.FirstAsyncOrTimeout(Timeout);
        bool scoreCompleted = false;
        using var sub = audio.Score.Subscribe(_ => { }, () => scoreCompleted = true);
        await _audioProducer.CloseAsync();
        Assert.Equal(CloseReason.ProducerClosed, await closed);
        Assert.True(scoreCompleted);
        Assert.True(audio.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => audio.DumpAsync());
        Assert.Empty(_transport2.Consumers.Items);
    }

    [Fact]
    [NodeCase("test-Consumer.js", "Consumer emits \"transportclose\" if Transport is closed")]
    public async Task ClosesWithTransportClosed()
    {
        var video = await ConsumeVideoAsync();
        var closed = video.Closed.FirstAsyncOrTimeout(Timeout);
        await _transport2.CloseAsync();
        Assert.Equal(CloseReason.TransportClosed, await closed);
        Assert.True(video.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => video.DumpAsync());
        var routerDump = await _router.DumpAsync();
        Assert.Empty(routerDump.MapProducerIdConsumerIds[_audioProducer.Id]);
        Assert.Empty(routerDump.MapProducerIdConsumerIds[_videoProducer.Id]);
        Assert.Empty(routerDump.MapConsumerIdProducerId);
    }

    // ---------------------------------------------------------------------------------------------
    // Beyond the Node suite
    // ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task ConsumingAPausedProducerKeepsThePauseNotificationSentBeforeTheResponse()
    {
        await _videoProducer.PauseAsync();
        var video = await ConsumeVideoAsync();
        // The worker sent CONSUMER_PRODUCER_PAUSE before the consume response: it was buffered, then applied.
        Assert.True(video.NotificationSink.EarlyNotificationCount >= 1);
        Assert.True(video.ProducerPaused.Current());
        var resumed = video.ProducerPaused.Where(p => !p).FirstAsyncOrTimeout(Timeout);
        await _videoProducer.ResumeAsync();
        Assert.False(await resumed);
    }

    [Fact]
    public async Task ClosingEverythingLeavesNoHandlerAndNoSubscriber()
    {
        var audio = await ConsumeAudioAsync();
        var video = await ConsumeVideoAsync();
        var subscriptions = new List<IDisposable>
        {
            audio.Score.Subscribe(_ => { }), audio.Layers.Subscribe(_ => { }), audio.Rtp.Subscribe(_ => { }),
            video.ProducerPaused.Subscribe(_ => { }), video.Trace.Subscribe(_ => { }),
            _videoProducer.Score.Subscribe(_ => { }), _videoProducer.Trace.Subscribe(_ => { }),
            _transport2.Consumers.Connect().Subscribe(_ => { }), _transport1.Producers.Connect().Subscribe(_ => { }),
            video.PollStats(TimeSpan.FromMilliseconds(50)).Subscribe(_ => { }),
        };
        Assert.Equal(6, _worker.Diagnostics.RegisteredHandlers); // 2 transports, 2 producers, 2 consumers
        await _transport2.CloseAsync();
        Assert.Equal(0, audio.SubscriberCount);
        Assert.Equal(0, video.SubscriberCount);
        Assert.Equal(3, _worker.Diagnostics.RegisteredHandlers);
        await _transport1.CloseAsync();
        Assert.Equal(0, _videoProducer.SubscriberCount);
        Assert.Equal(0, _audioProducer.SubscriberCount);
        Assert.Equal(0, _transport1.Producers.SubscriberCount);
        Assert.Equal(0, _transport2.Consumers.SubscriberCount);
        foreach (var s in subscriptions) s.Dispose();
        await TransportTestHelpers.AssertNoHandlersAsync(_worker);
    }

    [Fact]
    public async Task ProducerCloseClosesConsumersSynchronouslyAndRouterCloseGivesTransportClosed()
    {
        var audio = await ConsumeAudioAsync();
        var video = await ConsumeVideoAsync();
        await _audioProducer.CloseAsync();
        Assert.True(audio.IsClosed);
        Assert.Equal(CloseReason.ProducerClosed, await audio.Closed.FirstAsyncOrTimeout(Timeout));
        // Router close: every consumer closes because its transport did.
        await _router.CloseAsync();
        Assert.Equal(CloseReason.TransportClosed, await video.Closed.FirstAsyncOrTimeout(Timeout));
        Assert.Equal(CloseReason.TransportClosed, await _videoProducer.Closed.FirstAsyncOrTimeout(Timeout));
        Assert.False(_router.CanConsume(_videoProducer.Id, ConsumerDeviceCapabilities));
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task WorkerDeathClosesConsumersWithWorkerDied()
    {
        var audio = await ConsumeAudioAsync();
        var closed = audio.Closed.FirstAsyncOrTimeout(Timeout);
        var producerClosed = _audioProducer.Closed.FirstAsyncOrTimeout(Timeout);
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await closed);
        Assert.Equal(CloseReason.WorkerDied, await producerClosed);
        await Assert.ThrowsAsync<WorkerClosedException>(() => audio.DumpAsync());
    }

    [Fact]
    public async Task CommandsOnAClosedConsumerReturnFaultedTasksAndNeverThrowSynchronously()
    {
        var video = await ConsumeVideoAsync();
        await video.CloseAsync();
        Func<Task>[] commands =
        [
            () => video.DumpAsync(), () => video.GetStatsAsync(), () => video.PauseAsync(), () => video.ResumeAsync(),
            () => video.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = 1 }), () => video.SetPreferredLayersAsync(null!),
            () => video.SetPriorityAsync(2), () => video.SetPriorityAsync(-1), () => video.UnsetPriorityAsync(),
            () => video.RequestKeyFrameAsync(), () => video.EnableTraceEventAsync([ConsumerTraceEventType.Pli]),
            () => video.EnableTraceEventAsync([(ConsumerTraceEventType)123]),
        ];
        foreach (var command in commands)
        {
            var task = command(); // must not throw here
            Assert.True(task.IsFaulted);
            await Assert.ThrowsAsync<NotFoundException>(() => task);
        }
        // Invalid arguments on an open consumer are faulted tasks too.
        var open = await ConsumeVideoAsync();
        Assert.True(open.SetPriorityAsync(-1).IsFaulted);
        Assert.True(open.SetPreferredLayersAsync(null!).IsFaulted);
        Assert.True(open.EnableTraceEventAsync([(ConsumerTraceEventType)123]).IsFaulted);
    }

    [Fact]
    public async Task ConsumeAfterTheWorkerDiedFailsWithWorkerClosedBeforeLookingTheProducerUp()
    {
        var pipe = await _router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = new ListenInfo { Ip = "127.0.0.1" } });
        TestWorkerMode.Kill(_worker);
        Assert.Equal(CloseReason.WorkerDied, await _worker.Closed.FirstAsyncOrTimeout(Timeout));
        // An existing producer and an unknown one: either way the worker's death is the answer (not "not found").
        await Assert.ThrowsAsync<WorkerClosedException>(() => ConsumeAudioAsync());
        await Assert.ThrowsAsync<WorkerClosedException>(() => _transport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = "no-such-producer", RtpCapabilities = ConsumerDeviceCapabilities,
        }));
        await Assert.ThrowsAsync<WorkerClosedException>(() => pipe.ConsumeAsync(new ConsumerOptions { ProducerId = "no-such-producer" }));
    }

    [Fact]
    public async Task PriorityIsAStateThatReplaysItsValueAndFollowsSetAndUnset()
    {
        var video = await ConsumeVideoAsync();
        var values = new List<int>();
        bool completed = false;
        using var sub = video.Priority.Subscribe(values.Add, () => completed = true);
        Assert.Equal([1], values);
        await video.SetPriorityAsync(3);
        // Applied before the awaiter resumes.
        Assert.Equal(3, video.Priority.Value);
        Assert.Equal([1, 3], values);
        Assert.Equal(3, video.Priority.Current()); // a late subscriber gets the current value
        await video.SetPriorityAsync(3);
        Assert.Equal([1, 3], values); // distinct changes only
        await video.UnsetPriorityAsync();
        Assert.Equal([1, 3, 1], values);
        await video.CloseAsync();
        Assert.True(completed);
        Assert.Equal(1, video.Priority.Value);
    }

    [Fact]
    public async Task CancelledConsumeLeavesNothingBehind()
    {
        await CancelRace.CancelRightAfterIssuingAsync(
            ct => _transport2.ConsumeAsync(new ConsumerOptions { ProducerId = _audioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities }, ct),
            c => c.CloseAsync());
        var until = DateTime.UtcNow.AddSeconds(5);
        while ((await _transport2.DumpAsync()).ConsumerIds.Count > 0 && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.Empty((await _transport2.DumpAsync()).ConsumerIds);
        Assert.Empty(_transport2.Consumers.Items);
        Assert.Equal(4, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task ConsumeValidatesOptionsBeforeAnythingIsSent()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport2.ConsumeAsync(new ConsumerOptions { ProducerId = "", RtpCapabilities = ConsumerDeviceCapabilities }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport2.ConsumeAsync(new ConsumerOptions { ProducerId = _audioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities, Mid = "" }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport2.ConsumeAsync(new ConsumerOptions { ProducerId = _audioProducer.Id }));
        Assert.Equal(4, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task PipeTransportConsumersArePipeConsumers()
    {
        var pipe = await _router.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = TransportTestHelpers.Udp() });
        var consumer = await pipe.ConsumeAsync(new ConsumerOptions { ProducerId = _videoProducer.Id });
        Assert.Equal(ConsumerType.Pipe, consumer.Type);
        Assert.Null(consumer.RtpParameters.Mid);
        Assert.Equal(4, consumer.RtpParameters.Encodings.Count);
        // The pipe transport has no RTX by default.
        Assert.DoesNotContain(consumer.RtpParameters.Codecs, c => c.MimeType == "video/rtx");
        Assert.Equal([consumer], pipe.Consumers.Items);
    }

    [Fact]
    public async Task RtpRoundTripThroughDirectTransports()
    {
        var sendTransport = await _router.CreateDirectTransportAsync();
        var recvTransport = await _router.CreateDirectTransportAsync();
        var producer = (DirectProducer)await sendTransport.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = new RtpParameters
            {
                Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
                Encodings = [new() { Ssrc = 1111 }],
            },
        });
        var consumer = await recvTransport.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = _router.RtpCapabilities });
        var first = consumer.Rtp.FirstAsyncOrTimeout(Timeout);
        bool rtpCompleted = false;
        using var sub = consumer.Rtp.Subscribe(_ => { }, () => rtpCompleted = true);
        for (int i = 0; i < 5; i++)
        {
            var packet = new byte[12 + 20];
            packet[0] = 0x80;
            packet[1] = 100;
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)(1000 + i));
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)(960 * i));
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), 1111);
            packet.AsSpan(12).Fill(0x42);
            producer.Send(packet);
        }
        var forwarded = (await first).ToArray();
        Assert.All(forwarded[^20..], b => Assert.Equal(0x42, b));
        Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, BinaryPrimitives.ReadUInt32BigEndian(forwarded.AsSpan(8)));
        Assert.Equal(consumer.RtpParameters.Codecs[0].PayloadType, forwarded[1] & 0x7f);
        var stats = await producer.PollStats(TimeSpan.FromMilliseconds(100)).FirstAsyncOrTimeout(Timeout);
        Assert.True(Assert.Single(stats).PacketCount > 0);
        await recvTransport.CloseAsync();
        Assert.True(rtpCompleted);
    }

    [Fact]
    public async Task UsingConsumerClosesTheConsumerWhenTheSubscriptionEndsAndCompletesWhenTheProducerCloses()
    {
        var options = new ConsumerOptions { ProducerId = _audioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities };
        var created = new TaskCompletionSource<Consumer>();
        var subscription = _transport2.UsingConsumer(options).Subscribe(c => created.TrySetResult(c));
        var consumer = await created.Task.WaitAsync(Timeout);
        Assert.Same(consumer, _transport2.Consumers.Lookup(consumer.Id));
        var closed = consumer.Closed.FirstAsyncOrTimeout(Timeout);
        subscription.Dispose();
        Assert.Equal(CloseReason.Explicit, await closed);

        // The producer closing completes the stream (lifecycle is never an error).
        var completed = new TaskCompletionSource();
        using var second = _transport2.UsingConsumer(options).Subscribe(_ => { }, e => completed.TrySetException(e), () => completed.TrySetResult());
        while (_transport2.Consumers.Count == 0) await Task.Delay(10);
        await _audioProducer.CloseAsync();
        await completed.Task.WaitAsync(Timeout);

        // A creation failure is the stream's error.
        var error = await Assert.ThrowsAsync<NotFoundException>(() => _transport2.UsingConsumer(options).FirstAsyncOrTimeout(Timeout));
        Assert.Contains(_audioProducer.Id, error.Message);
    }

    [Fact]
    public async Task UsingProducerClosesTheProducerWhenTheSubscriptionEnds()
    {
        var created = new TaskCompletionSource<Producer>();
        var subscription = _transport2.UsingProducer(ConsumerAudioProducerOptions with { Id = null }).Subscribe(p => created.TrySetResult(p));
        var producer = await created.Task.WaitAsync(Timeout);
        var closed = producer.Closed.FirstAsyncOrTimeout(Timeout);
        subscription.Dispose();
        Assert.Equal(CloseReason.Explicit, await closed);
        Assert.Empty(_transport2.Producers.Items);
    }
}
