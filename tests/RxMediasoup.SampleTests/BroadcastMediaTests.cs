using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxMediasoup.Samples.Broadcast;
using RxMediasoup.SampleTests.Infrastructure;

namespace RxMediasoup.SampleTests;

/// <summary>samples/Broadcast's media part on a plain router: a real file played by ffmpeg into two producers.</summary>
public sealed class BroadcastMediaTests(RouterFixture fixture) : IClassFixture<RouterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AFileLoopsIntoAScoredVideoAndAudioProducerAndDisposingStopsFfmpegAndClosesThem()
    {
        using var dir = new TempDirectory();
        string file = await Tools.MakeMediaFileAsync(dir.Path, seconds: 2);
        var started = new TaskCompletionSource<BroadcastSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = FfmpegBroadcast.Using(fixture.Router, new BroadcastOptions { Input = file, Width = 320, Height = 240 })
            .Subscribe(s => started.TrySetResult(s), e => started.TrySetException(e));
        BroadcastSession session;
        try
        {
            session = await started.Task.WaitAsync(Timeout);
            // The worker scores both streams: RTP arrives, from a file of other codecs re-encoded to VP8 and Opus.
            await session.Video.Score.FirstAsync(s => s.Any(x => x.Score > 0)).Timeout(Timeout).ToTask();
            await session.Audio.Score.FirstAsync(s => s.Any(x => x.Score > 0)).Timeout(Timeout).ToTask();
            var video = Assert.Single(await session.Video.GetStatsAsync());
            Assert.Equal("video/VP8", video.MimeType);
            Assert.Equal(FfmpegBroadcast.VideoSsrc, video.Ssrc);
            Assert.Equal("audio/opus", Assert.Single(await session.Audio.GetStatsAsync()).MimeType);

            // The 2 s file loops: packets keep coming 4 s after the start.
            await Task.Delay(TimeSpan.FromSeconds(4));
            long before = Assert.Single(await session.Video.GetStatsAsync()).PacketCount;
            await Task.Delay(TimeSpan.FromSeconds(1));
            long after = Assert.Single(await session.Video.GetStatsAsync()).PacketCount;
            Assert.True(after > before, $"video packets {before} -> {after}: the file did not loop");
            Assert.True(Tools.IsAlive(session.FfmpegPid));
        }
        finally
        {
            subscription.Dispose();
        }
        // Disposing returns once ffmpeg has exited; the transports (so the producers) close.
        Assert.False(Tools.IsAlive(session.FfmpegPid), $"ffmpeg {session.FfmpegPid} outlived its subscription");
        Assert.True(await Tools.EventuallyAsync(() => Task.FromResult(session.Video.IsClosed && session.Audio.IsClosed), TimeSpan.FromSeconds(5)));
        Assert.True(session.Video.Transport.IsClosed);
        Assert.True(session.Audio.Transport.IsClosed);
    }

    [Fact]
    public async Task ANonLoopingFileEndsTheBroadcastWhichClosesItsProducers()
    {
        using var dir = new TempDirectory();
        string file = await Tools.MakeMediaFileAsync(dir.Path, seconds: 2);
        var sessions = FfmpegBroadcast.Using(fixture.Router, new BroadcastOptions { Input = file, Loop = false, Width = 320, Height = 240 })
            .Replay();
        using var connection = sessions.Connect();
        var session = await sessions.FirstAsync().Timeout(Timeout).ToTask();
        // The stream completes by itself when ffmpeg reaches the end of the file (2 s, read in real time)...
        await sessions.LastAsync().Timeout(Timeout).ToTask();
        Assert.False(Tools.IsAlive(session.FfmpegPid));
        // ...and that ends the transports' lifetimes: producers closed, so any consumer of them.
        Assert.True(await Tools.EventuallyAsync(() => Task.FromResult(session.Video.IsClosed && session.Audio.IsClosed), TimeSpan.FromSeconds(5)));
        Assert.Equal(0, fixture.Router.Transports.Count);
    }

    [Fact]
    public async Task AMissingFfmpegFailsTheBroadcastWithInstructionsAndClosesWhatItCreated()
    {
        Environment.SetEnvironmentVariable("FFMPEG_BIN", "/nonexistent/ffmpeg");
        try
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                FfmpegBroadcast.Using(fixture.Router, new BroadcastOptions()).FirstAsync().Timeout(Timeout).ToTask());
            Assert.Contains("cannot start ffmpeg ('/nonexistent/ffmpeg'", failure.Message);
            Assert.Contains("set FFMPEG_BIN", failure.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FFMPEG_BIN", null);
        }
        // The error ended the composition: both plain transports it had created are closed.
        Assert.True(await Tools.EventuallyAsync(() => Task.FromResult(fixture.Router.Transports.Count == 0), TimeSpan.FromSeconds(5)),
            $"{fixture.Router.Transports.Count} transports left");
    }

    [Fact]
    public void OptionsNameTheBadField()
    {
        var missing = Assert.Throws<ArgumentException>(() =>
            FfmpegBroadcast.Using(fixture.Router, new BroadcastOptions { Input = "/nonexistent/file.mp4" }));
        Assert.Contains("BroadcastOptions.Input", missing.Message);
        var odd = Assert.Throws<ArgumentException>(() => FfmpegBroadcast.Using(fixture.Router, new BroadcastOptions { Width = 641 }));
        Assert.Contains("BroadcastOptions.Width", odd.Message);
    }
}
