#:project ../src/RxMediasoup/RxMediasoup.csproj
#:project NotebookKit/NotebookKit.csproj
#:property PublishAot=false
#:property ImplicitUsings=disable

// %% [markdown]
// # A live producer and consumer: bitrate and score over time
//
// ffmpeg encodes its test pattern to VP8 and sends RTP, through a lossy UDP relay of this notebook, into a comedia
// `PlainTransport` (the transport learns the relay's address from the first packet). A `DirectTransport` consumes
// the producer, so the RTP comes back into .NET as a stream of packets. `PollStats` and `Score` are observables; this
// notebook combines them into one stream of samples, disturbs the media on a schedule (pause the consumer, lose a
// third of the packets for a while) and charts what the worker saw.

// %%
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxMediasoup;
using RxMediasoup.Notebooks;

const uint Ssrc = 22_446_688;
const int PayloadType = 101;
var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
var router = await worker.CreateRouterAsync(new RouterOptions
{
    MediaCodecs = [new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 }],
});
var plain = await router.CreatePlainTransportAsync(new PlainTransportOptions
{
    ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
    Comedia = true,
    RtcpMux = true,
});
var producer = await plain.ProduceAsync(new ProducerOptions
{
    Kind = MediaKind.Video,
    RtpParameters = new RtpParameters
    {
        Codecs = [new RtpCodecParameters { MimeType = "video/VP8", PayloadType = PayloadType, ClockRate = 90000 }],
        Encodings = [new RtpEncodingParameters { Ssrc = Ssrc }],
        Rtcp = new RtcpParameters { Cname = "ffmpeg" },
    },
});
var direct = await router.CreateDirectTransportAsync();
var consumer = await direct.ConsumeAsync(new ConsumerOptions { ProducerId = producer.Id, RtpCapabilities = router.RtpCapabilities });
Console.WriteLine($"plain transport listens on 127.0.0.1:{plain.Tuple.Value.LocalPort}; producer {producer.Id}; consumer {consumer.Id} ({consumer.Type})");

// %% [markdown]
// ## Media from ffmpeg, over a lossy link
//
// `LossyUdpRelay` (notebooks/NotebookKit) forwards ffmpeg's RTP from one socket and drops `DropRate` of it.

// %%
var relay = new LossyUdpRelay(plain.Tuple.Value.LocalPort);
var ffmpeg = FfmpegRtp.StartVp8(relay.Port, FfmpegRtp.FreeUdpPort(), Ssrc, PayloadType, bitrateKbps: 400, withRtcp: true);
var latched = await plain.Tuple.FirstAsync(t => t.RemotePort is not null).Timeout(TimeSpan.FromSeconds(10)).ToTask();
var scored = await producer.Score.FirstAsync(s => s.Any(x => x.Score > 0)).Timeout(TimeSpan.FromSeconds(10)).ToTask();
Console.WriteLine($"latched {latched.RemoteIp}:{latched.RemotePort} (the relay: {relay.Port}); first producer score {scored[0].Score}");

// %% [markdown]
// ## One stream of samples
//
// `PollStats(period)` asks the worker for a producer's or consumer's RTP stream stats once per period (one request
// at a time, shared by every subscriber). `Score` is a state stream: its current value first, then every change the
// worker notifies. The worker's `Bitrate` field is a sliding-window average; the library's `Bitrate(byteCount)`
// operator derives the rate between two samples from the cumulative byte counter instead, so it reacts at once.
// `CombineLatest` joins all of it with a count of the RTP packets .NET received from the DirectTransport, and
// `Sample` takes one row per period. Meanwhile a schedule of `Observable.Timer`s pauses and resumes the consumer and
// makes the link drop 30 % of the packets for 2.5 s.

// %%
var period = TimeSpan.FromMilliseconds(200);
var t0 = DateTimeOffset.UtcNow;
double Now() => (DateTimeOffset.UtcNow - t0).TotalSeconds;
var events = new List<(double T, string What)>();
var rtpCount = consumer.Rtp.Scan(0L, (n, _) => n + 1).StartWith(0L).Replay(1);
var rtpConnection = rtpCount.Connect();

var schedule = Observable.Merge(
    Observable.Timer(TimeSpan.FromSeconds(1.5)).SelectMany(async _ => { await consumer.PauseAsync(); return "consumer paused"; }),
    Observable.Timer(TimeSpan.FromSeconds(3.0)).SelectMany(async _ => { await consumer.ResumeAsync(); return "consumer resumed"; }),
    Observable.Timer(TimeSpan.FromSeconds(4.0)).Select(_ => { relay.DropRate = 0.3; return "link drops 30 %"; }),
    Observable.Timer(TimeSpan.FromSeconds(6.5)).Select(_ => { relay.DropRate = 0; return "link clean"; }))
    .Subscribe(what => { lock (events) events.Add((Now(), what)); });

var producerStats = producer.PollStats(period);
var consumerStats = consumer.PollStats(period);
var samples = await Observable.CombineLatest(
        producerStats, consumerStats,
        consumerStats.Select(l => l.Where(s => s.Type == RtpStreamStatsType.OutboundRtp).Sum(s => s.ByteCount)).Bitrate(bytes => bytes).StartWith(0.0),
        producer.Score, consumer.Score, rtpCount,
        (pStats, cStats, outBps, pScore, cScore, rtp) => (
            T: Now(),
            InKbps: pStats.Where(s => s.Type == RtpStreamStatsType.InboundRtp).Sum(s => s.Bitrate) / 1000.0,
            OutKbps: cStats.Where(s => s.Type == RtpStreamStatsType.OutboundRtp).Sum(s => s.Bitrate) / 1000.0,
            OutFromBytesKbps: outBps / 1000.0,
            Lost: pStats.Sum(s => s.PacketsLost),
            ProducerScore: pScore.Count == 0 ? 0 : pScore.Max(s => s.Score),
            StatsScore: pStats.Count == 0 ? 0 : pStats.Max(s => s.Score),
            ConsumerScore: cScore.Score,
            Rtp: rtp))
    .Sample(period)
    .TakeUntil(Observable.Timer(TimeSpan.FromSeconds(9)))
    .ToList();
schedule.Dispose();
rtpConnection.Dispose();
foreach (var (t, what) in events) Console.WriteLine($"{t,5:F1}s {what}");
Console.WriteLine($"{samples.Count} samples; relay forwarded {relay.Forwarded}, dropped {relay.Dropped}; worker counted {samples[^1].Lost} lost; RTP received by .NET: {samples[^1].Rtp}");

// %% [markdown]
// ## Bitrate
//
// The producer's inbound bitrate is what reaches the worker; the consumer's outbound bitrate is what it forwards to
// the DirectTransport (nothing while paused, and after resuming only from the next key frame).

// %%
var xs = samples.Select(s => s.T).ToList();
Charts.Line("02-bitrate", "VP8 from ffmpeg: producer in, consumer out", "kbit/s",
    new Series("producer inbound (worker)", xs, samples.Select(s => s.InKbps).ToList()),
    new Series("consumer outbound (worker)", xs, samples.Select(s => s.OutKbps).ToList()),
    new Series("consumer outbound (Bitrate operator)", xs, samples.Select(s => s.OutFromBytesKbps).ToList()));

// %% [markdown]
// ## Scores and packets
//
// The producer's score (0–10) is the worker's view of the incoming stream, notified through `Score` and also
// reported in each stats sample; the consumer's `Score` carries its own score and the producer's. Look at what the
// worker did with the 30 % loss window: with mediasoup-worker 3.27.1 and this ffmpeg stream the score may well stay
// at 10 (the lost packets show in the next chart, as the worker counted them). Packets received by .NET stop while
// the consumer is paused.

// %%
Charts.Line("02-scores", "Producer and consumer score (worker notifications)", "score",
    new Series("producer Score", xs, samples.Select(s => (double)s.ProducerScore).ToList()),
    new Series("producer stats score", xs, samples.Select(s => (double)s.StatsScore).ToList()),
    new Series("consumer score", xs, samples.Select(s => (double)s.ConsumerScore).ToList()));
Charts.Line("02-rtp", "RTP packets: delivered to .NET, lost on the link (worker's count)", "packets (cumulative)",
    new Series("delivered to .NET", xs, samples.Select(s => (double)s.Rtp).ToList()),
    new Series("lost (producer stats)", xs, samples.Select(s => (double)s.Lost).ToList()));
if (relay.Forwarded < 20 || samples.Max(s => s.InKbps) == 0) throw new Exception("ffmpeg's media did not reach the producer");
double pausedAt = events.First(e => e.What == "consumer paused").T, resumedAt = events.First(e => e.What == "consumer resumed").T;
var whilePaused = samples.Where(s => s.T > pausedAt + 2 * period.TotalSeconds && s.T < resumedAt).ToList();
if (whilePaused.Count > 0 && whilePaused.Any(s => s.OutFromBytesKbps > 0)) throw new Exception("the paused consumer still sent");
if (relay.Dropped > 0 && samples[^1].Lost == 0) throw new Exception($"the relay dropped {relay.Dropped} packets, the worker saw no loss");

// %% [markdown]
// ## Closing
//
// Stopping ffmpeg and closing the worker closes everything it holds: transports, producer and consumer.

// %%
await ffmpeg.DisposeAsync();
await relay.DisposeAsync();
var consumerClosed = consumer.Closed.FirstAsync().ToTask();
await worker.CloseAsync();
Console.WriteLine($"consumer closed: {await consumerClosed}; worker exited: {worker.IsSubprocessClosed}");
