using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using static RxMediasoup.Tests.Media.MediaTestData;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.PipeToRouter;

/// <summary>
/// mediasoup 3.27.1 node/lib/test/test-PipeTransport.js against the real worker: two workers, a router in each, a
/// WebRTC transport in each, audio, video and data producers on the first.
/// </summary>
public sealed class PipeToRouterTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private RxMediasoup.Worker _worker1 = null!;
    private RxMediasoup.Worker _worker2 = null!;
    private RxMediasoup.Router _router1 = null!;
    private RxMediasoup.Router _router2 = null!;
    private WebRtcTransport _webRtcTransport1 = null!;
    private WebRtcTransport _webRtcTransport2 = null!;
    private RxMediasoup.Producer _audioProducer = null!;
    private RxMediasoup.Producer _videoProducer = null!;
    private DataProducer _dataProducer = null!;

    internal static IReadOnlyList<RtpCodecCapability> MediaCodecs => Json<RtpCodecCapability[]>("""
        [
          { "kind": "audio", "mimeType": "audio/opus", "clockRate": 48000, "channels": 2 },
          { "kind": "video", "mimeType": "video/VP8", "clockRate": 90000 }
        ]
        """);

    internal static ProducerOptions AudioProducerOptions => new()
    {
        Kind = MediaKind.Audio,
        RtpParameters = Rtp("""
            {
              "mid": "AUDIO",
              "codecs": [ { "mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                            "parameters": { "useinbandfec": 1, "foo": "bar1" } } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 } ],
              "encodings": [ { "ssrc": 11111111 } ],
              "rtcp": { "cname": "FOOBAR" }
            }
            """),
        AppData = new Dictionary<string, object?> { ["foo"] = "bar1" },
    };

    private static ProducerOptions VideoProducerOptions => new()
    {
        Kind = MediaKind.Video,
        RtpParameters = Rtp("""
            {
              "mid": "VIDEO",
              "codecs": [ { "mimeType": "video/VP8", "payloadType": 112, "clockRate": 90000,
                            "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" },
                                              { "type": "goog-remb" }, { "type": "lalala" } ] } ],
              "headerExtensions": [ { "uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 10 },
                                    { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 11 },
                                    { "uri": "urn:3gpp:video-orientation", "id": 13 } ],
              "encodings": [ { "ssrc": 22222222 }, { "ssrc": 22222223 }, { "ssrc": 22222224 } ],
              "rtcp": { "cname": "FOOBAR" },
              "msid": "aaaa-bbbb"
            }
            """),
        AppData = new Dictionary<string, object?> { ["foo"] = "bar2" },
    };

    private static DataProducerOptions DataProducerOptions => new()
    {
        SctpStreamParameters = new SctpStreamParameters { StreamId = 666, Ordered = false, MaxPacketLifeTime = 5000 },
        Label = "foo",
        Protocol = "bar",
    };

    private static RtpCapabilities ConsumerDeviceCapabilities => Json<RtpCapabilities>("""
        {
          "codecs": [
            { "kind": "audio", "mimeType": "audio/opus", "preferredPayloadType": 100, "clockRate": 48000, "channels": 2 },
            { "kind": "video", "mimeType": "video/VP8", "preferredPayloadType": 101, "clockRate": 90000,
              "rtcpFeedback": [ { "type": "nack" }, { "type": "ccm", "parameter": "fir" }, { "type": "transport-cc" } ] },
            { "kind": "video", "mimeType": "video/rtx", "preferredPayloadType": 102, "clockRate": 90000,
              "parameters": { "apt": 101 }, "rtcpFeedback": [] }
          ],
          "headerExtensions": [
            { "kind": "video", "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "preferredId": 4,
              "preferredEncrypt": false, "direction": "sendrecv" },
            { "kind": "video", "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "preferredId": 5,
              "preferredEncrypt": false },
            { "kind": "audio", "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "preferredId": 6, "preferredEncrypt": false }
          ]
        }
        """);

    private static RtpCodecParameters Codec(string json) => Json<RtpCodecParameters>(json);

    private static RtpHeaderExtensionParameters[] HeaderExtensions(string json) => Json<RtpHeaderExtensionParameters[]>(json);

    private static readonly RtpHeaderExtensionParameters[] ExpectedAudioHeaderExtensions = HeaderExtensions("""
        [
          { "uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 6, "encrypt": false, "parameters": {} },
          { "uri": "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension", "id": 7, "encrypt": false, "parameters": {} },
          { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 11, "encrypt": false, "parameters": {} },
          { "uri": "urn:mediasoup:params:rtp-hdrext:packet-id", "id": 12, "encrypt": false, "parameters": {} }
        ]
        """);

    private static readonly RtpHeaderExtensionParameters[] ExpectedVideoHeaderExtensions = HeaderExtensions("""
        [
          { "uri": "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension", "id": 7, "encrypt": false, "parameters": {} },
          { "uri": "urn:3gpp:video-orientation", "id": 8, "encrypt": false, "parameters": {} },
          { "uri": "urn:ietf:params:rtp-hdrext:toffset", "id": 9, "encrypt": false, "parameters": {} },
          { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", "id": 11, "encrypt": false, "parameters": {} },
          { "uri": "urn:mediasoup:params:rtp-hdrext:packet-id", "id": 12, "encrypt": false, "parameters": {} }
        ]
        """);

    private static readonly RtpCodecParameters ExpectedPipeOpus = Codec("""
        { "mimeType": "audio/opus", "clockRate": 48000, "payloadType": 100, "channels": 2,
          "parameters": { "useinbandfec": 1, "foo": "bar1" }, "rtcpFeedback": [] }
        """);

    private static readonly RtpCodecParameters ExpectedPipeVp8 = Codec("""
        { "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000, "parameters": {},
          "rtcpFeedback": [ { "type": "nack", "parameter": "pli" }, { "type": "ccm", "parameter": "fir" } ] }
        """);

    private static ConsumerScore Score(int score, int producerScore, params int[] producerScores)
        => new() { Score = score, ProducerScore = producerScore, ProducerScores = producerScores };

    /// <summary>
    /// A new pipe consumer's score. Node's <c>PipeTransport.consume()</c> drops the worker's initial score and starts at
    /// its default <c>{ score: 10, producerScore: 10, producerScores: [] }</c> (what test-PipeTransport.js asserts);
    /// RxMediasoup keeps what the worker answers, which also lists a 0 for each of the producer's streams (as for a
    /// pipe consumer created by <c>consume({ pipe: true })</c> in test-Consumer.js).
    /// </summary>
    private static ConsumerScore PipeScore(int streams) => Score(10, 10, new int[streams]);

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker1 = await RxMediasoup.Worker.CreateAsync();
        _worker2 = await RxMediasoup.Worker.CreateAsync();
        _router1 = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        _router2 = await _worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        _webRtcTransport1 = await _router1.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback], EnableSctp = true });
        _webRtcTransport2 = await _router2.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback], EnableSctp = true });
        _audioProducer = await _webRtcTransport1.ProduceAsync(AudioProducerOptions);
        _videoProducer = await _webRtcTransport1.ProduceAsync(VideoProducerOptions);
        _dataProducer = await _webRtcTransport1.ProduceDataAsync(DataProducerOptions);
    }

    public async Task DisposeAsync()
    {
        await _worker1.CloseAsync();
        await _worker2.CloseAsync();
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() succeeds with audio")]
    public async Task PipeToRouterSucceedsWithAudio()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _audioProducer.Id, Router = _router2 });
        var pipeConsumer = result.PipeConsumer!;
        var pipeProducer = result.PipeProducer!;
        Assert.Null(result.PipeDataConsumer);
        Assert.Null(result.PipeDataProducer);

        // Two transports in each router: the WebRTC transport and the pipe transport to the other router.
        Assert.Equal(2, (await _router1.DumpAsync()).TransportIds.Count);
        Assert.Equal(2, (await _router2.DumpAsync()).TransportIds.Count);

        Assert.False(string.IsNullOrEmpty(pipeConsumer.Id));
        Assert.False(pipeConsumer.IsClosed);
        Assert.Equal(MediaKind.Audio, pipeConsumer.Kind);
        Assert.Null(pipeConsumer.RtpParameters.Mid);
        Assert.Equal([ExpectedPipeOpus], pipeConsumer.RtpParameters.Codecs);
        Assert.Equal(ExpectedAudioHeaderExtensions, pipeConsumer.RtpParameters.HeaderExtensions);
        Assert.Equal(ConsumerType.Pipe, pipeConsumer.Type);
        Assert.False(pipeConsumer.Paused.Current());
        Assert.False(pipeConsumer.ProducerPaused.Current());
        Assert.Equal(PipeScore(1), pipeConsumer.Score.Current());
        Assert.Empty(pipeConsumer.AppData);

        Assert.Equal(_audioProducer.Id, pipeProducer.Id);
        Assert.False(pipeProducer.IsClosed);
        Assert.Equal(MediaKind.Audio, pipeProducer.Kind);
        Assert.Null(pipeProducer.RtpParameters.Mid);
        Assert.Equal([ExpectedPipeOpus], pipeProducer.RtpParameters.Codecs);
        Assert.Equal(ExpectedAudioHeaderExtensions, pipeProducer.RtpParameters.HeaderExtensions);
        Assert.False(pipeProducer.Paused.Current());
        Assert.Same(_router2, pipeProducer.Transport.Router);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() succeeds with video")]
    public async Task PipeToRouterSucceedsWithVideo()
    {
        // Node's case runs after the audio one in the same context: pipe the audio first so the pair is reused.
        await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _audioProducer.Id, Router = _router2 });
        await _videoProducer.PauseAsync();
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _videoProducer.Id, Router = _router2 });
        var pipeConsumer = result.PipeConsumer!;
        var pipeProducer = result.PipeProducer!;

        // No new pipe transport: the existing one is used.
        Assert.Equal(2, (await _router1.DumpAsync()).TransportIds.Count);
        Assert.Equal(2, (await _router2.DumpAsync()).TransportIds.Count);

        Assert.False(pipeConsumer.IsClosed);
        Assert.Equal(MediaKind.Video, pipeConsumer.Kind);
        Assert.Null(pipeConsumer.RtpParameters.Mid);
        Assert.Equal([ExpectedPipeVp8], pipeConsumer.RtpParameters.Codecs);
        Assert.Equal(ExpectedVideoHeaderExtensions, pipeConsumer.RtpParameters.HeaderExtensions);
        Assert.Equal(ConsumerType.Pipe, pipeConsumer.Type);
        Assert.False(pipeConsumer.Paused.Current());
        Assert.True(pipeConsumer.ProducerPaused.Current());
        Assert.Equal(PipeScore(3), pipeConsumer.Score.Current());
        Assert.Empty(pipeConsumer.AppData);

        Assert.Equal(_videoProducer.Id, pipeProducer.Id);
        Assert.False(pipeProducer.IsClosed);
        Assert.Equal(MediaKind.Video, pipeProducer.Kind);
        Assert.Null(pipeProducer.RtpParameters.Mid);
        Assert.Equal([ExpectedPipeVp8], pipeProducer.RtpParameters.Codecs);
        Assert.Equal(ExpectedVideoHeaderExtensions, pipeProducer.RtpParameters.HeaderExtensions);
        Assert.True(pipeProducer.Paused.Current());
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() gives abs-capture-time to the pipe Consumer if the Producer has it")]
    public async Task PipeToRouterGivesAbsCaptureTimeToThePipeConsumerIfTheProducerHasIt()
    {
        var videoProducer2 = await _webRtcTransport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Rtp("""
                {
                  "mid": "VIDEO2",
                  "codecs": [ { "mimeType": "video/VP8", "payloadType": 112, "clockRate": 90000 } ],
                  "headerExtensions": [ { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time", "id": 12 } ],
                  "encodings": [ { "ssrc": 44444444 } ],
                  "rtcp": { "cname": "FOOBAR" }
                }
                """),
        });
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = videoProducer2.Id, Router = _router2 });
        var absCaptureTime = HeaderExtensions("""
            [ { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time", "id": 10, "encrypt": false, "parameters": {} } ]
            """)[0];
        Assert.Contains(absCaptureTime, result.PipeConsumer!.RtpParameters.HeaderExtensions);
        // The pipe producer announces it to its consumers in the second router in turn.
        Assert.Contains(absCaptureTime, result.PipeProducer!.RtpParameters.HeaderExtensions);

        // The video producer without it (the case before in Node's suite) does not give it.
        var withoutIt = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _videoProducer.Id, Router = _router2 });
        Assert.DoesNotContain(withoutIt.PipeConsumer!.RtpParameters.HeaderExtensions, e => e.Uri == RtpHeaderExtensionUri.AbsCaptureTime);
    }

    [Fact]
    public async Task PipeTransportGivesEachProducerWithoutCnameOneOfItsOwn()
    {
        // mediasoup 3.27's Transport.produce(): on a pipe transport a producer keeps its CNAME, and one without CNAME
        // gets a random one of its own (a shared one would tell the worker they come from one sender).
        var pipeTransport = await _router2.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback });
        RtpParameters Video(uint ssrc, string rtcp) => Rtp($$"""
            {
              "codecs": [ { "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000 } ],
              "encodings": [ { "ssrc": {{ssrc}} } ],
              "rtcp": {{rtcp}}
            }
            """);
        var a = await pipeTransport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Video(1001, "{}") });
        var b = await pipeTransport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Video(1002, """{ "cname": "" }""") });
        var c = await pipeTransport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Video(1003, """{ "cname": "KEEPME" }""") });
        Assert.Equal(8, a.RtpParameters.Rtcp.Cname!.Length);
        Assert.Equal(8, b.RtpParameters.Rtcp.Cname!.Length);
        Assert.NotEqual(a.RtpParameters.Rtcp.Cname, b.RtpParameters.Rtcp.Cname);
        Assert.Equal("KEEPME", c.RtpParameters.Rtcp.Cname);
        // The worker got them too.
        var dumps = await Task.WhenAll(a.DumpAsync(), b.DumpAsync(), c.DumpAsync());
        Assert.Equal([a.RtpParameters.Rtcp.Cname, b.RtpParameters.Rtcp.Cname, "KEEPME"], dumps.Select(d => d.RtpParameters.Rtcp.Cname));
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() with unknown router, producerId or dataProducerId fails")]
    public async Task PipeToRouterWithUnknownRouterOrProducerFails()
    {
        var router3 = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        await router3.CloseAsync();
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _router1.PipeToRouterAsync(new PipeToRouterOptions { Router = router3, ProducerId = _videoProducer.Id }));
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _router1.PipeToRouterAsync(new PipeToRouterOptions { Router = _router2, ProducerId = "12345678" }));
        await Assert.ThrowsAsync<NotFoundException>(() =>
            _router1.PipeToRouterAsync(new PipeToRouterOptions { Router = _router2, DataProducerId = "12345678" }));
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.createPipeTransport() with wrong arguments rejects with TypeError")]
    public async Task CreatePipeTransportWithWrongArgumentsFails()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = null! }));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", PortRange = new PortRange(4000, 3000) },
        }));
        // listenIp: '123' (an invalid IP).
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "123" },
        }));
        // listenIp: ['127.0.0.1'] (not a string) has no C# equivalent: the type system rules it out.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Tcp, Ip = "127.0.0.1" },
        }));
        // appData: 'NOT-AN-OBJECT' has no C# equivalent: AppData is a dictionary.
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.createPipeTransport() with enableRtx succeeds")]
    public async Task CreatePipeTransportWithEnableRtxSucceeds()
    {
        var pipeTransport = await _router1.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = Udp(),
            EnableRtx = true,
        });
        var pipeConsumer = await pipeTransport.ConsumeAsync(new ConsumerOptions { ProducerId = _videoProducer.Id });
        Assert.False(pipeConsumer.IsClosed);
        Assert.Equal(MediaKind.Video, pipeConsumer.Kind);
        Assert.Null(pipeConsumer.RtpParameters.Mid);
        Assert.Equal(
        [
            Codec("""
                { "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000, "parameters": {},
                  "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "nack", "parameter": "pli" },
                                    { "type": "ccm", "parameter": "fir" } ] }
                """),
            Codec("""{ "mimeType": "video/rtx", "payloadType": 102, "clockRate": 90000, "parameters": { "apt": 101 }, "rtcpFeedback": [] }"""),
        ], pipeConsumer.RtpParameters.Codecs);
        Assert.Equal(ExpectedVideoHeaderExtensions, pipeConsumer.RtpParameters.HeaderExtensions);
        Assert.Equal(ConsumerType.Pipe, pipeConsumer.Type);
        Assert.False(pipeConsumer.Paused.Current());
        Assert.False(pipeConsumer.ProducerPaused.Current());
        Assert.Equal(PipeScore(3), pipeConsumer.Score.Current());
        Assert.Empty(pipeConsumer.AppData);
    }

    private const string NodeKey = "YTdjcDBvY2JoMGY5YXNlNDc0eDJsdGgwaWRvNnJsamRrdG16aWVpZHphdHo=";

    [Fact]
    [NodeCase("test-PipeTransport.js", "pipeTransport.connect() with valid SRTP parameters succeeds")]
    public async Task ConnectWithValidSrtpParametersSucceeds()
    {
        var pipeTransport = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        Assert.NotNull(pipeTransport.SrtpParameters);
        // The master length of AEAD_AES_256_GCM.
        Assert.Equal(60, pipeTransport.SrtpParameters!.KeyBase64.Length);
        await pipeTransport.ConnectAsync("127.0.0.2", 9999,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm, KeyBase64 = NodeKey });
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "pipeTransport.connect() with srtpParameters fails if enableSrtp is unset")]
    public async Task ConnectWithSrtpParametersFailsIfSrtpIsNotEnabled()
    {
        var pipeTransport = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Udp(), EnableRtx = true });
        Assert.Null(pipeTransport.SrtpParameters);
        // No SRTP enabled, so passing srtpParameters must fail.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipeTransport.ConnectAsync("127.0.0.2", 9999,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm, KeyBase64 = NodeKey }));
        // Even invalid ones ('invalid' is not representable; an empty key is the closest).
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipeTransport.ConnectAsync("127.0.0.2", 9999,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm, KeyBase64 = "" }));
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "pipeTransport.connect() with invalid srtpParameters fails")]
    public async Task ConnectWithInvalidSrtpParametersFails()
    {
        var pipeTransport = await _router1.CreatePipeTransportAsync(new PipeTransportOptions { ListenInfo = Loopback, EnableSrtp = true });
        Assert.False(string.IsNullOrEmpty(pipeTransport.Id));
        Assert.Equal(60, pipeTransport.SrtpParameters!.KeyBase64.Length);
        // Missing srtpParameters.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipeTransport.ConnectAsync("127.0.0.2", 9999));
        // Missing keyBase64 / invalid keyBase64 (srtpParameters: 1, a missing cryptoSuite and a numeric cryptoSuite
        // are ruled out by the C# types).
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipeTransport.ConnectAsync("127.0.0.2", 9999,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm, KeyBase64 = null! }));
        // Invalid cryptoSuite ('FOO').
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipeTransport.ConnectAsync("127.0.0.2", 9999,
            new SrtpParameters { CryptoSuite = (SrtpCryptoSuite)123, KeyBase64 = NodeKey }));
        // An undecodable base64 key stands for keyBase64: [].
        await Assert.ThrowsAnyAsync<ArgumentException>(() => pipeTransport.ConnectAsync("127.0.0.2", 9999,
            new SrtpParameters { CryptoSuite = SrtpCryptoSuite.AeadAes256Gcm, KeyBase64 = "" }));
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.createPipeTransport() with fixed port succeeds")]
    public async Task CreatePipeTransportWithFixedPortSucceeds()
    {
        int port = PickPort(ProtocolType.Udp);
        var pipeTransport = await _router1.CreatePipeTransportAsync(new PipeTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1", Port = port },
        });
        Assert.Equal(port, pipeTransport.Tuple.Current().LocalPort);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "transport.consume() for a pipe Producer succeeds")]
    public async Task ConsumeAPipeProducerSucceeds()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _videoProducer.Id, Router = _router2 });
        var videoConsumer = await _webRtcTransport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = result.PipeProducer!.Id,
            RtpCapabilities = ConsumerDeviceCapabilities,
        });
        Assert.False(videoConsumer.IsClosed);
        Assert.Equal(MediaKind.Video, videoConsumer.Kind);
        Assert.Equal("0", videoConsumer.RtpParameters.Mid);
        Assert.Equal(
        [
            Codec("""
                { "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000, "parameters": {},
                  "rtcpFeedback": [ { "type": "nack", "parameter": "" }, { "type": "ccm", "parameter": "fir" },
                                    { "type": "transport-cc", "parameter": "" } ] }
                """),
            Codec("""{ "mimeType": "video/rtx", "payloadType": 102, "clockRate": 90000, "parameters": { "apt": 101 }, "rtcpFeedback": [] }"""),
        ], videoConsumer.RtpParameters.Codecs);
        Assert.Equal(HeaderExtensions("""
            [
              { "uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4, "encrypt": false, "parameters": {} },
              { "uri": "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01", "id": 5, "encrypt": false, "parameters": {} }
            ]
            """), videoConsumer.RtpParameters.HeaderExtensions);
        var encoding = Assert.Single(videoConsumer.RtpParameters.Encodings);
        Assert.NotNull(encoding.Ssrc);
        Assert.NotNull(encoding.Rtx);
        Assert.NotNull(encoding.Rtx!.Ssrc);
        Assert.Equal("aaaa-bbbb", videoConsumer.RtpParameters.Msid);
        Assert.Equal(ConsumerType.Simulcast, videoConsumer.Type);
        Assert.False(videoConsumer.Paused.Current());
        Assert.False(videoConsumer.ProducerPaused.Current());
        Assert.Equal(Score(10, 0, 0, 0, 0), videoConsumer.Score.Current());
        Assert.Empty(videoConsumer.AppData);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "producer.pause() and producer.resume() are transmitted to pipe Consumer")]
    public async Task ProducerPauseAndResumeReachThePipeConsumer()
    {
        await _videoProducer.PauseAsync();
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _videoProducer.Id, Router = _router2 });
        var pipeVideoProducer = result.PipeProducer!;
        var videoConsumer = await _webRtcTransport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = pipeVideoProducer.Id,
            RtpCapabilities = ConsumerDeviceCapabilities,
        });
        Assert.True(_videoProducer.Paused.Current());
        Assert.True(videoConsumer.ProducerPaused.Current());
        Assert.False(videoConsumer.Paused.Current());

        var producerResumed = videoConsumer.ProducerPaused.FirstAsync(p => !p).Timeout(Timeout).ToTask();
        var pipeResumed = pipeVideoProducer.Paused.FirstAsync(p => !p).Timeout(Timeout).ToTask();
        await _videoProducer.ResumeAsync();
        await Task.WhenAll(producerResumed, pipeResumed);
        Assert.False(videoConsumer.ProducerPaused.Current());
        Assert.False(videoConsumer.Paused.Current());
        Assert.False(pipeVideoProducer.Paused.Current());

        var producerPaused = videoConsumer.ProducerPaused.FirstAsync(p => p).Timeout(Timeout).ToTask();
        var pipePaused = pipeVideoProducer.Paused.FirstAsync(p => p).Timeout(Timeout).ToTask();
        await _videoProducer.PauseAsync();
        await Task.WhenAll(producerPaused, pipePaused);
        Assert.True(videoConsumer.ProducerPaused.Current());
        Assert.False(videoConsumer.Paused.Current());
        Assert.True(pipeVideoProducer.Paused.Current());
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "producer.close() is transmitted to pipe Consumer")]
    public async Task ProducerCloseReachesThePipeConsumer()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = _videoProducer.Id, Router = _router2 });
        var videoConsumer = await _webRtcTransport2.ConsumeAsync(new ConsumerOptions
        {
            ProducerId = result.PipeProducer!.Id,
            RtpCapabilities = ConsumerDeviceCapabilities,
        });
        var consumerClosed = videoConsumer.Closed.Timeout(Timeout).ToTask();
        await _videoProducer.CloseAsync();
        Assert.True(_videoProducer.IsClosed);
        // The cascade: the pipe consumer closes with the producer; the pipe producer with the pipe consumer; the
        // consumer of the pipe producer with it.
        Assert.True(result.PipeConsumer!.IsClosed);
        Assert.Equal(CloseReason.ProducerClosed, await result.PipeConsumer.Closed.Timeout(Timeout).ToTask());
        Assert.Equal(CloseReason.Explicit, await result.PipeProducer.Closed.Timeout(Timeout).ToTask());
        Assert.Equal(CloseReason.ProducerClosed, await consumerClosed);
        Assert.True(videoConsumer.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => videoConsumer.DumpAsync());
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() with keepId: true fails if both Routers belong to the same Worker")]
    public async Task KeepIdFailsWithinTheSameWorker()
    {
        var router1bis = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        await Assert.ThrowsAnyAsync<Exception>(() => _router1.PipeToRouterAsync(new PipeToRouterOptions
        {
            ProducerId = _videoProducer.Id,
            Router = router1bis,
            KeepId = true,
        }));
        // The pipe consumer created before the worker refused the producer is closed again.
        var until = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < until && (await _router1.DumpAsync()).MapProducerIdConsumerIds.Any(e => e.Value.Count > 0)) await Task.Delay(20);
        Assert.All((await _router1.DumpAsync()).MapProducerIdConsumerIds, e => Assert.Empty(e.Value));
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() with keepId: false does not fail if both Routers belong to the same Worker")]
    public async Task NoKeepIdSucceedsWithinTheSameWorker()
    {
        var router1bis = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions
        {
            ProducerId = _videoProducer.Id,
            Router = router1bis,
            KeepId = false,
        });
        Assert.NotEqual(_videoProducer.Id, result.PipeProducer!.Id);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() succeeds with data")]
    public async Task PipeToRouterSucceedsWithData()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = _dataProducer.Id, Router = _router2 });
        var pipeDataConsumer = result.PipeDataConsumer!;
        var pipeDataProducer = result.PipeDataProducer!;
        Assert.Null(result.PipeConsumer);
        Assert.Null(result.PipeProducer);

        Assert.Equal(2, (await _router1.DumpAsync()).TransportIds.Count);
        Assert.Equal(2, (await _router2.DumpAsync()).TransportIds.Count);

        Assert.False(string.IsNullOrEmpty(pipeDataConsumer.Id));
        Assert.False(pipeDataConsumer.IsClosed);
        Assert.Equal(DataConsumerType.Sctp, pipeDataConsumer.Type);
        Assert.NotNull(pipeDataConsumer.SctpStreamParameters);
        Assert.False(pipeDataConsumer.SctpStreamParameters!.Ordered);
        Assert.Equal(5000, pipeDataConsumer.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(pipeDataConsumer.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", pipeDataConsumer.Label);
        Assert.Equal("bar", pipeDataConsumer.Protocol);

        Assert.Equal(_dataProducer.Id, pipeDataProducer.Id);
        Assert.False(pipeDataProducer.IsClosed);
        Assert.Equal(DataProducerType.Sctp, pipeDataProducer.Type);
        Assert.NotNull(pipeDataProducer.SctpStreamParameters);
        Assert.False(pipeDataProducer.SctpStreamParameters!.Ordered);
        Assert.Equal(5000, pipeDataProducer.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(pipeDataProducer.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", pipeDataProducer.Label);
        Assert.Equal("bar", pipeDataProducer.Protocol);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "transport.consumeData() for a pipe DataProducer succeeds")]
    public async Task ConsumeDataOfAPipeDataProducerSucceeds()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = _dataProducer.Id, Router = _router2 });
        var dataConsumer = await _webRtcTransport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = result.PipeDataProducer!.Id });
        Assert.False(string.IsNullOrEmpty(dataConsumer.Id));
        Assert.False(dataConsumer.IsClosed);
        Assert.Equal(DataConsumerType.Sctp, dataConsumer.Type);
        Assert.NotNull(dataConsumer.SctpStreamParameters);
        Assert.False(dataConsumer.SctpStreamParameters!.Ordered);
        Assert.Equal(5000, dataConsumer.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Null(dataConsumer.SctpStreamParameters.MaxRetransmits);
        Assert.Equal("foo", dataConsumer.Label);
        Assert.Equal("bar", dataConsumer.Protocol);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "transport.consumeData() for a pipe DataProducer succeeds with subchannels")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Sockets)]
    public async Task ConsumeDataOfAPipeDataProducerWithSubchannels()
    {
        var directTransport1 = await _router1.CreateDirectTransportAsync();
        var directDataProducer = await directTransport1.ProduceDataAsync(new DataProducerOptions { Label = "foo", Protocol = "bar" });
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = directDataProducer.Id, Router = _router2 });
        var pipeDataConsumer = result.PipeDataConsumer!;
        var directTransport2 = await _router2.CreateDirectTransportAsync();
        var directDataConsumer = await directTransport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = directDataProducer.Id,
            Subchannels = [123, 666, 777],
        });
        var received = new List<string>();
        var bye = directDataConsumer.Messages.Select(m => m.Text).Do(received.Add).FirstAsync(t => t == "bye").Timeout(Timeout).ToTask();

        // The pipe data consumer is subscribed to no subchannel: it lets the message through to the final data consumer.
        directDataProducer.Send("hello1", ppid: null, subchannels: [123, 124], requiredSubchannel: 666);
        await pipeDataConsumer.SetSubchannelsAsync([123, 124, 666]);
        // The pipe data consumer is subscribed to 123 and 666: through.
        directDataProducer.Send("hello2", ppid: null, subchannels: [123], requiredSubchannel: 666);
        // The pipe data consumer is subscribed to 124 and 666: through, but the final one is not subscribed to 124.
        directDataProducer.Send("hello3", ppid: null, subchannels: [124], requiredSubchannel: 666);
        // The pipe data consumer is not subscribed to 125: not through.
        directDataProducer.Send("hello4", ppid: null, subchannels: [125], requiredSubchannel: 666);
        // The final data consumer is subscribed to the ignored 666.
        directDataProducer.Send("hello5", ppid: null, subchannels: [123], requiredSubchannel: null, ignoredSubchannel: 666);
        // The final data consumer is subscribed to the ignored 777.
        directDataProducer.Send("hello6", ppid: null, subchannels: null, requiredSubchannel: 123, ignoredSubchannel: 777);
        // No subchannels: it reaches the final data consumer, after all the others.
        directDataProducer.Send("bye");
        await bye;
        Assert.Equal(["hello1", "hello2", "bye"], received);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "transport.consumeData() for a pipe DataProducer succeeds with ignoredSubchannel")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Sockets)]
    public async Task ConsumeDataOfAPipeDataProducerWithIgnoredSubchannel()
    {
        var directTransport1 = await _router1.CreateDirectTransportAsync();
        var directDataProducer = await directTransport1.ProduceDataAsync(new DataProducerOptions { Label = "foo", Protocol = "bar" });
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = directDataProducer.Id, Router = _router2 });
        var pipeDataConsumer = result.PipeDataConsumer!;
        var directTransport2 = await _router2.CreateDirectTransportAsync();
        var directDataConsumer1 = await directTransport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = directDataProducer.Id,
            Subchannels = [111],
        });
        var directDataConsumer2 = await directTransport2.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = directDataProducer.Id,
            Subchannels = [222],
        });
        // A pipe data consumer is subscribed to the union of the subchannels of the data consumers behind it.
        await pipeDataConsumer.SetSubchannelsAsync([111, 222]);
        var received1 = new List<string>();
        var received2 = new List<string>();
        var bye1 = directDataConsumer1.Messages.Select(m => m.Text).Do(received1.Add).FirstAsync(t => t == "bye").Timeout(Timeout).ToTask();
        var bye2 = directDataConsumer2.Messages.Select(m => m.Text).Do(received2.Add).FirstAsync(t => t == "bye").Timeout(Timeout).ToTask();

        // The pipe data consumer (subscribed to 111) must not apply ignoredSubchannel itself, or it would drop the message
        // for every data consumer behind it: it travels with the message and the final data consumers apply it.
        directDataProducer.Send("hello1", ppid: null, subchannels: null, requiredSubchannel: null, ignoredSubchannel: 111);
        directDataProducer.Send("bye");
        await Task.WhenAll(bye1, bye2);
        Assert.Equal(["bye"], received1);
        Assert.Equal(["hello1", "bye"], received2);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "dataProducer.close() is transmitted to pipe DataConsumer")]
    public async Task DataProducerCloseReachesThePipeDataConsumer()
    {
        var result = await _router1.PipeToRouterAsync(new PipeToRouterOptions { DataProducerId = _dataProducer.Id, Router = _router2 });
        var dataConsumer = await _webRtcTransport2.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = result.PipeDataProducer!.Id });
        var closed = dataConsumer.Closed.Timeout(Timeout).ToTask();
        await _dataProducer.CloseAsync();
        Assert.True(_dataProducer.IsClosed);
        Assert.Equal(CloseReason.DataProducerClosed, await closed);
        Assert.True(dataConsumer.IsClosed);
        Assert.True(result.PipeDataProducer.IsClosed);
        await Assert.ThrowsAsync<NotFoundException>(() => dataConsumer.DumpAsync());
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() called twice generates a single PipeTransport pair")]
    public async Task TwoConcurrentCallsCreateASinglePair()
    {
        var routerA = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var routerB = await _worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var transportA1 = await routerA.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback] });
        var transportA2 = await routerA.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback] });
        var audioProducerA1 = await transportA1.ProduceAsync(AudioProducerOptions);
        var audioProducerA2 = await transportA2.ProduceAsync(AudioProducerOptions);
        await Task.WhenAll(
            routerA.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = audioProducerA1.Id, Router = routerB }),
            routerA.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = audioProducerA2.Id, Router = routerB }));
        // Two WebRTC transports and one pipe transport in routerA; the pipe transport only in routerB.
        Assert.Equal(3, (await routerA.DumpAsync()).TransportIds.Count);
        Assert.Single((await routerB.DumpAsync()).TransportIds);
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() called in two Routers passing one to each other as argument generates a single PipeTransport pair")]
    public async Task CallsInBothDirectionsCreateASinglePair()
    {
        var routerA = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var routerB = await _worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        var transportA = await routerA.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback] });
        var transportB = await routerB.CreateWebRtcTransportAsync(new WebRtcTransportOptions { ListenInfos = [Loopback] });
        var audioProducerA = await transportA.ProduceAsync(AudioProducerOptions);
        var audioProducerB = await transportB.ProduceAsync(AudioProducerOptions);

        // routerB's pipe transports, live (Node watches 'newtransport' and each transport's 'close').
        var pipeTransportsB = routerB.Transports.Connect().Select(_ => routerB.Transports.Items.OfType<PipeTransport>().ToList());

        await Task.WhenAll(
            routerA.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = audioProducerA.Id, Router = routerB }),
            routerB.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = audioProducerB.Id, Router = routerA }));

        // A single pipe transport in each router, connected to each other.
        var pipeTransportA = Assert.Single(routerA.Transports.Items.OfType<PipeTransport>());
        var pipeTransportB = Assert.Single(routerB.Transports.Items.OfType<PipeTransport>());
        Assert.Equal(pipeTransportB.Tuple.Current().RemotePort, pipeTransportA.Tuple.Current().LocalPort);
        Assert.Equal(pipeTransportA.Tuple.Current().RemotePort, pipeTransportB.Tuple.Current().LocalPort);

        var bEmpty = pipeTransportsB.FirstAsync(l => l.Count == 0).Timeout(Timeout).ToTask();
        await routerA.CloseAsync();
        Assert.Empty(routerA.Transports.Items.OfType<PipeTransport>());
        Assert.True(pipeTransportA.IsClosed);
        // The other half closes with it.
        await bEmpty;
        Assert.True(pipeTransportB.IsClosed);
        Assert.Equal(CloseReason.Explicit, await pipeTransportB.Closed.Timeout(Timeout).ToTask());
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() with neither producerId nor dataProducerId fails")]
    public async Task NeitherProducerIdNorDataProducerIdFails()
    {
        var router1bis = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.PipeToRouterAsync(new PipeToRouterOptions { Router = router1bis }));
    }

    [Fact]
    [NodeCase("test-PipeTransport.js", "router.pipeToRouter() with both producerId and dataProducerId fails")]
    public async Task BothProducerIdAndDataProducerIdFails()
    {
        var router1bis = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _router1.PipeToRouterAsync(new PipeToRouterOptions
        {
            ProducerId = "1234",
            DataProducerId = "5678",
            Router = router1bis,
        }));
    }
}
