using System.Text;
using RxMediasoup.Tests.Transports;
using static RxMediasoup.Tests.Media.MediaTestData;

namespace RxMediasoup.Testing.Tests;

/// <summary>Scripts of the audio (levels, dominant speaker) and of what direct transports hand to the application.</summary>
public sealed class SimulationMediaScriptTests
{
    private static readonly long Ms = TimeSpan.TicksPerMillisecond;

    [Fact]
    public void AnAudioLevelObserverReportsTheScriptedLevelsAtEachTickAsTheWorkerComputesThem()
    {
        var room = SimulatedRoom.OnSimulation();
        var (sim, scheduler) = (room.Simulation, room.Scheduler);
        var p1 = room.AudioProducer;
        var p2 = room.Answer(room.Transport2.ProduceAsync(ConsumerAudioProducerOptions));
        var observer = room.Answer(room.Router.CreateAudioLevelObserverAsync(new AudioLevelObserverOptions { MaxEntries = 2, Threshold = -60, Interval = 500 }));
        long t0 = scheduler.Clock; // the observer's timer started when the worker created it
        room.Answer(observer.AddProducerAsync(p1.Id));
        room.Answer(observer.AddProducerAsync(p2.Id));
        var events = new List<string>();
        using var s1 = observer.Volumes.Subscribe(v => events.Add($"{(scheduler.Clock - t0) / Ms}:{string.Join(",", v.Select(e => $"{(e.Producer == p1 ? "p1" : "p2")}={e.Volume}"))}"));
        using var s2 = observer.Silence.Subscribe(_ => events.Add($"{(scheduler.Clock - t0) / Ms}:silence"));

        sim.SetAudioLevel(p1, -30);
        sim.SetAudioLevel(p2, -20);
        sim.At(TimeSpan.FromTicks(t0 + 700 * Ms), () => sim.SetAudioLevel(p2, -70)); // under the threshold
        sim.At(TimeSpan.FromTicks(t0 + 1200 * Ms), () => sim.SetAudioLevel(p1, null));
        sim.At(TimeSpan.FromTicks(t0 + 2100 * Ms), () => sim.SetAudioLevel(p2, null));
        scheduler.AdvanceTo(t0 + 5000 * Ms);
        // Loudest first; one silence on the transition only; nothing once no level is left (the timer has stopped).
        Assert.Equal(["500:p2=-20,p1=-30", "1000:p1=-30", "1500:silence"], events);

        // Pausing reports silence when there were volumes; the resumed timer counts from the resume.
        events.Clear();
        sim.SetAudioLevel(p1, -10);
        scheduler.AdvanceTo(t0 + 5500 * Ms);
        room.Answer(observer.PauseAsync());
        scheduler.AdvanceTo(t0 + 6200 * Ms);
        room.Answer(observer.ResumeAsync());
        scheduler.AdvanceTo(t0 + 6800 * Ms);
        Assert.Equal(["5500:p1=-10", "5500:silence", "6700:p1=-10"], events);

        // A paused producer sends no level; max entries and equal levels (the later one first, as the worker's multimap).
        events.Clear();
        sim.SetAudioLevel(p2, -10);
        room.Answer(p1.PauseAsync());
        scheduler.AdvanceTo(t0 + 7300 * Ms);
        room.Answer(p1.ResumeAsync());
        scheduler.AdvanceTo(t0 + 7800 * Ms);
        sim.SetAudioLevel(p1, null);
        sim.SetAudioLevel(p2, null);
        scheduler.AdvanceTo(t0 + 9000 * Ms);
        Assert.Equal(["7200:p2=-10", "7700:p2=-10,p1=-10", "8200:silence"], events);

        Assert.Throws<InvalidOperationException>(() => sim.SetAudioLevel(room.VideoProducer, -10));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.SetAudioLevel(p1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.SetAudioLevel(p1, -128));
    }

    [Fact]
    public void TheDominantSpeakerFollowsTheScript()
    {
        var room = SimulatedRoom.OnSimulation();
        var (sim, scheduler) = (room.Simulation, room.Scheduler);
        var p1 = room.AudioProducer;
        var p2 = room.Answer(room.Transport2.ProduceAsync(ConsumerAudioProducerOptions));
        var observer = room.Answer(room.Router.CreateActiveSpeakerObserverAsync(new ActiveSpeakerObserverOptions { Interval = 300 }));
        var speakers = new List<string>();
        using var s = observer.DominantSpeaker.Subscribe(d => speakers.Add(d.Producer == p1 ? "p1" : "p2"));
        room.Answer(observer.AddProducerAsync(p1.Id));
        room.Answer(observer.AddProducerAsync(p2.Id));

        Assert.True(sim.SetDominantSpeaker(observer, p2));
        Assert.False(sim.SetDominantSpeaker(observer, p2)); // no change: no notification
        scheduler.AdvanceBy(1000 * Ms); // the timer finds a dominant speaker already: no election
        Assert.True(sim.SetDominantSpeaker(observer, p1));
        room.Answer(p2.PauseAsync());
        Assert.False(sim.SetDominantSpeaker(observer, p2));
        room.Answer(p2.ResumeAsync());
        room.Answer(observer.PauseAsync());
        Assert.False(sim.SetDominantSpeaker(observer, p2));
        room.Answer(observer.ResumeAsync());
        Assert.True(sim.SetDominantSpeaker(observer, p2));
        Assert.Equal(["p2", "p1", "p2"], speakers);

        Assert.Throws<InvalidOperationException>(() => sim.SetDominantSpeaker(observer, room.VideoProducer)); // not added
        room.Answer(observer.RemoveProducerAsync(p1.Id));
        Assert.Throws<InvalidOperationException>(() => sim.SetDominantSpeaker(observer, p1));
    }

    [Fact]
    public void ADirectTransportHandsScriptedRtpAndRtcpToTheApplication()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var direct = room.Answer(room.Router.CreateDirectTransportAsync());
        var consumer = room.Answer(direct.ConsumeAsync(new ConsumerOptions { ProducerId = room.AudioProducer.Id, RtpCapabilities = ConsumerDeviceCapabilities }));
        var rtp = new List<byte[]>();
        var rtcp = new List<byte[]>();
        using var s1 = consumer.Rtp.Subscribe(p => rtp.Add(p.ToArray()));
        using var s2 = direct.Rtcp.Subscribe(p => rtcp.Add(p.ToArray()));
        byte[] packet = [0x80, 100, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4, 0xAA];

        Assert.True(sim.DeliverRtp(consumer, packet));
        sim.DeliverRtcp(direct, [0x80, 200, 0, 6]);
        room.Answer(consumer.PauseAsync());
        Assert.False(sim.DeliverRtp(consumer, packet)); // a paused consumer sends nothing
        room.Answer(consumer.ResumeAsync());
        room.Answer(room.AudioProducer.PauseAsync());
        Assert.False(sim.DeliverRtp(consumer, packet));

        Assert.Equal([packet], rtp);
        Assert.Equal([[0x80, 200, 0, 6]], rtcp);
        Assert.Throws<InvalidOperationException>(() => sim.DeliverRtp(room.AudioConsumer, packet)); // on a WebRTC transport
        Assert.Throws<ArgumentException>(() => sim.DeliverRtp(consumer, []));
        Assert.Throws<ArgumentException>(() => sim.DeliverRtcp(direct, []));
    }

    [Fact]
    public void DataMessagesReachDirectDataConsumersScriptedOrForwardedWithTheWorkersSubchannelRules()
    {
        var room = SimulatedRoom.OnSimulation();
        var sim = room.Simulation;
        var direct = room.Answer(room.Router.CreateDirectTransportAsync());
        var producer = room.Answer(direct.ProduceDataAsync());
        var one = room.Answer(direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = producer.Id, Subchannels = [1] }));
        var all = room.Answer(direct.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = producer.Id }));
        var received = new List<string>();
        using var s1 = one.Messages.Subscribe(m => received.Add($"one:{m.Ppid}:{Encoding.UTF8.GetString(m.Payload)}"));
        using var s2 = all.Messages.Subscribe(m => received.Add($"all:{m.Ppid}:{Encoding.UTF8.GetString(m.Payload)}"));

        producer.Send("a");
        producer.Send("b", subchannels: [1, 7]);
        producer.Send("c", requiredSubchannel: 2);
        producer.Send("d", ignoredSubchannel: 1);
        room.Scheduler.AdvanceBy(1); // the worker handles what the library sent
        Assert.Equal(["one:51:a", "all:51:a", "one:51:b", "all:51:d"], received);

        received.Clear();
        room.Answer(all.PauseAsync());
        producer.Send("e");
        Assert.True(sim.DeliverMessage(one, "f"u8, 51));
        Assert.False(sim.DeliverMessage(all, "g"u8)); // paused: dropped
        room.Answer(producer.PauseAsync());
        producer.Send("h");
        Assert.False(sim.DeliverMessage(one, "i"u8));
        room.Scheduler.AdvanceBy(1);
        Assert.Equal(["one:51:f", "one:51:e"], received); // a script delivers now; what the library sent, at the next tick
    }

    [Fact]
    public async Task TheForwardingScenarioDeliversWhatTheSubchannelRulesAllow()
    {
        // DifferentialTests.DirectDataMessagesAreForwardedAsOnTheWorker checks the real worker gives the same lines.
        var scheduler = new Microsoft.Reactive.Testing.TestScheduler();
        var lines = await new DirectMessageScenario(await SimulatedWorker.CreateAsync(scheduler), scheduler).RunAsync();
        Assert.Equal(
        [
            "one: \"51:all 51:sub1 1234:A 51:end\"",
            "none: \"51:all 51:ign1 1234:A 51:onePaused 51:end\"",
            "twoThree: \"51:all 51:sub3or9 51:req2 51:ign1 1234:A 51:onePaused 51:end\"",
            "paused: \"\"",
        ], lines);
    }
}
