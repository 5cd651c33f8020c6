#:project ../src/RxMediasoup/RxMediasoup.csproj
#:project NotebookKit/NotebookKit.csproj
#:property PublishAot=false
#:property ImplicitUsings=disable

// %% [markdown]
// # Data channels as streams: a chat bot and message rates
//
// mediasoup routes data messages (SCTP for browsers, direct for .NET) the same way it routes media: a
// `DataProducer` sends, every `DataConsumer` of it receives. On a `DirectTransport` both ends live in .NET, so a bot
// is one Rx pipeline from one consumer's `Messages` to another producer's `Send`. A browser peer's chat would reach the
// bot the same way, over SCTP.

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
var router = await worker.CreateRouterAsync();
var transport = await router.CreateDirectTransportAsync();
var chat = await transport.ProduceDataAsync(new DataProducerOptions { Label = "chat" });        // a user's chat
var botInbox = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = chat.Id });
var botOut = await transport.ProduceDataAsync(new DataProducerOptions { Label = "bot" });
var userInbox = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = botOut.Id });

// The bot: text in, an answer out — one pipeline, alive as long as its subscription.
var bot = botInbox.Messages
    .Where(m => m.IsText)
    .Select(m => m.Text.StartsWith("ping ", StringComparison.Ordinal) ? "pong " + m.Text[5..] : $"you said: {m.Text}")
    .Subscribe(answer => botOut.Send(answer));

var firstAnswer = userInbox.Messages.Select(m => m.Text).FirstAsync().Timeout(TimeSpan.FromSeconds(5)).ToTask();
chat.Send("hello bot");
Console.WriteLine($"the bot answered: {await firstAnswer}");

// %% [markdown]
// ## A load pattern, watched through stats
//
// The user sends pings at 20/s, then 100/s, pauses, then 50/s. `PollStats` on the chat producer (messages the router
// received) and on the bot's answers' consumer (messages it sent to the user) are sampled every 150 ms; the rates are
// differences of those counters between samples. Every ping must come back exactly once, in order.

// %%
var answers = new List<string>();
var answersSub = userInbox.Messages.Select(m => m.Text).Subscribe(t => { lock (answers) answers.Add(t); });
var phases = new (int PerSecond, double Seconds)[] { (20, 1.5), (100, 1.5), (0, 1.5), (50, 1.5) };
var load = phases
    .Select(p => p.PerSecond == 0
        ? Observable.Timer(TimeSpan.FromSeconds(p.Seconds)).IgnoreElements().Select(_ => 0L)
        : Observable.Interval(TimeSpan.FromSeconds(1.0 / p.PerSecond)).Take((int)(p.PerSecond * p.Seconds)))
    .Concat()
    .Select((_, i) => i);
int sent = 0;
var loadDone = load.Do(i => { chat.Send($"ping {i}"); sent++; }).LastOrDefaultAsync().ToTask();

var t0 = DateTime.UtcNow;
var samples = await Observable.CombineLatest(
        chat.PollStats(TimeSpan.FromMilliseconds(150)), userInbox.PollStats(TimeSpan.FromMilliseconds(150)),
        (c, u) => (T: (DateTime.UtcNow - t0).TotalSeconds, In: c.MessagesReceived, Out: u.MessagesSent))
    .Sample(TimeSpan.FromMilliseconds(150))
    .TakeUntil(loadDone.ToObservable().Delay(TimeSpan.FromMilliseconds(600)))
    .ToList();
await loadDone;
var rates = samples.Zip(samples.Skip(1), (a, b) => (T: b.T, In: (b.In - a.In) / (b.T - a.T), Out: (b.Out - a.Out) / (b.T - a.T))).ToList();
Charts.Line("06-message-rates", "Chat pings into the router and bot answers out of it", "messages/s",
    new Series("pings received by the router", rates.Select(r => r.T).ToList(), rates.Select(r => r.In).ToList()),
    new Series("answers sent to the user", rates.Select(r => r.T).ToList(), rates.Select(r => r.Out).ToList()));

// %% [markdown]
// ## Exactly once, in order

// %%
await userInbox.Messages.Select(_ => 0).StartWith(0).Where(_ => { lock (answers) return answers.Count >= sent; })
    .FirstAsync().Timeout(TimeSpan.FromSeconds(5)).ToTask();
List<string> got;
lock (answers) got = answers.ToList();
var expected = Enumerable.Range(0, sent).Select(i => $"pong {i}").ToList();
Console.WriteLine($"{sent} pings sent, {got.Count} answers received; first '{got.FirstOrDefault()}', last '{got.LastOrDefault()}'");
if (!got.SequenceEqual(expected)) throw new Exception("answers missing, duplicated or out of order");
var stats = await chat.GetStatsAsync();
Console.WriteLine($"chat producer: {stats.MessagesReceived} messages, {stats.BytesReceived} bytes received by the router");

// %% [markdown]
// Disposing the bot's subscription stops the bot; the worker closing closes the rest.

// %%
bot.Dispose();
answersSub.Dispose();
await worker.CloseAsync();
Console.WriteLine($"data consumers closed: {botInbox.IsClosed && userInbox.IsClosed}");
