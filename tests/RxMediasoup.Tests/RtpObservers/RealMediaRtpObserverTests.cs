using System.Collections.Concurrent;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxMediasoup.Tests.Media;
using RxMediasoup.Tests.Transports;
using Xunit.Abstractions;

namespace RxMediasoup.Tests.RtpObservers;

/// <summary>
/// Real media through the RTP observers: two PlainTransports (comedia, rtcpMux, 127.0.0.1), each with an opus producer
/// fed by Debian's ffmpeg (opus RTP with the ssrc-audio-level extension added by <see cref="FfmpegAudioSender"/>'s relay
/// from the measured PCM). One sender is loud and the other silent, then they swap.
/// </summary>
public sealed class RealMediaRtpObserverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const uint SsrcA = 11111111;
    private const uint SsrcB = 22222222;
    private const string Talking = FfmpegAudioSender.Talking; // Bursts at -21 dBov over a -81 dBov floor.
    private const string Silent = FfmpegAudioSender.Silent;   // Digital silence: -127 dBov.
    // The worker averages the dBov of an interval's packets: a whole 500 ms of Talking is 0.6 × -21 + 0.4 × -81 ≈ -45
    // (an interval that began before ffmpeg started is lower).
    private const int TalkingFloor = -50;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync(new RouterOptions { MediaCodecs = RtpObserverTestData.MediaCodecs });
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    private async Task<(RxMediasoup.PlainTransport Transport, RxMediasoup.Producer Producer)> CreateAudioInputAsync(uint ssrc)
    {
        var transport = await _router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
            Comedia = true,
            RtcpMux = true,
        });
        var producer = await transport.ProduceAsync(RtpObserverTestData.AudioProducer(ssrc));
        return (transport, producer);
    }

    [Fact]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task DominantSpeakerSwitchesBetweenTwoFfmpegAudioProducersAndVolumesReportTheLoudOne()
    {
        var (transportA, producerA) = await CreateAudioInputAsync(SsrcA);
        var (transportB, producerB) = await CreateAudioInputAsync(SsrcB);
        var speaker = await _router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 300 });
        var level = await _router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { MaxEntries = 2, Threshold = -70, Interval = 500 });
        foreach (var p in new[] { producerA, producerB })
        {
            await speaker.AddProducerAsync(p.Id);
            await level.AddProducerAsync(p.Id);
        }

        var dominant = new ConcurrentQueue<string>();
        var volumes = new ConcurrentQueue<IReadOnlyList<AudioLevelObserverVolume>>();
        using var s1 = speaker.DominantSpeaker.Subscribe(d =>
        {
            dominant.Enqueue(d.Producer == producerA ? "A" : d.Producer == producerB ? "B" : "?");
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} dominant {(d.Producer == producerA ? "A" : "B")}");
        });
        using var s2 = level.Volumes.Subscribe(v =>
        {
            volumes.Enqueue(v);
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} volumes {string.Join(",", v.Select(x => $"{(x.Producer == producerA ? "A" : "B")}:{x.Volume}"))}");
        });
        using var s3 = level.Silence.Subscribe(_ => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} silence"));

        int portA = transportA.Tuple.Current().LocalPort;
        int portB = transportB.Tuple.Current().LocalPort;
        await using var senderA = new FfmpegAudioSender(portA, SsrcA, RtpObserverTestData.OpusPayloadType, RtpObserverTestData.AudioLevelExtensionId);
        await using var senderB = new FfmpegAudioSender(portB, SsrcB, RtpObserverTestData.OpusPayloadType, RtpObserverTestData.AudioLevelExtensionId);

        void Log(string phase) => output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {phase}: levels A={senderA.Level} B={senderB.Level}, "
            + $"forwarded A={senderA.PacketsForwarded} B={senderB.PacketsForwarded}");

        async Task SwapAsync(FfmpegAudioSender silent, FfmpegAudioSender talking, RxMediasoup.Producer talker, string phase)
        {
            var isDominant = speaker.DominantSpeaker.Where(d => d.Producer == talker).FirstAsync().ToTask();
            var isLoudest = level.Volumes.Where(v => v[0].Producer == talker && v[0].Volume >= TalkingFloor).FirstAsync().ToTask();
            await silent.RestartAsync(Silent);
            await talking.RestartAsync(Talking);
            try
            {
                await isDominant.WaitAsync(Bound);
                var loudest = await isLoudest.WaitAsync(Bound);
                Assert.Single(loudest); // The silent one is below the threshold.
            }
            finally
            {
                Log(phase);
            }
        }

        try
        {
            // Phase 1: A talks, B is silent. (With no dominant speaker yet, the worker names one of its producers at its
            // first evaluation, audio or not; so A may be named before its audio counts. Phase 3 shows A chosen by audio.)
            var aDominant = speaker.DominantSpeaker.Where(d => d.Producer == producerA).FirstAsync().ToTask();
            var aLoudest = level.Volumes.Where(v => v[0].Producer == producerA && v[0].Volume >= TalkingFloor).FirstAsync().ToTask();
            senderA.Start(Talking);
            senderB.Start(Silent);
            await aDominant.WaitAsync(Bound);
            var loudA = await aLoudest.WaitAsync(Bound);
            Log("phase 1 (A talks)");
            Assert.DoesNotContain(loudA, v => v.Producer == producerB); // Silent: below the threshold.
            Assert.Equal(127, senderB.Level);
            int eventsBeforePhase2 = dominant.Count;

            // Phase 2: B talks, A is silent.
            await SwapAsync(silent: senderA, talking: senderB, producerB, "phase 2 (B talks)");
            int eventsBeforePhase3 = dominant.Count;

            // Phase 3: A talks again.
            await SwapAsync(silent: senderB, talking: senderA, producerA, "phase 3 (A talks)");

            // The dominant speaker followed the audio: A, then B, then A.
            var sequence = dominant.ToArray();
            output.WriteLine($"dominant speaker sequence: {string.Join(",", sequence)}");
            Assert.Equal("A", sequence[eventsBeforePhase2 - 1]);
            Assert.Equal(["B"], sequence[eventsBeforePhase2..eventsBeforePhase3]);
            Assert.Equal(["A"], sequence[eventsBeforePhase3..]);

            // The producers' own view of the media: packets arrived.
            Assert.True((await producerA.GetStatsAsync()).Sum(s => s.PacketCount) > 0);
            Assert.True((await producerB.GetStatsAsync()).Sum(s => s.PacketCount) > 0);
        }
        finally
        {
            // Kill ffmpeg whatever happened (DisposeAsync also does, once more, harmlessly).
            await senderA.DisposeAsync();
            await senderB.DisposeAsync();
        }
    }
}
