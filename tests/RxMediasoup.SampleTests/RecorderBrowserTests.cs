using RxMediasoup.BrowserTesting;
using RxMediasoup.SampleTests.Infrastructure;
using Xunit.Abstractions;

namespace RxMediasoup.SampleTests;

/// <summary>
/// samples/Recorder as a user runs it: a browser peer's camera (Chromium's fake device, VP8 simulcast) is recorded for
/// 8 s into a .webm file that ffprobe decodes.
/// </summary>
/// <remarks>
/// Duration within 10 % of the recording time the program prints (first packet to stop): see
/// <see cref="RecorderMediaTests"/> for why 10 %. Frames: at least 10 per second recorded — Chromium's encoder lowers
/// its frame rate when the shared 2-core machine is busy (the fake camera runs at 30 fps), while a recording that lost
/// its stream or its key frames has next to none.
/// </remarks>
[Collection(SampleBrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class RecorderBrowserTests(SampleBrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ABrowserPeersCameraIsRecordedIntoAWebmFileThatFfprobeDecodes()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "alice.webm");
        await using var sample = await SampleBrowserFixture.StartAsync("Recorder", output.WriteLine,
            "--room", "studio", "--source", "alice", "--kind", "video", "--seconds", "8", "--output", file);
        await sample.WaitForLineAsync(l => l.Contains("Recorder in room 'studio'", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        var alice = await RoomPage.OpenAsync(fixture.Chromium, sample.BaseUrl, "studio", "alice", new RoomPageOptions(Video: true, Audio: false));
        await alice.WaitJoinedAsync(TimeSpan.FromSeconds(20));
        string finished = await sample.WaitForLineAsync(l => l.Contains("recording finished:", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        double recorded = SampleBrowserFixture.Number(finished, @"\(([0-9.]+) s from first packet");
        Assert.Contains($"recording finished: {file} (", finished);
        Assert.EndsWith("ffmpeg exit code 0)", finished);
        Assert.InRange(recorded, 7.9, 9.0);
        await alice.CloseAsync();
        await SampleBrowserFixture.AssertCtrlCStopsCleanlyAsync(sample);

        var probe = await Tools.ProbeAsync(file);
        output.WriteLine($"recorded {recorded:0.000} s; file {probe}");
        Assert.Equal("vp8", probe.CodecName);
        double error = Math.Abs(probe.DurationSeconds - recorded) / recorded;
        Assert.True(error <= 0.10, $"file {probe.DurationSeconds:0.000} s, recorded {recorded:0.000} s ({error:P1} off)");
        Assert.True(probe.FramesDecoded >= 10 * recorded, $"{probe.FramesDecoded} frames decoded in {recorded:0.0} s");
        Assert.True(probe.Width >= 320, $"width {probe.Width}");
    }
}
