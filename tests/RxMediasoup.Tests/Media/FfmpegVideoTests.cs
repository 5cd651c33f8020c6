using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using static RxMediasoup.Tests.Media.MediaTestData;
using static RxMediasoup.Tests.Transports.TransportTestHelpers;

namespace RxMediasoup.Tests.Media;

/// <summary>
/// Real media the Node suite lacks: VP8 RTP from Debian's ffmpeg into a comedia <see cref="PlainTransport"/>, piped to
/// a router of a second worker and consumed there by a plain transport whose remote end (a loopback socket of the test)
/// answers with RTCP receiver reports; and three simulcast streams whose consumer switches layers on request.
/// Every wait is bounded; ffmpeg is killed in every case.
/// </summary>
public sealed class FfmpegVideoTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private const int PayloadType = 101;

    private RxMediasoup.Worker _worker1 = null!;
    private RxMediasoup.Worker _worker2 = null!;
    private RxMediasoup.Router _router1 = null!;
    private RxMediasoup.Router _router2 = null!;

    private static IReadOnlyList<RtpCodecCapability> MediaCodecs => Json<RtpCodecCapability[]>("""
        [ { "kind": "video", "mimeType": "video/VP8", "clockRate": 90000,
            "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" }, { "type": "ccm", "parameter": "fir" } ] } ]
        """);

    /// <summary>A receiver with VP8 only: no RTX, no header extensions (so no bandwidth estimation on the plain transport).</summary>
    private static RtpCapabilities ReceiverCapabilities => Json<RtpCapabilities>("""
        {
          "codecs": [ { "kind": "video", "mimeType": "video/VP8", "preferredPayloadType": 101, "clockRate": 90000,
                        "rtcpFeedback": [ { "type": "nack" }, { "type": "nack", "parameter": "pli" }, { "type": "ccm", "parameter": "fir" } ] } ],
          "headerExtensions": []
        }
        """);

    private static RtpParameters Vp8Parameters(params uint[] ssrcs) => new()
    {
        Codecs = [Json<RtpCodecParameters>("""{ "mimeType": "video/VP8", "payloadType": 101, "clockRate": 90000 }""")],
        Encodings = ssrcs.Select(s => new RtpEncodingParameters { Ssrc = s, ScalabilityMode = ssrcs.Length > 1 ? "L1T1" : null }).ToList(),
        Rtcp = new RtcpParameters { Cname = "ffmpeg" },
    };

    private static ListenInfo Loopback => new() { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" };

    public async Task InitializeAsync()
    {
        _worker1 = await RxMediasoup.Worker.CreateAsync();
        _worker2 = await RxMediasoup.Worker.CreateAsync();
        _router1 = await _worker1.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
        _router2 = await _worker2.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
    }

    public async Task DisposeAsync()
    {
        await _worker1.CloseAsync();
        await _worker2.CloseAsync();
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task FfmpegVp8IntoAComediaPlainTransportGivesAProducerScoreAndStats()
    {
        const uint ssrc = 11223344;
        var transport = await _router1.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, Comedia = true, RtcpMux = true });
        var producer = await transport.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Vp8Parameters(ssrc) });
        Assert.Empty(producer.Score.Current());
        Assert.Null(transport.Tuple.Current().RemotePort);

        var latched = transport.Tuple.FirstAsync(t => t.RemotePort is not null).Timeout(Timeout).ToTask();
        var scored = producer.Score.FirstAsync(s => s.Any(x => x.Score > 0)).Timeout(Timeout).ToTask();
        int ffmpegPort = PickPort(ProtocolType.Udp);
        await using var ffmpeg = FfmpegVideoSender.StartDirect(transport.Tuple.Current().LocalPort, ssrc, PayloadType, ffmpegPort);
        try
        {
            // comedia: the transport latches ffmpeg's source address and port.
            var tuple = await latched;
            Assert.Equal("127.0.0.1", tuple.RemoteIp);
            Assert.Equal(ffmpegPort, tuple.RemotePort);
            Assert.Equal(ffmpegPort, transport.Tuple.Current().RemotePort);

            // A score from the worker (the initial empty list does not count).
            var score = Assert.Single(await scored);
            Assert.Equal(ssrc, score.Ssrc);
            Assert.True(score.Score > 0, $"score {score.Score}");

            var stats = await producer.GetStatsAsync();
            var inbound = Assert.Single(stats);
            Assert.Equal(ssrc, inbound.Ssrc);
            Assert.True(inbound.PacketCount > 0, $"packets {inbound.PacketCount}");
            Assert.True(inbound.ByteCount > 0);
            Assert.Equal("video/VP8", inbound.MimeType);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"ffmpeg running: {ffmpeg.IsRunning}; stderr: {ffmpeg.StandardError}", e);
        }
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task FfmpegVp8PipedToASecondWorkerReachesAConsumerThere()
    {
        const uint ssrc = 22334455;
        var transport1 = await _router1.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, Comedia = true, RtcpMux = true });
        var producer = await transport1.ProduceAsync(new ProducerOptions { Kind = MediaKind.Video, RtpParameters = Vp8Parameters(ssrc) });
        var piped = await _router1.PipeToRouterAsync(new PipeToRouterOptions { ProducerId = producer.Id, Router = _router2 });
        Assert.Same(_router2, piped.PipeProducer!.Transport.Router);

        // The consumer's remote end: a socket of this test that answers with RTCP receiver reports.
        await using var receiver = new RtcpReceiverEndpoint(TimeSpan.FromMilliseconds(250));
        var transport2 = await _router2.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, RtcpMux = true });
        await transport2.ConnectAsync("127.0.0.1", receiver.Port);
        receiver.SendReportsTo(transport2.Tuple.Current().LocalPort);
        var consumer = await transport2.ConsumeAsync(new ConsumerOptions { ProducerId = piped.PipeProducer.Id, RtpCapabilities = ReceiverCapabilities });
        var initialScore = consumer.Score.Current();
        var consumerScores = new List<ConsumerScore>();
        using var scoreSubscription = consumer.Score.Skip(1).Subscribe(s => { lock (consumerScores) consumerScores.Add(s); });

        string Seen() { lock (consumerScores) return string.Join(", ", consumerScores); }
        var scoredFromReports = consumer.Score.Skip(1).FirstAsync(s => s.Score > 0 && s.ProducerScore > 0).Timeout(Timeout).ToTask();
        await using var ffmpeg = FfmpegVideoSender.StartDirect(transport1.Tuple.Current().LocalPort, ssrc, PayloadType, PickPort(ProtocolType.Udp));
        try
        {
            // Packets reach the consumer on the second worker (and the test's socket behind it).
            var until = DateTime.UtcNow + Timeout;
            IReadOnlyList<RtpStreamStats> stats = [];
            while (DateTime.UtcNow < until)
            {
                stats = await consumer.GetStatsAsync();
                if (stats.Any(s => s.Type == RtpStreamStatsType.OutboundRtp && s.PacketCount > 0) && receiver.Packets > 0) break;
                await Task.Delay(100);
            }
            var outbound = Assert.Single(stats, s => s.Type == RtpStreamStatsType.OutboundRtp);
            Assert.True(outbound.PacketCount > 0, $"consumer packets {outbound.PacketCount}");
            Assert.Equal(consumer.RtpParameters.Encodings[0].Ssrc, outbound.Ssrc);
            Assert.True(receiver.Packets > 0);
            // The pipe producer on the second worker receives the stream too.
            var pipeStats = await piped.PipeProducer.GetStatsAsync();
            Assert.Contains(pipeStats, s => s.PacketCount > 0);

            // A consumer score notification (not the initial value) once the stream has a score on both workers.
            var score = await scoredFromReports;
            Assert.True(score.Score > 0, $"consumer score {score.Score} (initial {initialScore})");
            Assert.True(score.ProducerScore > 0);

            // The consumer's own score follows the receiver reports of its remote end: claiming heavy loss drives it
            // down, reporting no loss again brings it back up.
            var dropped = consumer.Score.FirstAsync(s => s.Score < score.Score).Timeout(Timeout).ToTask();
            receiver.ReportedLossPercent = 60;
            var low = await dropped;
            Assert.True(low.Score < score.Score, $"consumer score {low.Score} after reported loss");
            Assert.True(receiver.Reports > 0, $"reports {receiver.Reports}; scores {Seen()}");
            var recovered = consumer.Score.FirstAsync(s => s.Score > low.Score).Timeout(Timeout).ToTask();
            receiver.ReportedLossPercent = 0;
            var high = await recovered;
            Assert.True(high.Score > low.Score, $"consumer score {high.Score} after loss-free reports");
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            string seen;
            lock (consumerScores) seen = string.Join(", ", consumerScores);
            throw new InvalidOperationException(
                $"ffmpeg running: {ffmpeg.IsRunning}; packets at the receiver: {receiver.Packets}; reports: {receiver.Reports}; scores: {seen}; stderr: {ffmpeg.StandardError}", e);
        }
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task FfmpegSimulcastConsumerSwitchesToThePreferredSpatialLayer()
    {
        FfmpegVideoSender.Stream[] streams =
        [
            new(33440001, 80, 60, 80),
            new(33440002, 160, 120, 200),
            new(33440003, 320, 240, 500),
        ];
        var transport1 = await _router1.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, Comedia = true, RtcpMux = true });
        var producer = await transport1.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Video,
            RtpParameters = Vp8Parameters(streams.Select(s => s.Ssrc).ToArray()),
        });
        Assert.Equal(ProducerType.Simulcast, producer.Type);

        await using var receiver = new RtcpReceiverEndpoint(TimeSpan.FromMilliseconds(250));
        var transport2 = await _router1.CreatePlainTransportAsync(new PlainTransportOptions { ListenInfo = Loopback, RtcpMux = true });
        await transport2.ConnectAsync("127.0.0.1", receiver.Port);
        receiver.SendReportsTo(transport2.Tuple.Current().LocalPort);
        var consumer = await transport2.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = ReceiverCapabilities });
        Assert.Equal(ConsumerType.Simulcast, consumer.Type);
        Assert.Null(consumer.Layers.Current());
        var layers = new List<ConsumerLayers?>();
        using var layersSubscription = consumer.Layers.Subscribe(l => { lock (layers) layers.Add(l); });

        var allScored = producer.Score.FirstAsync(s => s.Count == 3 && s.All(x => x.Score > 0)).Timeout(Timeout).ToTask();
        var firstLayers = consumer.Layers.FirstAsync(l => l is not null).Timeout(Timeout).ToTask();
        await using var ffmpeg = FfmpegVideoSender.StartRelayed(transport1.Tuple.Current().LocalPort, streams, PayloadType);
        try
        {
            // The transport latched the relay (the one source of all three streams).
            Assert.Equal(ffmpeg.RelayPort, (await transport1.Tuple.FirstAsync(t => t.RemotePort is not null).Timeout(Timeout).ToTask()).RemotePort);
            var scores = await allScored;
            Assert.Equal(streams.Select(s => s.Ssrc).Order(), scores.Select(s => s.Ssrc).Order());

            // The consumer starts forwarding some spatial layer (the highest, with no bandwidth limit).
            var initial = await firstLayers;
            Assert.NotNull(initial);

            // Ask for the lowest layer: the worker switches at the next key frame of that stream (one a second).
            int target = initial!.SpatialLayer == 0 ? 2 : 0;
            var switched = consumer.Layers.FirstAsync(l => l is not null && l.SpatialLayer == target).Timeout(Timeout).ToTask();
            await consumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = target, TemporalLayer = 0 });
            Assert.Equal(target, consumer.PreferredLayers.Current()!.SpatialLayer);
            var now = await switched;
            Assert.Equal(target, now!.SpatialLayer);

            // And back up.
            int back = initial.SpatialLayer == target ? 1 : initial.SpatialLayer;
            var switchedBack = consumer.Layers.FirstAsync(l => l is not null && l.SpatialLayer == back).Timeout(Timeout).ToTask();
            await consumer.SetPreferredLayersAsync(new ConsumerLayers { SpatialLayer = back, TemporalLayer = 0 });
            Assert.Equal(back, (await switchedBack)!.SpatialLayer);
            Assert.True(receiver.Packets > 0);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            string seen;
            lock (layers) seen = string.Join(", ", layers.Select(l => l?.ToString() ?? "null"));
            throw new InvalidOperationException(
                $"ffmpeg running: {ffmpeg.IsRunning}; forwarded: {ffmpeg.PacketsForwarded}; layers: {seen}; stderr: {ffmpeg.StandardError}", e);
        }
    }
}
