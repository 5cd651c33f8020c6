using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RxMediasoup.AcceptanceTests;

/// <summary>
/// Headless Chromium with mediasoup-client publishes a fake camera and microphone to RxMediasoup's own
/// WebRtcTransport: the library's streams must show the real transitions — ICE connected/completed, DTLS
/// connected, a video producer score above 0 — with nothing simulated.
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
    public async Task ChromiumConnectsToAnRxMediasoupWebRtcTransportAndItsStreamsShowTheRealTransitions()
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
}
