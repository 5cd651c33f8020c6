using Xunit.Abstractions;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxMediasoup.Samples.Broadcast;
using RxMediasoup.Samples.Recorder;
using RxMediasoup.SampleTests.Infrastructure;

namespace RxMediasoup.SampleTests;

/// <summary>
/// samples/Recorder's media part on a plain router: ffmpeg's broadcast (samples/Broadcast) is recorded into .webm and
/// the file is checked with ffprobe.
/// </summary>
/// <remarks>
/// Duration within 10 % of the recording time: the recording time is measured here, from the first packet the
/// consumer sent (stats polled every 100 ms) to the stop request; the file's duration comes from RTP timestamps. The
/// two differ by the stats poll period, ffmpeg's reorder queue and the last frame's length — together a few hundred
/// milliseconds, well under 10 % of 8 s (0.8 s), while a recorder that lost a second or wrote wrong timestamps fails.
/// Frames: at least 70 % of the source's 30 (video) or 50 (Opus, 20 ms) frames per second, all decodable by ffprobe —
/// realtime libvpx may drop some frames when the two cores are busy, a broken recording has few or none.
/// </remarks>
public sealed class RecorderMediaTests(RouterFixture fixture, ITestOutputHelper output) : IClassFixture<RouterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RecordFor = TimeSpan.FromSeconds(8);

    [Theory]
    [InlineData(MediaKind.Video, "vp8", 30)]
    [InlineData(MediaKind.Audio, "opus", 50)]
    public async Task ABroadcastProducerIsRecordedIntoAWebmFileThatFfprobeDecodes(MediaKind kind, string codec, int framesPerSecond)
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, $"recording-{kind}.webm");
        var broadcasting = new TaskCompletionSource<BroadcastSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var broadcast = FfmpegBroadcast.Using(fixture.Router, new BroadcastOptions { Width = 320, Height = 240 })
            .Subscribe(s => broadcasting.TrySetResult(s), e => broadcasting.TrySetException(e));
        var session = await broadcasting.Task.WaitAsync(Timeout);
        var producer = kind == MediaKind.Video ? session.Video : session.Audio;

        var started = new TaskCompletionSource<Recording>(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = WebmRecorder.Using(fixture.Router, producer.Id, new RecorderOptions { OutputPath = file })
            .Subscribe(r => started.TrySetResult(r), e => started.TrySetException(e));
        Recording recording;
        TimeSpan recorded;
        try
        {
            recording = await started.Task.WaitAsync(Timeout);
            Assert.Equal(kind, recording.Consumer.Kind);
            Assert.False(recording.Consumer.Paused.Value);
            var firstPacket = await recording.FirstPacket.Timeout(Timeout).ToTask();
            await Task.Delay(RecordFor);
            recorded = DateTimeOffset.UtcNow - firstPacket;
            Assert.Equal(0, await recording.StopAsync());
        }
        finally
        {
            recorder.Dispose();
        }
        Assert.False(Tools.IsAlive(recording.FfmpegPid));
        // The transport closes asynchronously after the subscription ends (the library's Using… lifetimes).
        Assert.True(await Tools.EventuallyAsync(() => Task.FromResult(recording.Consumer.IsClosed), TimeSpan.FromSeconds(5)));

        var probe = await Tools.ProbeAsync(file);
        output.WriteLine($"{kind}: recorded {recorded.TotalSeconds:0.000} s; file {probe}");
        Assert.Equal(codec, probe.CodecName);
        double error = Math.Abs(probe.DurationSeconds - recorded.TotalSeconds) / recorded.TotalSeconds;
        Assert.True(error <= 0.10, $"file {probe.DurationSeconds:0.000} s, recorded {recorded.TotalSeconds:0.000} s ({error:P1} off)");
        long minimumFrames = (long)(0.7 * framesPerSecond * recorded.TotalSeconds);
        Assert.True(probe.FramesDecoded >= minimumFrames, $"{probe.FramesDecoded} frames decoded, expected >= {minimumFrames}");
        if (kind == MediaKind.Video) Assert.Equal((320, 240), (probe.Width, probe.Height));
    }

    [Fact]
    public void AnUnknownProducerIsNamed()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            WebmRecorder.Using(fixture.Router, "no-such-producer", new RecorderOptions { OutputPath = Path.Combine(Path.GetTempPath(), "x.webm") }));
        Assert.Contains("producerId", e.Message);
        Assert.Contains("no-such-producer", e.Message);
    }
}
