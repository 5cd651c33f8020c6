using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RxMediasoup.AcceptanceTests;

/// <summary>
/// Headless Chromium with mediasoup-client publishes a fake camera and microphone to RxMediasoup's own
/// WebRtcTransport: the library's streams must show the real transitions — ICE connected/completed, DTLS
/// connected, a video producer score above 0 — with nothing simulated. Then a second page consumes that video
/// and audio back through an RxMediasoup recv WebRtcTransport (DTLS-SRTP the other way) and must decode it.
/// </summary>
[Trait("Category", "Acceptance")]
public sealed class RxMediasoupBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection",
    ];

    [Fact(Timeout = 180_000)]
    public async Task ChromiumPublishesToAnRxMediasoupWebRtcTransportAndASecondPageDecodesItThroughARecvTransport()
    {
        var prereq = AcceptancePrerequisites.Locate();
        await using var worker = await Worker.CreateAsync(new WorkerSettings { WorkerBin = prereq.WorkerBin, LogLevel = WorkerLogLevel.Warn });
        WorkerDeath? death = null;
        using var deathSubscription = worker.Died.Subscribe(d => death = d);
        await using var router = await worker.CreateRouterAsync(new RouterOptions
        {
            MediaCodecs =
            [
                new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
                new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
            ],
        });

        // Subscribe before anything connects: every transition is recorded from the streams themselves.
        var iceStates = new ConcurrentQueue<IceState>();
        var dtlsStates = new ConcurrentQueue<DtlsState>();
        var transportCreated = router.Transports.Connect()
            .SelectMany(changes => changes.Where(c => c.Reason == EntityChangeReason.Add).Select(c => c.Current))
            .OfType<WebRtcTransport>()
            .Do(t =>
            {
                t.IceState.Subscribe(iceStates.Enqueue);
                t.DtlsState.Subscribe(dtlsStates.Enqueue);
            })
            .FirstAsync().ToTask();
        // Every WebRtcTransport's DTLS transitions, by id (the consumer page's recv transport among them).
        var dtlsStatesById = new ConcurrentDictionary<string, ConcurrentQueue<DtlsState>>();
        using var allTransports = router.Transports.Connect()
            .SelectMany(changes => changes.Where(c => c.Reason == EntityChangeReason.Add).Select(c => c.Current))
            .OfType<WebRtcTransport>()
            .Subscribe(t => t.DtlsState.Subscribe(dtlsStatesById.GetOrAdd(t.Id, _ => new ConcurrentQueue<DtlsState>()).Enqueue));

        await using var server = RxSignallingServer.Start(router, prereq.HarnessDir);
        var userDataDir = Directory.CreateTempSubdirectory("rxmediasoup-chromium-").FullName;
        var browserLog = new ConcurrentQueue<string>();
        using var playwright = await Playwright.CreateAsync();
        var context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = prereq.ChromiumBin, Headless = true, Args = ChromiumArgs,
            Permissions = ["camera", "microphone"], Timeout = 60_000,
        });
        try
        {
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            page.Console += (_, msg) => browserLog.Enqueue($"[console.{msg.Type}] {msg.Text}");
            await page.GotoAsync(server.BaseUrl.ToString(), new PageGotoOptions { Timeout = 30_000 });

            var transport = await transportCreated.WaitAsync(MediaTimeout);
            var connected = transport.DtlsState.FirstAsync(s => s == DtlsState.Connected).ToTask();
            await connected.WaitAsync(MediaTimeout);
            await transport.IceState.FirstAsync(s => s is IceState.Connected or IceState.Completed).ToTask().WaitAsync(MediaTimeout);

            // Wait for the video producer, then for a score above 0 from its stream.
            var deadline = DateTime.UtcNow + MediaTimeout;
            Producer? video;
            while ((video = server.Producers.Values.FirstOrDefault(p => p.Kind == MediaKind.Video)) is null)
            {
                Assert.True(DateTime.UtcNow < deadline, "no video producer was created: " + string.Join("\n", server.Log.Concat(browserLog)));
                await Task.Delay(100);
            }
            var scores = await video.Score.FirstAsync(s => s.Any(x => x.Score > 0)).ToTask().WaitAsync(MediaTimeout);
            output.WriteLine($"ice: {string.Join(" > ", iceStates)}; dtls: {string.Join(" > ", dtlsStates)}; video score {scores.Max(s => s.Score)}");

            // Real transitions, not just replayed initial values.
            Assert.Equal(IceState.New, iceStates.First());
            Assert.Contains(iceStates, s => s is IceState.Connected or IceState.Completed);
            Assert.Equal(DtlsState.New, dtlsStates.First());
            Assert.Contains(DtlsState.Connecting, dtlsStates);
            Assert.Contains(DtlsState.Connected, dtlsStates);
            var stats = await video.GetStatsAsync();
            Assert.Contains(stats, s => s.PacketCount > 0);

            // The other way: a second page consumes the published video and audio through a recv WebRtcTransport
            // (consumers created paused, resumed once the page's mediasoup-client consumers exist) and decodes them.
            var consumeStarted = System.Diagnostics.Stopwatch.StartNew();
            deadline = DateTime.UtcNow + MediaTimeout;
            while (!server.Producers.Values.Any(p => p.Kind == MediaKind.Audio))
            {
                Assert.True(DateTime.UtcNow < deadline, "no audio producer was created: " + string.Join("\n", server.Log.Concat(browserLog)));
                await Task.Delay(100);
            }
            var consumerPage = await context.NewPageAsync();
            consumerPage.Console += (_, msg) => browserLog.Enqueue($"[consumer console.{msg.Type}] {msg.Text}");
            await consumerPage.GotoAsync(new Uri(server.BaseUrl, "?role=consume").ToString(), new PageGotoOptions { Timeout = 30_000 });

            deadline = DateTime.UtcNow + MediaTimeout;
            Consumer? videoConsumer = null, audioConsumer = null;
            while (videoConsumer is null || audioConsumer is null
                   || videoConsumer.Paused.Value || audioConsumer.Paused.Value)
            {
                var error = await consumerPage.EvaluateAsync<string?>("() => window.__acceptance?.error ?? null");
                Assert.True(error is null, "the consumer page failed: " + error + "\n" + string.Join("\n", server.Log.Concat(browserLog)));
                Assert.True(DateTime.UtcNow < deadline, "the consumer page did not consume and resume video and audio: "
                    + string.Join("\n", server.Log.Concat(browserLog)));
                await Task.Delay(100);
                videoConsumer = server.Consumers.Values.FirstOrDefault(c => c.Kind == MediaKind.Video);
                audioConsumer = server.Consumers.Values.FirstOrDefault(c => c.Kind == MediaKind.Audio);
            }
            var recvTransport = Assert.IsType<WebRtcTransport>(videoConsumer.Transport);
            Assert.NotEqual(transport.Id, recvTransport.Id);
            Assert.Same(recvTransport, audioConsumer.Transport);
            await recvTransport.DtlsState.FirstAsync(s => s == DtlsState.Connected).ToTask().WaitAsync(MediaTimeout);
            var recvDtlsStates = dtlsStatesById[recvTransport.Id];
            Assert.Equal([DtlsState.New, DtlsState.Connecting, DtlsState.Connected], recvDtlsStates.Take(3));

            // The page decodes: its consumers' inbound-rtp stats, polled until > 30 video frames are decoded.
            deadline = DateTime.UtcNow + MediaTimeout;
            System.Text.Json.JsonElement decoded;
            long framesDecoded = 0, videoPackets = 0, audioPackets = 0;
            while (true)
            {
                decoded = await consumerPage.EvaluateAsync<System.Text.Json.JsonElement>(
                    "async () => window.__acceptanceStats ? await window.__acceptanceStats() : {}");
                framesDecoded = Counter(decoded, "video", "framesDecoded");
                videoPackets = Counter(decoded, "video", "packetsReceived");
                audioPackets = Counter(decoded, "audio", "packetsReceived");
                if (framesDecoded > 30 && audioPackets > 0) break;
                Assert.True(DateTime.UtcNow < deadline, $"the consumer page did not decode the media in {MediaTimeout.TotalSeconds} s: "
                    + $"last inbound-rtp stats {decoded.GetRawText()}\n" + string.Join("\n", server.Log.Concat(browserLog)));
                await Task.Delay(250);
            }
            Assert.True(videoPackets > 0);

            // The server side of the same flow: the consumers' scores (past the worker's initial value: the
            // producer's score inside them is above 0 only once media flows) and their sent packets.
            var videoConsumerScore = await videoConsumer.Score.FirstAsync(s => s.Score > 0 && s.ProducerScore > 0).ToTask().WaitAsync(MediaTimeout);
            var audioConsumerScore = await audioConsumer.Score.FirstAsync(s => s.Score > 0 && s.ProducerScore > 0).ToTask().WaitAsync(MediaTimeout);
            Assert.Contains(await videoConsumer.GetStatsAsync(), s => s.PacketCount > 0);
            output.WriteLine($"consumer page: {decoded.GetRawText()}; video consumer score {videoConsumerScore.Score} "
                + $"(producer {videoConsumerScore.ProducerScore}), audio consumer score {audioConsumerScore.Score} "
                + $"(producer {audioConsumerScore.ProducerScore}); recv dtls: {string.Join(" > ", recvDtlsStates)}; "
                + $"consume part {consumeStarted.ElapsedMilliseconds} ms");

            Assert.Null(death);
            Assert.Equal(worker.Pid, (await worker.DumpAsync()).Pid);
        }
        catch
        {
            foreach (var line in server.Log.Concat(browserLog)) output.WriteLine(line);
            throw;
        }
        finally
        {
            await context.CloseAsync();
            try { Directory.Delete(userDataDir, recursive: true); } catch (IOException) { }
        }
    }

    private static long Counter(System.Text.Json.JsonElement stats, string kind, string name)
        => stats.ValueKind == System.Text.Json.JsonValueKind.Object && stats.TryGetProperty(kind, out var k)
           && k.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.Number ? v.GetInt64() : 0;
}
