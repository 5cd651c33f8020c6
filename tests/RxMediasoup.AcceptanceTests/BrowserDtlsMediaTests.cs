using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace RxMediasoup.AcceptanceTests;

/// <summary>
/// A real browser (Debian's Chromium, headless, fake camera + microphone) publishes video + audio with
/// mediasoup-client to the mediasoup-worker under test: ICE, the DTLS handshake and SRTP media must all
/// work and the worker must survive. This is the test that catches a worker crashing on a browser's
/// DTLS ClientHello (see scripts/patches/dtls-bio-callback-return.patch).
/// </summary>
[Trait("Category", "Acceptance")]
public sealed class BrowserDtlsMediaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ServerStartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SoakAfterSuccess = TimeSpan.FromSeconds(3);

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        // Let WebRTC gather loopback candidates: on a loopback-only host (CI containers) there is no other interface.
        "--allow-loopback-in-peer-connection",
    ];

    [Fact(Timeout = 180_000)]
    public async Task BrowserPublishesVideoAndAudioThroughDtlsAndWorkerSurvives()
    {
        var prereq = AcceptancePrerequisites.Locate();
        output.WriteLine($"worker:   {prereq.WorkerBin}");
        output.WriteLine($"node:     {prereq.NodeBin}");
        output.WriteLine($"chromium: {prereq.ChromiumBin}");

        var total = Stopwatch.StartNew();
        var browserLog = new ConcurrentQueue<string>();
        var userDataDir = Directory.CreateTempSubdirectory("rxmediasoup-chromium-").FullName;
        HarnessServer? server = null;
        IPlaywright? playwright = null;
        IBrowserContext? context = null;
        string lastStatus = "(no status yet)";
        string pageState = "(unknown)";
        try
        {
            server = await HarnessServer.StartAsync(prereq, ServerStartTimeout);
            output.WriteLine($"server:   {server.BaseUrl} ({total.ElapsedMilliseconds} ms)");

            playwright = await Playwright.CreateAsync();
            context = await playwright.Chromium.LaunchPersistentContextAsync(userDataDir, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = prereq.ChromiumBin,
                Headless = true,
                Args = ChromiumArgs,
                Permissions = ["camera", "microphone"],
                Timeout = 60_000,
            });
            var page = context.Pages.Count > 0 ? context.Pages[0] : await context.NewPageAsync();
            page.Console += (_, msg) => browserLog.Enqueue($"[console.{msg.Type}] {msg.Text}");
            page.PageError += (_, error) => browserLog.Enqueue($"[pageerror] {error}");
            await page.GotoAsync(server.BaseUrl.ToString(), new PageGotoOptions { Timeout = 30_000 });
            output.WriteLine($"page loaded ({total.ElapsedMilliseconds} ms)");

            // Poll the server until ICE + DTLS are connected and the video producer has a score > 0.
            var deadline = Stopwatch.StartNew();
            Snapshot? snapshot = null;
            while (true)
            {
                Assert.False(server.HasExited, "server.mjs exited unexpectedly");
                pageState = await ReadPageStateAsync(page);
                using (var status = await server.GetStatusAsync(CancellationToken.None))
                {
                    lastStatus = status.RootElement.GetRawText();
                    snapshot = Snapshot.From(status.RootElement);
                }

                if (snapshot.WorkerDied)
                    Assert.Fail($"mediasoup-worker DIED during the session: {snapshot.WorkerDiedError}");
                if (pageState.Contains("\"step\":\"failed\"", StringComparison.Ordinal))
                    Assert.Fail($"the page failed: {pageState}");
                if (snapshot.IsConnectedWithVideo)
                    break;
                if (deadline.Elapsed > MediaTimeout)
                    Assert.Fail($"no ICE + DTLS connection with a scored video producer within {MediaTimeout.TotalSeconds:0} s: {snapshot.Describe()}");
                await Task.Delay(250);
            }
            output.WriteLine($"connected with media after {deadline.ElapsedMilliseconds} ms: {snapshot.Describe()}");

            // Keep media flowing a little longer: the worker must survive and stay connected.
            await Task.Delay(SoakAfterSuccess);
            pageState = await ReadPageStateAsync(page);
            using (var status = await server.GetStatusAsync(CancellationToken.None))
            {
                lastStatus = status.RootElement.GetRawText();
                snapshot = Snapshot.From(status.RootElement);
            }
            output.WriteLine($"after {SoakAfterSuccess.TotalSeconds:0} s more: {snapshot.Describe()}");

            Assert.True(snapshot.DtlsConnectedObserved, "DTLS state 'connected' was never observed on the server transport");
            Assert.Equal("connected", snapshot.DtlsState);
            Assert.Contains(snapshot.IceState, new[] { "connected", "completed" });
            Assert.True(snapshot.VideoScore > 0, $"video producer score is {snapshot.VideoScore}");
            Assert.True(snapshot.VideoPackets > 0, "no video RTP packets were received by the worker");
            Assert.True(snapshot.HasAudioProducer, "no audio producer was created");
            Assert.False(snapshot.WorkerDied, $"mediasoup-worker died: {snapshot.WorkerDiedError}");
            Assert.True(snapshot.WorkerAlive, $"mediasoup-worker is not alive at the end: {lastStatus}");
            Assert.Contains("\"step\":\"produced\"", pageState, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine("---- last /api/status ----");
            output.WriteLine(lastStatus);
            output.WriteLine("---- page state ----");
            output.WriteLine(pageState);
            output.WriteLine("---- browser console ----");
            output.WriteLine(string.Join('\n', browserLog));
            throw;
        }
        finally
        {
            if (context is not null)
            {
                try
                {
                    await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
                catch (Exception ex)
                {
                    output.WriteLine($"closing the browser failed: {ex.Message}");
                }
            }
            playwright?.Dispose();
            if (server is not null)
            {
                await server.DisposeAsync();
                output.WriteLine("---- server.mjs log ----");
                output.WriteLine(server.Log);
            }
            try
            {
                Directory.Delete(userDataDir, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
            catch (UnauthorizedAccessException)
            {
                // best effort
            }
            output.WriteLine($"total {total.ElapsedMilliseconds} ms");
        }
    }

    private static async Task<string> ReadPageStateAsync(IPage page)
    {
        try
        {
            return await page.EvaluateAsync<string>("() => JSON.stringify(window.__acceptance ?? null)");
        }
        catch (PlaywrightException ex)
        {
            return $"(could not read page state: {ex.Message})";
        }
    }

    /// <summary>The parts of server.mjs's /api/status the test asserts on.</summary>
    private sealed record Snapshot(
        bool WorkerAlive,
        bool WorkerDied,
        string? WorkerDiedError,
        string? IceState,
        string? DtlsState,
        bool DtlsConnectedObserved,
        string IceHistory,
        string DtlsHistory,
        string SelectedTuple,
        int VideoScore,
        long VideoPackets,
        bool HasAudioProducer,
        int AudioScore,
        long AudioPackets)
    {
        public bool IsConnectedWithVideo =>
            IceState is "connected" or "completed" && DtlsState == "connected" && VideoScore > 0;

        public static Snapshot From(JsonElement root)
        {
            var worker = root.GetProperty("worker");
            string? iceState = null, dtlsState = null;
            string iceHistory = "", dtlsHistory = "", selectedTuple = "-";
            var dtlsConnectedObserved = false;
            foreach (var t in root.GetProperty("transports").EnumerateArray())
            {
                iceState = t.GetProperty("iceState").GetString();
                dtlsState = t.GetProperty("dtlsState").GetString();
                var dtlsStates = t.GetProperty("dtlsStates").EnumerateArray().Select(s => s.GetString()).ToList();
                iceHistory = string.Join(">", t.GetProperty("iceStates").EnumerateArray().Select(s => s.GetString()));
                dtlsHistory = string.Join(">", dtlsStates);
                dtlsConnectedObserved |= dtlsStates.Contains("connected");
                if (t.GetProperty("iceSelectedTuple") is { ValueKind: JsonValueKind.Object } tuple)
                {
                    selectedTuple =
                        $"{tuple.GetProperty("protocol").GetString()} {tuple.GetProperty("localAddress").GetString()}:{tuple.GetProperty("localPort").GetInt32()}" +
                        $" <- {tuple.GetProperty("remoteIp").GetString()}:{tuple.GetProperty("remotePort").GetInt32()}";
                }
            }

            int videoScore = 0, audioScore = 0;
            long videoPackets = 0, audioPackets = 0;
            var hasAudio = false;
            foreach (var p in root.GetProperty("producers").EnumerateArray())
            {
                var score = p.GetProperty("currentScore").GetInt32();
                var packets = p.GetProperty("packetCount") is { ValueKind: JsonValueKind.Number } n ? n.GetInt64() : 0;
                switch (p.GetProperty("kind").GetString())
                {
                    case "video":
                        videoScore = Math.Max(videoScore, score);
                        videoPackets += packets;
                        break;
                    case "audio":
                        hasAudio = true;
                        audioScore = Math.Max(audioScore, score);
                        audioPackets += packets;
                        break;
                }
            }

            return new Snapshot(
                worker.GetProperty("alive").GetBoolean(),
                worker.GetProperty("died").GetBoolean(),
                worker.GetProperty("diedError").GetString(),
                iceState,
                dtlsState,
                dtlsConnectedObserved,
                iceHistory,
                dtlsHistory,
                selectedTuple,
                videoScore,
                videoPackets,
                hasAudio,
                audioScore,
                audioPackets);
        }

        public string Describe() =>
            $"worker alive={WorkerAlive} died={WorkerDied}; ice={IceState ?? "-"} ({IceHistory}) tuple [{SelectedTuple}]; dtls={DtlsState ?? "-"} ({DtlsHistory}); " +
            $"video score={VideoScore} packets={VideoPackets}; audio={(HasAudioProducer ? $"score={AudioScore} packets={AudioPackets}" : "none")}";
    }
}
