namespace RxMediasoup.SampleTests.Infrastructure;

/// <summary>A real worker and a router with the room's codecs (Opus, VP8), closed after the test class.</summary>
public sealed class RouterFixture : IAsyncLifetime
{
    public Worker Worker { get; private set; } = null!;
    public Router Router { get; private set; } = null!;

    public static IReadOnlyList<RtpCodecCapability> MediaCodecs =>
    [
        new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
    ];

    public async Task InitializeAsync()
    {
        Worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
        Router = await Worker.CreateRouterAsync(new RouterOptions { MediaCodecs = MediaCodecs });
    }

    public async Task DisposeAsync()
    {
        int pid = Worker.Pid;
        await Worker.CloseAsync();
        if (!await Tools.EventuallyAsync(() => Task.FromResult(!Tools.IsAlive(pid)), TimeSpan.FromSeconds(5)))
            throw new InvalidOperationException($"mediasoup-worker {pid} still runs after CloseAsync");
    }
}
