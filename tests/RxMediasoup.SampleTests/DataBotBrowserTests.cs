using RxMediasoup.BrowserTesting;
using RxMediasoup.SampleTests.Infrastructure;
using Xunit.Abstractions;

namespace RxMediasoup.SampleTests;

/// <summary>samples/DataBot as a user runs it: two browser peers chat with the bot over their data channels.</summary>
[Collection(SampleBrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DataBotBrowserTests(SampleBrowserFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TheBotAnswersAPeersCommandsExactlyOnceToEveryPeerAndLeavesPlainChatAlone()
    {
        await using var sample = await SampleBrowserFixture.StartAsync("DataBot", output.WriteLine, "--room", "lobby");
        await sample.WaitForLineAsync(l => l.Contains("Chat bot 'databot' in room 'lobby'", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var none = new RoomPageOptions(Video: false, Audio: false);
        var alice = await RoomPage.OpenAsync(fixture.Chromium, sample.BaseUrl, "lobby", "alice", none);
        var bob = await RoomPage.OpenAsync(fixture.Chromium, sample.BaseUrl, "lobby", "bob", none);
        await alice.WaitJoinedAsync(Timeout);
        await bob.WaitJoinedAsync(Timeout);
        // The bot hears a peer once its direct data consumer of that peer's chat exists (it says so).
        await sample.WaitForLineAsync(l => l.Contains("reading alice's chat", StringComparison.Ordinal), Timeout);
        await sample.WaitForLineAsync(l => l.Contains("reading bob's chat", StringComparison.Ordinal), Timeout);
        // Warm-up: a page hears the bot once its data consumer's SCTP stream is open, which the page does not report;
        // alice asks for the time until both pages have heard an answer (earlier answers may be lost, these are not counted).
        var warm = Eventually.WaitAsync(async () => (await alice.StateAsync(), await bob.StateAsync()),
            both => both.Item1.Chat.Any(m => m.From == "databot") && both.Item2.Chat.Any(m => m.From == "databot"),
            Timeout, "both pages hear the bot", both => both.ToString(), () => fixture.Chromium.LogText, 200);
        for (int i = 0; !warm.IsCompleted && i < 20; i++)
        {
            await alice.SendChatAsync("/time");
            await Task.WhenAny(warm, Task.Delay(1000));
        }
        await warm;

        await alice.SendChatAsync("/ping");
        await bob.SendChatAsync("hello alice");
        await alice.SendChatAsync("/echo round trip");
        string[] expected = ["pong, alice", "round trip"];
        static IEnumerable<string> Answers(RoomState s) => s.Chat.Where(m => m.From == "databot" && !m.Text.StartsWith("server time ", StringComparison.Ordinal)).Select(m => m.Text);
        foreach (var page in new[] { alice, bob })
            await page.WaitForStateAsync(s => Answers(s).Count() >= 2, Timeout, "two bot replies");
        await Task.Delay(1500); // anything extra (a duplicate, an answer to plain chat) would arrive meanwhile
        foreach (var page in new[] { alice, bob })
        {
            var state = await page.StateAsync();
            output.WriteLine($"{page.PeerId}: {string.Join(" | ", state.Chat.Select(m => $"{m.From}: {m.Text}"))}");
            Assert.Equal(expected, Answers(state));
        }
        Assert.Single((await alice.StateAsync()).Chat, m => m.From == "bob" && m.Text == "hello alice");
        Assert.Single((await bob.StateAsync()).Chat, m => m.From == "alice" && m.Text == "/ping");
        Assert.Contains(sample.Output, l => l.Contains("alice: /ping -> pong, alice", StringComparison.Ordinal));

        await alice.CloseAsync();
        await bob.CloseAsync();
        await SampleBrowserFixture.AssertCtrlCStopsCleanlyAsync(sample);
    }

    [Fact]
    public async Task WhenTheRoomsWorkerDiesTheBotFollowsTheRoomAndAnswersAgain()
    {
        await using var sample = await SampleBrowserFixture.StartAsync("DataBot", output.WriteLine, "--room", "moving", "--workers", "2");
        string created = await sample.WaitForLineAsync(l => l.Contains("room moving created on router", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        int worker = (int)SampleBrowserFixture.Number(created, @"worker pid (\d+)");
        var alice = await RoomPage.OpenAsync(fixture.Chromium, sample.BaseUrl, "moving", "alice", new RoomPageOptions(Video: false, Audio: false));
        await alice.WaitJoinedAsync(Timeout);
        await AskUntilAnsweredAsync(alice, "before");

        Assert.True(LinuxProcesses.Signal(worker, LinuxProcesses.SIGKILL), $"kill {worker}");
        // Room.Router emits the new router; Switch() disposes the bot's old pipeline and starts it there; the page
        // reconnects by itself and publishes its chat again, which the new pipeline consumes.
        await sample.WaitForLineAsync(l => l.Contains("room moving moved to router", StringComparison.Ordinal), Timeout);
        await alice.WaitForStateAsync(s => s.Joined && s.Reconnects > 0, Timeout, "reconnected");
        await AskUntilAnsweredAsync(alice, "after");

        await alice.CloseAsync();
        await SampleBrowserFixture.AssertCtrlCStopsCleanlyAsync(sample);
    }

    /// <summary>
    /// Sends <c>/echo TAG n</c> once a second until the bot's echo of one of them shows at the page (the first may go
    /// before the page's data consumer of the bot is open); 20 s at most.
    /// </summary>
    private static async Task AskUntilAnsweredAsync(RoomPage page, string tag)
    {
        for (int n = 1; n <= 20; n++)
        {
            await page.SendChatAsync($"/echo {tag} {n}");
            try
            {
                await page.WaitForStateAsync(s => s.Chat.Any(m => m.From == "databot" && m.Text.StartsWith(tag + " ", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(1), $"the bot's echo of '{tag}'");
                return;
            }
            catch (TimeoutException) when (n < 20)
            {
                // not heard yet: ask again
            }
        }
    }
}
