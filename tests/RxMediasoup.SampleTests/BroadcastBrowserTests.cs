using RxMediasoup.BrowserTesting;
using RxMediasoup.SampleTests.Infrastructure;
using Xunit.Abstractions;

namespace RxMediasoup.SampleTests;

/// <summary>samples/Broadcast as a user runs it: a media file into a room; a browser peer in that room decodes it.</summary>
[Collection(SampleBrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class BroadcastBrowserTests(SampleBrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ABrowserPeerInTheRoomDecodesTheFileAndCtrlCStopsFfmpegAndTheWorker()
    {
        using var dir = new TempDirectory();
        // A 320×240 MPEG-4/MP2 file: the broadcast scales it into its 640×360 box (480×360) and encodes VP8 + Opus.
        string file = await Tools.MakeMediaFileAsync(dir.Path, seconds: 3);
        await using var sample = await SampleBrowserFixture.StartAsync("Broadcast", output.WriteLine, "--input", file, "--room", "cinema");
        await sample.WaitForLineAsync(l => l.Contains("Broadcasting", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await sample.WaitForLineAsync(l => l.Contains("video producer", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var viewer = await RoomPage.OpenAsync(fixture.Chromium, sample.BaseUrl, "cinema", "viewer", new RoomPageOptions(Video: false, Audio: false));
        // Remote media within 20 s of opening the page (the Room's contract), from the broadcast's peer id.
        await viewer.WaitForStatsAsync(s => s.From("broadcast", "video") is { FramesDecoded: > 0 } && s.From("broadcast", "audio") is { PacketsReceived: > 0 },
            TimeSpan.FromSeconds(20), "decoding the broadcast");
        var growth = await viewer.MeasureInboundAsync(TimeSpan.FromSeconds(3));
        output.WriteLine(string.Join("\n", growth));
        var video = Assert.Single(growth, g => g.PeerId == "broadcast" && g.Kind == "video");
        var audio = Assert.Single(growth, g => g.PeerId == "broadcast" && g.Kind == "audio");
        // ffmpeg sends 30 fps and 50 Opus packets/s; a third of that over 3 s allows a loaded 2-core machine, a stopped stream fails.
        Assert.True(video.FramesDecoded >= 30, $"video frames decoded in 3 s: {video.FramesDecoded}");
        Assert.True(audio.Packets >= 50, $"audio packets in 3 s: {audio.Packets}");
        Assert.Equal((480, 360), (video.Last.FrameWidth, video.Last.FrameHeight));
        var state = await viewer.StateAsync();
        Assert.Equal(["audio", "video"], state.Peer("broadcast")!.Consumers.Select(c => c.Kind).Order());
        Assert.Contains("broadcast", await viewer.PeerElementsAsync());

        await viewer.CloseAsync();
        // SIGINT reaches ffmpeg too (same process group, as on a terminal): everything ends, nothing is left.
        await SampleBrowserFixture.AssertCtrlCStopsCleanlyAsync(sample);
    }

    [Fact]
    public async Task WhenTheRoomsWorkerDiesTheBroadcastMovesWithTheRoomAndTheViewerDecodesItAgain()
    {
        await using var sample = await SampleBrowserFixture.StartAsync("Broadcast", output.WriteLine, "--room", "moving", "--workers", "2");
        string created = await sample.WaitForLineAsync(l => l.Contains("room moving created on router", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        string first = await sample.WaitForLineAsync(l => l.Contains("broadcast into room moving: ffmpeg", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        int worker = (int)SampleBrowserFixture.Number(created, @"worker pid (\d+)");
        int firstFfmpeg = (int)SampleBrowserFixture.Number(first, @"ffmpeg (\d+)");
        var viewer = await RoomPage.OpenAsync(fixture.Chromium, sample.BaseUrl, "moving", "viewer", new RoomPageOptions(Video: false, Audio: false));
        await viewer.WaitForStatsAsync(s => s.From("broadcast", "video") is { FramesDecoded: > 0 }, TimeSpan.FromSeconds(20), "decoding the broadcast");

        var killed = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(LinuxProcesses.Signal(worker, LinuxProcesses.SIGKILL), $"kill {worker}");
        // Room.Router emits the new router; Switch() disposes the old broadcast (its ffmpeg stops) and starts one there.
        await sample.WaitForLineAsync(l => l.Contains("room moving moved to router", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        string second = await sample.WaitForLineAsync(
            l => l.Contains("broadcast into room moving: ffmpeg", StringComparison.Ordinal) && l != first, TimeSpan.FromSeconds(10));
        Assert.NotEqual(firstFfmpeg, (int)SampleBrowserFixture.Number(second, @"ffmpeg (\d+)"));
        Assert.False(Tools.IsAlive(firstFfmpeg), $"the old broadcast's ffmpeg {firstFfmpeg} still runs");
        // The page reconnects by itself and consumes the new producers: decoding again within 10 s of the kill (the Room's bound).
        await viewer.WaitForStateAsync(s => s.Joined && s.Reconnects > 0, TimeSpan.FromSeconds(10) - killed.Elapsed, "reconnected");
        await viewer.WaitForStatsAsync(s => s.From("broadcast", "video") is { FramesDecoded: > 0 },
            TimeSpan.FromSeconds(Math.Max(1, 10 - killed.Elapsed.TotalSeconds)), "decoding the broadcast again");
        output.WriteLine($"decoding again {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        var video = Assert.Single(await viewer.MeasureInboundAsync(TimeSpan.FromSeconds(2)), g => g.PeerId == "broadcast" && g.Kind == "video");
        Assert.True(video.FramesDecoded >= 20, $"video frames decoded in 2 s after the move: {video.FramesDecoded}");

        await viewer.CloseAsync();
        await SampleBrowserFixture.AssertCtrlCStopsCleanlyAsync(sample);
    }

    [Fact]
    public async Task AMissingFileIsNamedAndTheProgramExitsWithCode2()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            SampleBrowserFixture.StartAsync("Broadcast", output.WriteLine, "--input", "/nonexistent/movie.mp4"));
        Assert.Contains("exited (code 2)", ex.Message);
        Assert.Contains("BroadcastOptions.Input: no file '/nonexistent/movie.mp4'", ex.Message);
    }
}
