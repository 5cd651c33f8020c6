#:project ../src/RxMediasoup/RxMediasoup.csproj
#:project NotebookKit/NotebookKit.csproj
#:property PublishAot=false
#:property ImplicitUsings=disable

// %% [markdown]
// # Live collections and close cascades
//
// Every parent entity keeps its children in an `EntityCollection`: `worker.Routers`, `router.Transports`,
// `transport.Producers`, `Consumers`, `DataProducers`, `DataConsumers`. `Items` is a snapshot; `Connect()` is a live
// stream of change sets (the current items as adds first, then every add and remove). Every entity's `Closed`
// stream says *why* it closed. Closing a parent closes its children — and consumers of a closed producer, wherever
// they are.

// %%
using System;
using System.Collections.Generic;
using System.Linq;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Threading.Tasks;
using RxMediasoup;
using RxMediasoup.Notebooks;

var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
var router = await worker.CreateRouterAsync(new RouterOptions
{
    MediaCodecs = [new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 }],
});
var log = new List<string>();
void Log(string line) { lock (log) log.Add(line); Console.WriteLine(line); }
string Name(MediasoupEntity e) => e.AppData.TryGetValue("name", out var n) ? $"{n}" : e.GetType().Name;

// The router's transports, live: the change sets, flattened to one line per change.
var transportWatch = router.Transports.Connect()
    .SelectMany(changes => changes)
    .Subscribe(c => Log($"transports: {(c.Reason == EntityChangeReason.Add ? "+" : "-")} {Name(c.Current)}"));

// %% [markdown]
// ## A small graph
//
// A PlainTransport with an opus producer (`mic`), a DirectTransport consuming it (`listener`) and a data producer with
// its own data consumer (`chat` → `chat-reader`). Each entity's `Closed` is merged into one log with its reason.

// %%
var plain = await router.CreatePlainTransportAsync(new PlainTransportOptions
{
    ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
    Comedia = true,
    AppData = new Dictionary<string, object?> { ["name"] = "plain" },
});
var direct = await router.CreateDirectTransportAsync(new DirectTransportOptions { AppData = new Dictionary<string, object?> { ["name"] = "direct" } });
var mic = await plain.ProduceAsync(new ProducerOptions
{
    Kind = MediaKind.Audio,
    AppData = new Dictionary<string, object?> { ["name"] = "mic" },
    RtpParameters = new RtpParameters
    {
        Codecs = [new RtpCodecParameters { MimeType = "audio/opus", PayloadType = 100, ClockRate = 48000, Channels = 2 }],
        Encodings = [new RtpEncodingParameters { Ssrc = 4242 }],
    },
});
var listener = await direct.ConsumeAsync(new ConsumerOptions
{
    ProducerId = mic.Id, RtpCapabilities = router.RtpCapabilities, AppData = new Dictionary<string, object?> { ["name"] = "listener" },
});
var chat = await direct.ProduceDataAsync(new DataProducerOptions { Label = "chat", AppData = new Dictionary<string, object?> { ["name"] = "chat" } });
var chatReader = await direct.ConsumeDataAsync(new DataConsumerOptions
{
    DataProducerId = chat.Id, AppData = new Dictionary<string, object?> { ["name"] = "chat-reader" },
});
var entities = new MediasoupEntity[] { plain, direct, mic, listener, chat, chatReader };
var closings = entities.Select(e => e.Closed.Select(reason => $"closed: {Name(e)} ({reason})")).Merge().Subscribe(Log);
Console.WriteLine($"router.Transports: {string.Join(", ", router.Transports.Items.Select(Name))}; " +
                  $"plain.Producers: {plain.Producers.Count}; direct.Consumers: {direct.Consumers.Count}; direct.DataConsumers: {direct.DataConsumers.Count}");

// %% [markdown]
// ## Cascade 1: close the producer's transport
//
// `mic` closes because its transport did; `listener`, on *another* transport, closes because its producer did.
// The data entities on `direct` are untouched.

// %%
await plain.CloseAsync();
await listener.Closed.FirstAsync().Timeout(TimeSpan.FromSeconds(5)).ToTask();
if (mic.Closed.FirstAsync().Wait() != CloseReason.TransportClosed || listener.Closed.FirstAsync().Wait() != CloseReason.ProducerClosed)
    throw new Exception("unexpected close reasons");
if (chat.IsClosed || chatReader.IsClosed || direct.Consumers.Count != 0) throw new Exception("the cascade went too far, or not far enough");

// %% [markdown]
// `Closed` is a state-like stream: subscribing after the close still gets the reason (that is why `.Wait()` works
// above).
//
// ## Cascade 2: close the router
//
// Everything left under it closes with `RouterClosed` / `TransportClosed`, and the live transport collection
// empties itself.

// %%
await router.CloseAsync();
await chatReader.Closed.FirstAsync().Timeout(TimeSpan.FromSeconds(5)).ToTask();
Console.WriteLine($"router.Transports now: {router.Transports.Count}; worker.Routers: {worker.Routers.Count}");
closings.Dispose();
transportWatch.Dispose();

// %% [markdown]
// ## `Using…`: an entity whose lifetime is a subscription
//
// `router.UsingDirectTransport()` creates a transport when subscribed and closes it when the subscription ends.
// A churn pipeline: every 60 ms a new transport that lives 200 to 1000 ms (`TakeUntil` a timer). The live collection
// follows; the chart compares its `Count`, sampled every 100 ms, with a count folded from `Connect()`'s change sets.

// %%
var busyRouter = await worker.CreateRouterAsync();
var random = new Random(5);
var fromChanges = busyRouter.Transports.Connect().Scan(0, (n, changes) => n + changes.Adds - changes.Removes).Replay(1);
var fromChangesConnection = fromChanges.Connect();
var churn = Observable.Interval(TimeSpan.FromMilliseconds(60)).Take(40)
    .SelectMany(_ =>
    {
        int lifetimeMs;
        lock (random) lifetimeMs = random.Next(200, 1000);
        return busyRouter.UsingDirectTransport().TakeUntil(Observable.Timer(TimeSpan.FromMilliseconds(lifetimeMs)));
    })
    .Subscribe();
var t0 = DateTime.UtcNow;
var samples = await Observable.Interval(TimeSpan.FromMilliseconds(100)).Take(40)
    .WithLatestFrom(fromChanges, (_, counted) => (T: (DateTime.UtcNow - t0).TotalSeconds, Count: busyRouter.Transports.Count, Counted: counted))
    .ToList();
churn.Dispose();
fromChangesConnection.Dispose();
Charts.Line("05-live-transports", "Live DirectTransports under churn (Using…, 200–1000 ms lifetimes)", "transports",
    new Series("Transports.Count", samples.Select(s => s.T).ToList(), samples.Select(s => (double)s.Count).ToList()),
    new Series("folded from Connect()", samples.Select(s => s.T).ToList(), samples.Select(s => (double)s.Counted).ToList()));
if (samples.Max(s => s.Count) < 3) throw new Exception("the churn never overlapped transports");
if (samples.Max(s => s.Count) > 25) throw new Exception("transports outlived their subscriptions");

// %% [markdown]
// Disposing the churn subscription disposed every inner `Using…` subscription, so every transport it still held is
// closed: the collection is empty again without any explicit `CloseAsync`.

// %%
var emptied = await busyRouter.Transports.Connect().Scan(0, (n, c) => n + c.Adds - c.Removes)
    .FirstAsync(n => n == 0).Timeout(TimeSpan.FromSeconds(5)).ToTask();
Console.WriteLine($"transports left after disposing the churn: {busyRouter.Transports.Count}");
await worker.CloseAsync();
Console.WriteLine($"worker closed; routers: {worker.Routers.Count}; process exited: {worker.IsSubprocessClosed}");
