#:project ../src/RxMediasoup/RxMediasoup.csproj
#:project ../src/RxMediasoup.Testing/RxMediasoup.Testing.csproj
#:project NotebookKit/NotebookKit.csproj
#:property PublishAot=false
#:property ImplicitUsings=disable

// %% [markdown]
// # Virtual time: stats polling and a small room pipeline on a clock you advance
//
// Every time-based operator of the library takes an optional `IScheduler`: `PollStats(period, scheduler)`,
// `Stalled(counter, threshold, scheduler)`, `Bitrate(bytes, scheduler)`. Give them a virtual-time scheduler and a
// pipeline that needs minutes of wall-clock time runs in milliseconds, with exact, repeatable timings.
//
// The scheduler here is `VirtualClock` (notebooks/NotebookKit): System.Reactive's own `HistoricalScheduler`, the same
// `VirtualTimeScheduler` base as Microsoft.Reactive.Testing's `TestScheduler`, behind a lock. `TestScheduler` itself
// cannot be used in the notebook host: the newest Microsoft.Reactive.Testing (3.1.1) needs Rx 3 or the 6.1 facades,
// and the host has System.Reactive 6.0.0.0 loaded (`MissingMethodException`).

// %%
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Buffers.Binary;
using System.Reactive.Linq;
using RxMediasoup;
using RxMediasoup.Notebooks;
using RxMediasoup.Testing;

// %% [markdown]
// ## Stalled, in pure virtual time
//
// A counter that grows for 10 s, stops for 8 s and grows again. `Stalled(threshold: 3 s)` says `false` at the first
// sample, `true` 3 s after the last change, `false` again at the next change — at exact virtual times.

// %%
var clock = new VirtualClock();
var counter = Observable.Interval(TimeSpan.FromSeconds(1), clock).Take(25)
    .Select(i => i < 10 ? i : i < 18 ? 9 : i - 8);
var transitions = new List<(double T, bool Stalled)>();
counter.Stalled(c => c, TimeSpan.FromSeconds(3), clock).Subscribe(s => transitions.Add((clock.Seconds, s)));
clock.AdvanceBy(TimeSpan.FromSeconds(30));
foreach (var (t, s) in transitions) Console.WriteLine($"t={t,4}s stalled={s}");
// The counter's last change is at t=10 (value 9); stalled 3 s later; it changes again at t=19.
if (!transitions.SequenceEqual([(1.0, false), (13.0, true), (19.0, false)])) throw new Exception("unexpected transitions");

// %% [markdown]
// ## A real worker, a virtual clock
//
// Now the samples come from mediasoup: two peers, each an opus producer on a `DirectTransport`, whose RTP this
// notebook writes itself (12-byte RTP header, a dummy payload). The virtual clock decides *when* `PollStats` asks;
// the worker answers in real time on the library's channel thread. So each step advances the clock by one period
// and then waits for both answers before the next step.

// %%
var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
var router = await worker.CreateRouterAsync(new RouterOptions
{
    MediaCodecs = [new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 }],
});
var direct = await router.CreateDirectTransportAsync();

byte[] OpusRtp(ushort seq, uint timestamp, uint ssrc)
{
    var packet = new byte[12 + 40];
    packet[0] = 0x80;                 // version 2
    packet[1] = 100;                  // payload type
    BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
    packet.AsSpan(12).Fill(0x5a);
    return packet;
}

// %% [markdown]
// ## The room pipeline
//
// Membership is the transport's live `Producers` collection (`Connect()` replays what exists, then every change).
// For each producer that arrives, the pipeline polls its stats every virtual second and turns the packet counter into
// stalled / flowing notifications (threshold 3 s) — what a room server tells the other peers.

// %%
var roomClock = new VirtualClock(); // a fresh clock at 0
var period = TimeSpan.FromSeconds(1);
long answers = 0;
var rows = new List<(double T, string Peer, long Packets)>();
var notifications = new List<(double T, string Peer, bool Stalled)>();
var room = direct.Producers.Connect()
    .SelectMany(changes => changes)
    .Where(c => c.Reason == EntityChangeReason.Add)
    .SelectMany(c =>
    {
        string peer = (string)c.Current.AppData["peer"]!;
        var stats = c.Current.PollStats(period, roomClock)
            .Select(s => s.Sum(x => x.PacketCount))
            .Do(n => { lock (rows) rows.Add((roomClock.Seconds, peer, n)); Interlocked.Increment(ref answers); });
        return stats.Stalled(n => n, TimeSpan.FromSeconds(3), roomClock).Select(stalled => (Peer: peer, Stalled: stalled));
    })
    .Subscribe(n => { lock (notifications) notifications.Add((roomClock.Seconds, n.Peer, n.Stalled)); },
               e => Console.WriteLine($"room pipeline failed: {e}"));

var producers = new Dictionary<string, (DirectProducer Producer, uint Ssrc)>();
foreach (var (peer, ssrc) in new[] { ("alice", 1111u), ("bob", 2222u) })
{
    var p = await direct.ProduceAsync(new ProducerOptions
    {
        Kind = MediaKind.Audio,
        AppData = new Dictionary<string, object?> { ["peer"] = peer },
        RtpParameters = new RtpParameters
        {
            Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
            Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
        },
    });
    producers[peer] = ((DirectProducer)p, ssrc); // a DirectTransport makes DirectProducers, which can Send RTP
}

async Task WaitForAnswers(long count)
{
    var deadline = DateTime.UtcNow.AddSeconds(10);
    while (Interlocked.Read(ref answers) < count)
    {
        if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Interlocked.Read(ref answers)} of {count} stats answers");
        await Task.Delay(2);
    }
}

// %% [markdown]
// ## Thirty virtual seconds
//
// Alice sends 50 packets per virtual second throughout; Bob stops at t = 8 s and comes back at t = 20 s. Each step:
// send that second's packets, advance the clock one second (the polls due fire: the first one was due at
// subscription), wait for the worker's two answers. An answer arrives at the clock's time after the step, and the
// next poll is due one period after that.

// %%
var wall = System.Diagnostics.Stopwatch.StartNew();
ushort seq = 0;
for (int second = 0; second < 30; second++)
{
    foreach (var (peer, (producer, ssrc)) in producers)
    {
        if (peer == "bob" && second is >= 8 and < 20) continue;
        for (int i = 0; i < 50; i++) producer.Send(OpusRtp(seq++, (uint)(second * 48000 + i * 960), ssrc));
    }
    await Task.Delay(20); // let the worker take in this second's packets before the polls ask
    roomClock.AdvanceBy(period);
    await WaitForAnswers(2 * (second + 1));
}
Console.WriteLine($"30 virtual seconds of polling in {wall.ElapsedMilliseconds} ms of wall-clock time, {answers} stats answers");
foreach (var (t, peer, stalled) in notifications) Console.WriteLine($"t={t,4}s {peer} {(stalled ? "stalled" : "flowing")}");

// %% [markdown]
// Bob's counter last changed in the answer at t = 8 s (the packets of second 7), so he is stalled at 8 + 3 = 11 s,
// and flowing again at t = 21 s, the answer that sees the packets of second 20.

// %%
var bob = notifications.Where(n => n.Peer == "bob").ToList();
if (!bob.Select(n => (n.T, n.Stalled)).SequenceEqual([(1.0, false), (11.0, true), (21.0, false)]))
    throw new Exception("unexpected transitions for bob: " + string.Join(", ", bob));
if (notifications.Any(n => n.Peer == "alice" && n.Stalled)) throw new Exception("alice never stops");
double[] Series(string peer) => rows.Where(r => r.Peer == peer).OrderBy(r => r.T).Select(r => (double)r.Packets).ToArray();
double[] Times(string peer) => rows.Where(r => r.Peer == peer).OrderBy(r => r.T).Select(r => r.T).ToArray();
Charts.Line("03-packets-virtual-time", "Packets the worker counted, polled on a virtual clock (stall threshold 3 s)", "packets received",
    new Series("alice", Times("alice"), Series("alice")),
    new Series("bob", Times("bob"), Series("bob")),
    new Series("bob stalled (×1000)", Times("bob"), Times("bob").Select(t => bob.Last(n => n.T <= t).Stalled ? 1000.0 : 0.0).ToArray()));

// %% [markdown]
// ## Leaving
//
// Closing a producer removes it from the live collection and completes its `PollStats` (no error), so the room
// pipeline forgets the peer by itself. Closing the worker ends the rest.

// %%
await producers["bob"].Producer.CloseAsync();
Console.WriteLine($"producers left: {string.Join(", ", direct.Producers.Items.Select(p => p.AppData["peer"]))}");
room.Dispose();
await worker.CloseAsync();
Console.WriteLine($"worker exited: {worker.IsSubprocessClosed}");

// %% [markdown]
// ## The same room on a simulated worker
//
// With a real worker, each virtual step had to wait for real answers. `RxMediasoup.Testing` removes that wait: a
// `Simulation` is a real `Worker` (the library's own routers, transports and producers) whose requests are answered
// by a simulation on the same clock, and whose media is a script — here the packet counters of two producers as a
// function of virtual time: Alice sends 50 packets/s throughout, Bob stops at 8 s and comes back at 20 s. The async
// set-up runs inside `VirtualTime.Run`, so its awaits continue as the clock advances.

// %%
var simClock = new VirtualClock();
var sim = await Simulation.CreateAsync(simClock, seed: 1);
var simSetUp = VirtualTime.Run(simClock, async () =>
{
    var simRouter = await sim.Worker.CreateRouterAsync(new RouterOptions { MediaCodecs = router.RtpCapabilities.Codecs!.Where(c => c.MimeType == "audio/opus").ToList() });
    var simDirect = await simRouter.CreateDirectTransportAsync();
    var created = new Dictionary<string, Producer>();
    foreach (var (peer, ssrc) in new[] { ("alice", 1111u), ("bob", 2222u) })
        created[peer] = await simDirect.ProduceAsync(new ProducerOptions
        {
            Kind = MediaKind.Audio,
            AppData = new Dictionary<string, object?> { ["peer"] = peer },
            RtpParameters = new RtpParameters
            {
                Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
                Encodings = [new RtpEncodingParameters { Ssrc = ssrc }],
            },
        });
    return created;
});
simClock.AdvanceBy(TimeSpan.FromMilliseconds(1)); // every answer of the set-up, in virtual time
var simProducers = await simSetUp;
sim.ScriptStats(simProducers["alice"], t => [new SimulatedStreamStats(PacketCount: (long)(50 * t.TotalSeconds), ByteCount: 0, Bitrate: 32_000)]);
sim.ScriptStats(simProducers["bob"], t =>
{
    double sent = Math.Min(t.TotalSeconds, 8) + Math.Max(0, t.TotalSeconds - 20);
    return [new SimulatedStreamStats(PacketCount: (long)(50 * sent), ByteCount: 0, Bitrate: 32_000)];
});
Console.WriteLine($"simulated worker [pid:{sim.Worker.Pid}], producers {string.Join(", ", simProducers.Keys)}; {sim.Requests.Count} requests so far");

// %% [markdown]
// The room pipeline is the one above, on the simulation's clock. Thirty virtual seconds are one `AdvanceBy`: no
// wait, since every poll is answered by the simulation inside the clock's step. Bob's transitions, one frame per
// virtual second (`f` flowing, `s` stalled), are asserted as a marble string; so are Alice's scores, which a script
// sets at 5 s, 12 s and 25 s (`Marbles` in NotebookKit draws the strings; the notebook host cannot load
// Microsoft.Reactive.Testing's `TestScheduler`, see the top of this notebook, so the clock is the same
// `VirtualTimeScheduler` kind without it).

// %%
var simNotifications = new List<(TimeSpan At, string Peer, bool Stalled)>();
var simStart = simClock.Now;
var simRoom = simProducers.Values.ToObservable()
    .SelectMany(p => p.PollStats(period, simClock)
        .Stalled(s => s.Sum(x => x.PacketCount), TimeSpan.FromSeconds(3), simClock)
        .Select(stalled => (Peer: (string)p.AppData["peer"]!, Stalled: stalled)))
    .Subscribe(n => simNotifications.Add((simClock.Now - simStart, n.Peer, n.Stalled)));
var aliceScores = new List<(TimeSpan At, char Symbol)>();
var aliceScore = simProducers["alice"].Score.Skip(1) // the current (initial) score first, then each change
    .Subscribe(s => aliceScores.Add((simClock.Now - simStart, (char)('0' + s[0].Score))));
var simOffset = sim.Elapsed; // sim.At counts from the simulation's creation, before the set-up
foreach (var (at, score) in new[] { (5, 7), (12, 3), (25, 9) })
    sim.At(simOffset + TimeSpan.FromSeconds(at), () => sim.SetProducerScores(simProducers["alice"], score));

var simWall = System.Diagnostics.Stopwatch.StartNew();
simClock.AdvanceBy(TimeSpan.FromSeconds(30));
Console.WriteLine($"30 virtual seconds on the simulated worker in {simWall.ElapsedMilliseconds} ms of wall-clock time, {sim.Requests.Count} requests");
string bobMarbles = Marbles.Of(simNotifications.Where(n => n.Peer == "bob").Select(n => (n.At, n.Stalled ? 's' : 'f')), TimeSpan.FromSeconds(1), 30);
string aliceMarbles = Marbles.Of(aliceScores, TimeSpan.FromSeconds(1), 30);
Console.WriteLine($"bob:   {bobMarbles}");
Console.WriteLine($"alice: {aliceMarbles}");
if (bobMarbles != "f----------s---------f--------") throw new Exception("unexpected marbles for bob: " + bobMarbles);
if (aliceMarbles != "-----7------3------------9----") throw new Exception("unexpected marbles for alice's score: " + aliceMarbles);
// The typed request log: the poll whose answer made Bob stalled, at 11 virtual seconds.
sim.AssertRequested("producer.getStats", simProducers["bob"].Id, at: simOffset + TimeSpan.FromSeconds(11));
simRoom.Dispose();
aliceScore.Dispose();
var simClose = sim.Worker.CloseAsync();
simClock.AdvanceBy(TimeSpan.FromMilliseconds(1));
await simClose;
Console.WriteLine($"simulated worker closed: {sim.Worker.IsClosed}");
