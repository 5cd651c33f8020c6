using System.Reactive.Linq;
using Google.FlatBuffers;
using RxMediasoup.Tests.Infrastructure;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Tests.Producers;

/// <summary>Port of mediasoup 3.27.1 node/lib/test/test-Producer.js, against the real worker.</summary>
public sealed class ProducerTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;
    private WebRtcTransport _transport1 = null!;
    private WebRtcTransport _transport2 = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ProducerMediaCodecs });
        _transport1 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
        _transport2 = await _router.CreateWebRtcTransportAsync(WebRtcOptions);
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private static RtpParameters Simple(string encodings) => Rtp($$"""
        { "codecs": [ { "mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000 } ],
          "encodings": {{encodings}}, "rtcp": { "cname": "test" } }
        """);

    [Fact]
    [NodeCase("test-Producer.js", "webRtcTransport1.produce() succeeds")]
    public async Task Transport1ProduceSucceeds()
    {
        var changes = new List<IEntityChangeSet<Producer, string>>();
        using var sub = _transport1.Producers.Connect().Subscribe(changes.Add);
        var producer = await _transport1.ProduceAsync(ProducerAudioOptions);
        Assert.Equal(2, changes.Count);
        Assert.Same(producer, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(producer.Id, out _));
        Assert.False(producer.IsClosed);
        Assert.Equal(MediaKind.Audio, producer.Kind);
        Assert.NotNull(producer.RtpParameters);
        Assert.Equal(ProducerType.Simple, producer.Type);
        Assert.NotNull(producer.ConsumableRtpParameters);
        Assert.False(producer.Paused.Current());
        Assert.Empty(producer.Score.Current());
        Assert.Equal(AppData, producer.AppData);

        var routerDump = await _router.DumpAsync();
        Assert.Equal([producer.Id], routerDump.MapProducerIdConsumerIds.Keys);
        Assert.Empty(routerDump.MapProducerIdConsumerIds[producer.Id]);
        Assert.Empty(routerDump.MapConsumerIdProducerId);
        var transportDump = await _transport1.DumpAsync();
        Assert.Equal(_transport1.Id, transportDump.Id);
        Assert.Equal([producer.Id], transportDump.ProducerIds);
        Assert.Empty(transportDump.ConsumerIds);
    }

    [Fact]
    [NodeCase("test-Producer.js", "webRtcTransport2.produce() succeeds")]
    public async Task Transport2ProduceSucceeds()
    {
        var changes = new List<IEntityChangeSet<Producer, string>>();
        using var sub = _transport2.Producers.Connect().Subscribe(changes.Add);
        var producer = await _transport2.ProduceAsync(ProducerVideoOptions);
        Assert.Same(producer, Assert.Single(changes[1]).Current);
        Assert.True(Guid.TryParse(producer.Id, out _));
        Assert.False(producer.IsClosed);
        Assert.Equal(MediaKind.Video, producer.Kind);
        Assert.Equal(ProducerType.Simulcast, producer.Type);
        Assert.NotNull(producer.ConsumableRtpParameters);
        Assert.False(producer.Paused.Current());
        Assert.Empty(producer.Score.Current());
        Assert.Equal(AppData, producer.AppData);

        var routerDump = await _router.DumpAsync();
        Assert.Empty(routerDump.MapProducerIdConsumerIds[producer.Id]);
        Assert.Empty(routerDump.MapConsumerIdProducerId);
        var transportDump = await _transport2.DumpAsync();
        Assert.Equal([producer.Id], transportDump.ProducerIds);
        Assert.Empty(transportDump.ConsumerIds);
    }

    [Fact]
    [NodeCase("test-Producer.js", "webRtcTransport1.produce() without header extensions and rtcp succeeds")]
    public async Task ProduceWithoutHeaderExtensionsAndRtcpSucceeds()
    {
        var producer = await _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp("""
                { "mid": "AUDIO2",
                  "codecs": [ { "mimeType": "audio/opus", "payloadType": 0, "clockRate": 48000, "channels": 2,
                                "parameters": { "useinbandfec": 1, "usedtx": 1, "foo": 222.222, "bar": "333" } } ] }
                """),
            AppData = new Dictionary<string, object?>(AppData),
        });
        Assert.Same(producer, _transport1.Producers.Lookup(producer.Id));
        Assert.False(producer.IsClosed);
        Assert.Equal(MediaKind.Audio, producer.Kind);
        Assert.Equal(ProducerType.Simple, producer.Type);
        Assert.False(producer.Paused.Current());
        Assert.Empty(producer.Score.Current());
        Assert.Equal(AppData, producer.AppData);
        // The transport generated a CNAME.
        Assert.False(string.IsNullOrEmpty(producer.RtpParameters.Rtcp.Cname));
        await producer.CloseAsync();
    }

    [Fact]
    [NodeCase("test-Producer.js", "webRtcTransport1.produce() with wrong arguments rejects with TypeError")]
    public async Task ProduceWithWrongArgumentsThrowsArgumentException()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = (MediaKind)42, RtpParameters = new RtpParameters { Codecs = [] },
        }));
        // Invalid ssrc: not expressible (uint); an empty codec list instead.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp("""{ "codecs": [], "headerExtensions": [], "encodings": [ { "ssrc": 1111 } ], "rtcp": { "cname": "qwerty" } }"""),
        }));
        // Missing or empty rtpParameters.encodings.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Rtp("""
                { "codecs": [
                    { "mimeType": "video/h264", "payloadType": 112, "clockRate": 90000,
                      "parameters": { "packetization-mode": 1, "profile-level-id": "4d0032" } },
                    { "mimeType": "video/rtx", "payloadType": 113, "clockRate": 90000, "parameters": { "apt": 112 } } ],
                  "headerExtensions": [], "encodings": [], "rtcp": { "cname": "qwerty" } }
                """),
        }));
        // Wrong apt in RTX codec.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp("""
                { "codecs": [
                    { "mimeType": "video/h264", "payloadType": 112, "clockRate": 90000,
                      "parameters": { "packetization-mode": 1, "profile-level-id": "4d0032" } },
                    { "mimeType": "video/rtx", "payloadType": 113, "clockRate": 90000, "parameters": { "apt": 111 } } ],
                  "headerExtensions": [], "encodings": [ { "ssrc": 6666, "rtx": { "ssrc": 6667 } } ], "rtcp": { "cname": "video-1" } }
                """),
        }));
        // Nothing reached the worker.
        Assert.Empty((await _transport1.DumpAsync()).ProducerIds);
        Assert.Equal(2, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    [NodeCase("test-Producer.js", "webRtcTransport1.produce() with unsupported codecs rejects with UnsupportedError")]
    public async Task ProduceWithUnsupportedCodecsThrowsUnsupported()
    {
        await Assert.ThrowsAsync<UnsupportedException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp("""
                { "codecs": [ { "mimeType": "audio/ISAC", "payloadType": 108, "clockRate": 32000 } ],
                  "headerExtensions": [], "encodings": [ { "ssrc": 1111 } ], "rtcp": { "cname": "audio" } }
                """),
        }));
        // Invalid H264 profile-level-id.
        await Assert.ThrowsAsync<UnsupportedException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Rtp("""
                { "codecs": [
                    { "mimeType": "video/h264", "payloadType": 112, "clockRate": 90000,
                      "parameters": { "packetization-mode": 1, "profile-level-id": "CHICKEN" } },
                    { "mimeType": "video/rtx", "payloadType": 113, "clockRate": 90000, "parameters": { "apt": 112 } } ],
                  "headerExtensions": [], "encodings": [ { "ssrc": 6666, "rtx": { "ssrc": 6667 } } ] }
                """),
        }));
    }

    [Fact]
    [NodeCase("test-Producer.js", "transport.produce() with already used MID or SSRC rejects with Error")]
    public async Task ProduceWithUsedMidOrSsrcThrows()
    {
        var audio = new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp("""
                { "mid": "AUDIO", "codecs": [ { "mimeType": "audio/opus", "payloadType": 0, "clockRate": 48000, "channels": 2 } ],
                  "encodings": [ { "ssrc": 33333333 } ] }
                """),
        };
        var video = new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Rtp("""
                { "mid": "VIDEO2",
                  "codecs": [ { "mimeType": "video/h264", "payloadType": 112, "clockRate": 90000,
                                "parameters": { "packetization-mode": 1, "profile-level-id": "4d0032" } } ],
                  "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 } ],
                  "encodings": [ { "ssrc": 22222222 } ], "rtcp": { "cname": "video-1" } }
                """),
        };
        await _transport1.ProduceAsync(audio);
        await Assert.ThrowsAnyAsync<MediasoupException>(() => _transport1.ProduceAsync(audio));
        await _transport2.ProduceAsync(video);
        await Assert.ThrowsAnyAsync<MediasoupException>(() => _transport2.ProduceAsync(video));
        // The failed creations left no handler behind: 2 transports + 2 producers.
        Assert.Equal(4, _worker.Diagnostics.RegisteredHandlers);
        Assert.Single(_transport1.Producers.Items);
    }

    [Fact]
    [NodeCase("test-Producer.js", "transport.produce() with no MID and with single encoding without RID or SSRC rejects with Error")]
    public async Task ProduceWithoutMidRidOrSsrcThrows()
    {
        // The worker rejects it with a TypeError.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            RtpParameters = Rtp("""
                { "codecs": [ { "mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2 } ], "encodings": [ {} ] }
                """),
        }));
    }

    [Fact]
    [NodeCase("test-Producer.js", "transport.produce() with single encoding and no temporal layers is of type simple")]
    public async Task SingleEncodingIsSimple()
    {
        var producer = await _transport1.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Simple("""[ { "ssrc": 11111111 } ]""") });
        Assert.Equal(ProducerType.Simple, producer.Type);
    }

    [Fact]
    [NodeCase("test-Producer.js", "transport.produce() with single encoding and temporal layers is of type svc")]
    public async Task SingleEncodingWithTemporalLayersIsSvc()
    {
        var producer = await _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video, RtpParameters = Simple("""[ { "ssrc": 11111111, "scalabilityMode": "L1T3" } ]"""),
        });
        Assert.Equal(ProducerType.Svc, producer.Type);
    }

    [Fact]
    [NodeCase("test-Producer.js", "transport.produce() with multiple encodings is of type simulcast")]
    public async Task MultipleEncodingsIsSimulcast()
    {
        var producer = await _transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Simple("""[ { "ssrc": 11111111, "scalabilityMode": "L1T3" }, { "ssrc": 22222222, "scalabilityMode": "L1T3" } ]"""),
        });
        Assert.Equal(ProducerType.Simulcast, producer.Type);
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.dump() succeeds")]
    public async Task DumpSucceeds()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        var dump1 = await audio.DumpAsync();
        Assert.Equal(audio.Id, dump1.Id);
        Assert.Equal(audio.Kind, dump1.Kind);
        var codec = Assert.Single(dump1.RtpParameters.Codecs);
        Assert.Equal("audio/opus", codec.MimeType);
        Assert.Equal(0, codec.PayloadType);
        Assert.Equal(48000, codec.ClockRate);
        Assert.Equal(2, codec.Channels);
        Assert.Equal(new Dictionary<string, RtpParameterValue> { ["useinbandfec"] = 1, ["usedtx"] = 1, ["foo"] = 222.222, ["bar"] = "333" },
            codec.Parameters);
        Assert.Empty(codec.RtcpFeedback);
        Assert.Equal(
            [new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", Id = 10 },
             new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level", Id = 12 }],
            dump1.RtpParameters.HeaderExtensions);
        Assert.Equal(0, Assert.Single(dump1.RtpParameters.Encodings).CodecPayloadType);
        Assert.Equal(ProducerType.Simple, dump1.Type);

        var video = await _transport2.ProduceAsync(ProducerVideoOptions);
        var dump2 = await video.DumpAsync();
        Assert.Equal(video.Id, dump2.Id);
        Assert.Equal(video.Kind, dump2.Kind);
        Assert.Equal(2, dump2.RtpParameters.Codecs.Count);
        var h264 = dump2.RtpParameters.Codecs[0];
        Assert.Equal("video/H264", h264.MimeType);
        Assert.Equal(112, h264.PayloadType);
        Assert.Equal(90000, h264.ClockRate);
        Assert.Null(h264.Channels);
        Assert.Equal(new Dictionary<string, RtpParameterValue> { ["packetization-mode"] = 1, ["profile-level-id"] = "4d0032" }, h264.Parameters);
        Assert.Equal([new RtcpFeedback("nack"), new RtcpFeedback("nack", "pli"), new RtcpFeedback("goog-remb")], h264.RtcpFeedback);
        var rtx = dump2.RtpParameters.Codecs[1];
        Assert.Equal("video/rtx", rtx.MimeType);
        Assert.Equal(113, rtx.PayloadType);
        Assert.Equal(90000, rtx.ClockRate);
        Assert.Null(rtx.Channels);
        Assert.Equal(new Dictionary<string, RtpParameterValue> { ["apt"] = 112 }, rtx.Parameters);
        Assert.Empty(rtx.RtcpFeedback);
        Assert.Equal(
            [new RtpHeaderExtensionParameters { Uri = "urn:ietf:params:rtp-hdrext:sdes:mid", Id = 10 },
             new RtpHeaderExtensionParameters { Uri = "urn:3gpp:video-orientation", Id = 13 }],
            dump2.RtpParameters.HeaderExtensions);
        Assert.Equal(4, dump2.RtpParameters.Encodings.Count);
        uint[] ssrcs = [22222222, 22222224, 22222226, 22222228];
        for (int i = 0; i < 4; i++)
        {
            var e = dump2.RtpParameters.Encodings[i];
            Assert.Equal(112, e.CodecPayloadType);
            Assert.Equal(ssrcs[i], e.Ssrc);
            Assert.Equal(ssrcs[i] + 1, e.Rtx?.Ssrc);
        }
        Assert.Equal("L1T3", dump2.RtpParameters.Encodings[0].ScalabilityMode);
        Assert.Equal(ProducerType.Simulcast, dump2.Type);
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.getStats() succeeds")]
    public async Task GetStatsSucceeds()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        var video = await _transport2.ProduceAsync(ProducerVideoOptions);
        Assert.Empty(await audio.GetStatsAsync());
        Assert.Empty(await video.GetStatsAsync());
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.pause() and resume() succeed")]
    public async Task PauseAndResumeSucceed()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
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
        // The replayed false, then 3 pauses and 3 resumes.
        Assert.Equal([false, true, false, true, false, true, false], values);
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.pause() and resume() emit events")]
    public async Task PauseAndResumeEmitEvents()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        var values = new List<bool>();
        using var sub = audio.Paused.Skip(1).Subscribe(values.Add);
        await Task.WhenAll(audio.PauseAsync(), audio.ResumeAsync());
        Assert.Equal([true, false], values);
        Assert.False(audio.Paused.Current());
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.enableTraceEvent() succeed")]
    public async Task EnableTraceEventSucceeds()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        await audio.EnableTraceEventAsync([ProducerTraceEventType.Rtp, ProducerTraceEventType.Pli]);
        Assert.Equivalent(new[] { ProducerTraceEventType.Rtp, ProducerTraceEventType.Pli }, (await audio.DumpAsync()).TraceEventTypes, strict: true);
        await audio.EnableTraceEventAsync();
        Assert.Empty((await audio.DumpAsync()).TraceEventTypes);
        // Node's 'FOO' is not expressible as an enum value; the valid ones are enabled.
        await audio.EnableTraceEventAsync([ProducerTraceEventType.Nack, ProducerTraceEventType.Fir]);
        Assert.Equivalent(new[] { ProducerTraceEventType.Nack, ProducerTraceEventType.Fir }, (await audio.DumpAsync()).TraceEventTypes, strict: true);
        await audio.EnableTraceEventAsync();
        Assert.Empty((await audio.DumpAsync()).TraceEventTypes);
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.enableTraceEvent() with wrong arguments rejects with TypeError")]
    public async Task EnableTraceEventWithWrongArgumentsThrows()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audio.EnableTraceEventAsync([(ProducerTraceEventType)123]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audio.EnableTraceEventAsync([ProducerTraceEventType.Fir, (ProducerTraceEventType)123]));
    }

    [Fact]
    [NodeCase("test-Producer.js", "Producer emits \"score\"")]
    public async Task EmitsScore()
    {
        var video = await _transport2.ProduceAsync(ProducerVideoOptions);
        var scores = new List<IReadOnlyList<ProducerScore>>();
        using var sub = video.Score.Skip(1).Subscribe(scores.Add);
        var b = new FlatBufferBuilder(256);
        for (int i = 0; i < 3; i++)
        {
            var s0 = FBS.Producer.Score.CreateScore(b, 0, 11, default, 10);
            var s1 = FBS.Producer.Score.CreateScore(b, 1, 22, default, 9);
            var vector = FBS.Producer.ScoreNotification.CreateScoresVector(b, [s0, s1]);
            WebRtcTransportTests.Notify(video.NotificationSink, video.Id, b, FBS.Notification.Event.PRODUCER_SCORE,
                FBS.Notification.Body.Producer_ScoreNotification, FBS.Producer.ScoreNotification.CreateScoreNotification(b, vector).Value);
        }
        // A state stream: the same scores three times are one change.
        var expected = new[]
        {
            new ProducerScore { EncodingIdx = 0, Ssrc = 11, Rid = null, Score = 10 },
            new ProducerScore { EncodingIdx = 1, Ssrc = 22, Rid = null, Score = 9 },
        };
        Assert.Equal(expected, Assert.Single(scores));
        Assert.Equal(expected, video.Score.Current());
    }

    [Fact]
    [NodeCase("test-Producer.js", "producer.close() succeeds")]
    public async Task CloseSucceeds()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        var reasons = new List<CloseReason>();
        using var sub = audio.Closed.Subscribe(reasons.Add);
        var closing = audio.CloseAsync();
        Assert.Equal([CloseReason.Explicit], reasons);
        Assert.True(audio.IsClosed);
        await closing;
        await Assert.ThrowsAsync<NotFoundException>(() => audio.DumpAsync());
        var routerDump = await _router.DumpAsync();
        Assert.Empty(routerDump.MapProducerIdConsumerIds);
        Assert.Empty(routerDump.MapConsumerIdProducerId);
        var transportDump = await _transport1.DumpAsync();
        Assert.Empty(transportDump.ProducerIds);
        Assert.Empty(transportDump.ConsumerIds);
        Assert.Empty(_transport1.Producers.Items);
    }

    [Fact]
    [NodeCase("test-Producer.js", "Producer methods reject if closed")]
    public async Task MethodsThrowIfClosed()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        _ = audio.CloseAsync();
        await Assert.ThrowsAsync<NotFoundException>(() => audio.DumpAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => audio.GetStatsAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => audio.PauseAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => audio.ResumeAsync());
    }

    [Fact]
    [NodeCase("test-Producer.js", "Producer emits \"transportclose\" if Transport is closed")]
    public async Task ClosesWithTransportClosed()
    {
        var video = await _transport2.ProduceAsync(ProducerVideoOptions);
        var reasons = new List<CloseReason>();
        bool scoreCompleted = false;
        using var a = video.Closed.Subscribe(reasons.Add);
        using var b = video.Score.Subscribe(_ => { }, () => scoreCompleted = true);
        await _transport2.CloseAsync();
        Assert.Equal([CloseReason.TransportClosed], reasons);
        Assert.True(scoreCompleted);
        Assert.True(video.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => video.DumpAsync());
    }

    // ---------------------------------------------------------------------------------------------
    // Beyond the Node suite
    // ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task VideoOrientationAndTraceNotificationsAreStreamed()
    {
        var video = await _transport2.ProduceAsync(ProducerVideoOptions);
        var orientations = new List<ProducerVideoOrientation?>();
        using var sub = video.VideoOrientation.Subscribe(orientations.Add);
        var b = new FlatBufferBuilder(128);
        WebRtcTransportTests.Notify(video.NotificationSink, video.Id, b, FBS.Notification.Event.PRODUCER_VIDEO_ORIENTATION_CHANGE,
            FBS.Notification.Body.Producer_VideoOrientationChangeNotification,
            FBS.Producer.VideoOrientationChangeNotification.CreateVideoOrientationChangeNotification(b, true, false, 90).Value);
        Assert.Equal([null, new ProducerVideoOrientation { Camera = true, Flip = false, Rotation = 90 }], orientations);
        await video.CloseAsync();
        Assert.Equal(0, video.SubscriberCount);
    }

    [Fact]
    public async Task ProduceWithGivenIdAndDuplicateIdRejected()
    {
        string id = Guid.NewGuid().ToString();
        var producer = await _transport1.ProduceAsync(ProducerAudioOptions with { Id = id });
        Assert.Equal(id, producer.Id);
        await Assert.ThrowsAsync<ArgumentException>(() => _transport1.ProduceAsync(ProducerAudioOptions with { Id = id }));
    }

    [Fact]
    public async Task TransportCnameReplacesTheProducers()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        var video = await _transport1.ProduceAsync(ProducerVideoOptions);
        Assert.Equal("audio-1", audio.RtpParameters.Rtcp.Cname);
        Assert.Equal("audio-1", video.RtpParameters.Rtcp.Cname);
        Assert.Equal("audio-1", video.ConsumableRtpParameters.Rtcp.Cname);
    }

    [Fact]
    public async Task EmptyCnameCountsAsNoneAndTheTransportGeneratesOne()
    {
        // Chrome's simulcast offer gives cname "": the worker refuses an empty CNAME, Node treats "" as missing.
        var video = await _transport1.ProduceAsync(ProducerVideoOptions with
        {
            RtpParameters = ProducerVideoOptions.RtpParameters with { Rtcp = ProducerVideoOptions.RtpParameters.Rtcp with { Cname = "" } },
        });
        string cname = video.RtpParameters.Rtcp.Cname!;
        Assert.Equal(8, cname.Length);
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        Assert.Equal(cname, audio.RtpParameters.Rtcp.Cname);
    }

    [Fact]
    public async Task SendIsOnlyForDirectTransports()
    {
        // Send() is carried by DirectProducer, the type a direct transport's ProduceAsync creates; other producers lack it.
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        Assert.IsNotType<DirectProducer>(audio);
        Assert.Null(typeof(Producer).GetMethod("Send"));
    }

    [Fact]
    public async Task WorkerCloseClosesProducersWithWorkerClosedAndLeavesNoHandler()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        var reasons = new List<CloseReason>();
        using var sub = audio.Closed.Subscribe(reasons.Add);
        await _worker.CloseAsync();
        Assert.Equal([CloseReason.WorkerClosed], reasons);
        await Assert.ThrowsAsync<WorkerClosedException>(() => audio.DumpAsync());
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task CancelledProduceLeavesNothingBehind()
    {
        await CancelRace.CancelRightAfterIssuingAsync(ct => _transport1.ProduceAsync(ProducerAudioOptions, ct), p => p.CloseAsync());
        var until = DateTime.UtcNow.AddSeconds(5);
        while ((await _transport1.DumpAsync()).ProducerIds.Count > 0 && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.Empty((await _transport1.DumpAsync()).ProducerIds);
        Assert.Empty(_transport1.Producers.Items);
        Assert.Equal(2, _worker.Diagnostics.RegisteredHandlers);
        // The MID and SSRC are free again.
        await _transport1.ProduceAsync(ProducerAudioOptions);
    }

    [Fact]
    public async Task CommandsOnAClosedProducerReturnFaultedTasks()
    {
        var audio = await _transport1.ProduceAsync(ProducerAudioOptions);
        await audio.CloseAsync();
        var dump = audio.DumpAsync();
        var stats = audio.GetStatsAsync();
        var trace = audio.EnableTraceEventAsync([ProducerTraceEventType.Rtp]);
        Assert.True(dump.IsFaulted && stats.IsFaulted && trace.IsFaulted);
        await Assert.ThrowsAsync<NotFoundException>(() => trace);
    }
}
