using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using RxMediasoup.Samples.DataBot;
using RxMediasoup.SampleTests.Infrastructure;

namespace RxMediasoup.SampleTests;

/// <summary>samples/DataBot's pipeline on a plain router: a peer on a second DirectTransport chats with the bot.</summary>
public sealed class DataBotPipelineTests(RouterFixture fixture) : IClassFixture<RouterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task APeerGetsOneAnswerPerCommandAndNoneForPlainChat()
    {
        var peer = await fixture.Router.CreateDirectTransportAsync();
        var said = await peer.ProduceDataAsync(new DataProducerOptions { Label = ChatBot.Label });
        var sources = new ReplaySubject<ChatSource>();
        var published = new TaskCompletionSource<DataProducer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchanges = new List<ChatExchange>();
        var clock = new DateTimeOffset(2026, 11, 30, 6, 30, 0, TimeSpan.Zero);
        using var bot = ChatBot.Using(fixture.Router, "bot", sources, p => published.TrySetResult(p), () => clock)
            .Subscribe(x => { lock (exchanges) exchanges.Add(x); });
        var botProducer = await published.Task.WaitAsync(Timeout);
        sources.OnNext(new ChatSource("bot", botProducer)); // its own producer: skipped
        sources.OnNext(new ChatSource("alice", said));

        var heard = await peer.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = botProducer.Id });
        var replies = heard.Messages.Select(m => m.Text).Replay();
        using var connection = replies.Connect();
        // The bot's data consumer of alice exists once its pipeline subscribed: wait for it on the router.
        Assert.True(await Tools.EventuallyAsync(async () =>
            (await fixture.Router.DumpAsync()).MapDataProducerIdDataConsumerIds.GetValueOrDefault(said.Id)?.Count == 1, Timeout));

        said.Send("hello everyone");
        said.Send("/ping");
        said.Send("/echo reactive");
        said.Send("/time");
        said.Send("/count");
        said.Send("/nope");
        var got = await replies.Take(5).ToList().Timeout(Timeout).ToTask();
        Assert.Equal(
            ["pong, alice", "reactive", "server time 2026-11-30 06:30:00 UTC", "alice, you sent 5 message(s) since I joined",
             "unknown command /nope; try /help"],
            got);
        // Exactly once each: nothing else arrives (plain chat got no answer).
        await Task.Delay(500);
        Assert.Equal(5, await replies.Take(TimeSpan.FromMilliseconds(100)).Count());
        lock (exchanges) Assert.Equal(5, exchanges.Count);
        Assert.All(exchanges, x => Assert.Equal("alice", x.Question.From));

        // Disposing the pipeline closes the bot's transport: alice's consumer of the bot closes by cascade.
        bot.Dispose();
        Assert.True(await Tools.EventuallyAsync(() => Task.FromResult(heard.IsClosed && botProducer.IsClosed), Timeout));
        await peer.CloseAsync();
    }

    [Theory]
    [InlineData("/help", "commands: /ping, /time, /echo TEXT, /count, /help")]
    [InlineData("  /PING ", "pong, bob")]
    [InlineData("/echo", "/echo needs some text")]
    [InlineData("just chatting", null)]
    public void AnswersAreAPureFunctionOfTheMessage(string text, string? reply)
    {
        var counts = new Dictionary<string, int> { ["bob"] = 1 };
        Assert.Equal(reply, ChatBot.Answer(new ChatMessage("bob", text), counts, DateTimeOffset.UnixEpoch));
    }
}
