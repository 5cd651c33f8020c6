using Microsoft.Reactive.Testing;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>Active speaker and audio level observers with no audio flowing, recorded for <see cref="DifferentialTests"/>.</summary>
internal sealed class ObserverScenario(Worker worker, TestScheduler? scheduler) : RecordedScenario(scheduler)
{
    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var router = await Settle(worker.CreateRouterAsync(new RouterOptions { MediaCodecs = ConsumerMediaCodecs }));
        Names[router.Id] = "router";
        var transport = await Settle(router.CreateWebRtcTransportAsync(new WebRtcTransportOptions
        {
            ListenInfos = [new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" }],
        }));
        Names[transport.Id] = "transport";
        var audio = await Settle(transport.ProduceAsync(ConsumerAudioProducerOptions));
        Names[audio.Id] = "audio";
        var video = await Settle(transport.ProduceAsync(ConsumerVideoProducerOptions));
        Names[video.Id] = "video";
        var speaker = await Settle(router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 300 }));
        Names[speaker.Id] = "speaker";
        var levels = await Settle(router.CreateAudioLevelObserverAsync());
        Names[levels.Id] = "levels";
        var dominant = new List<string>();
        using var _ = speaker.DominantSpeaker.Subscribe(d => dominant.Add(Names.GetValueOrDefault(d.ProducerId, d.ProducerId)));
        int silences = 0;
        using var __ = levels.Silence.Subscribe(_ => silences++);

        await Settle(speaker.AddProducerAsync(audio.Id));
        await Settle(levels.AddProducerAsync(audio.Id));
        await RejectAsync("video to speaker", () => speaker.AddProducerAsync(video.Id));
        await RejectAsync("video to levels", () => levels.AddProducerAsync(video.Id));
        await RejectAsync("audio to speaker again", () => speaker.AddProducerAsync(audio.Id));
        await RejectAsync("audio to levels again", () => levels.AddProducerAsync(audio.Id));
        await RejectAsync("unknown producer", () => levels.RemoveProducerAsync("3c0bb13c-0000-4000-8000-000000000000"));
        Record("router dump", RouterPart(await Settle(router.DumpAsync())));

        // Without audio the worker names its only speaker dominant at the timer's first tick (300 ms).
        await ElapseAsync(TimeSpan.FromMilliseconds(450), () => dominant.Count > 0);
        await Settle(speaker.PauseAsync());
        await Settle(levels.PauseAsync());
        await Settle(levels.ResumeAsync());
        await Settle(speaker.ResumeAsync());
        Record("observers", string.Join(",", dominant), silences, speaker.Paused.Current(), levels.Paused.Current());

        await Settle(audio.CloseAsync());
        Record("after producer close", RouterPart(await Settle(router.DumpAsync())));
        await Settle(levels.CloseAsync());
        Record("after observer close", RouterPart(await Settle(router.DumpAsync())), string.Join(",", dominant));
        return Lines;
    }

    /// <summary>Lets <paramref name="time"/> pass: virtual on the simulation; real (until the condition) on the worker.</summary>
    private async Task ElapseAsync(TimeSpan time, Func<bool> condition)
    {
        if (Scheduler is not null) Scheduler.AdvanceBy(time.Ticks);
        else await WaitAsync(condition);
    }
}
