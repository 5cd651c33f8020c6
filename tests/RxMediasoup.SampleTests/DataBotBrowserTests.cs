using RxMediasoup.BrowserTesting;
using RxMediasoup.SampleTests.Infrastructure;
using Xunit.Abstractions;

namespace RxMediasoup.SampleTests;

/// <summary>samples/DataBot as a user runs it: two browser peers chat with the bot over their data channels.</summary>
[Collection(SampleBrowserCollection.Name)]
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
        await Task.Delay(500); // the pages' data consumers of the bot: created on join, opened asynchronously

        await alice.SendChatAsync("/ping");
        await bob.SendChatAsync("hello alice");
        await alice.SendChatAsync("/echo round trip");
        string[] expected = ["pong, alice", "round trip"];
        foreach (var page in new[] { alice, bob })
            await page.WaitForStateAsync(s => s.Chat.Count(m => m.From == "databot") >= 2, Timeout, "two bot replies");
        await Task.Delay(1500); // anything extra (a duplicate, an answer to plain chat) would arrive meanwhile
        foreach (var page in new[] { alice, bob })
        {
            var chat = (await page.StateAsync()).Chat;
            output.WriteLine($"{page.PeerId}: {string.Join(" | ", chat.Select(m => $"{m.From}: {m.Text}"))}");
            Assert.Equal(expected, chat.Where(m => m.From == "databot").Select(m => m.Text));
        }
        Assert.Single((await alice.StateAsync()).Chat, m => m.From == "bob" && m.Text == "hello alice");
        Assert.Equal(2, (await bob.StateAsync()).Chat.Count(m => m.From == "alice"));
        Assert.Contains(sample.Output, l => l.Contains("alice: /ping -> pong, alice", StringComparison.Ordinal));

        await alice.CloseAsync();
        await bob.CloseAsync();
        await SampleBrowserFixture.AssertCtrlCStopsCleanlyAsync(sample);
    }
}
