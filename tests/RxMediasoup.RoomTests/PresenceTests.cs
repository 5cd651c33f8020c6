using System.Diagnostics;
using RxMediasoup.BrowserTesting;
using Xunit.Abstractions;

namespace RxMediasoup.RoomTests;

/// <summary>What the pages show about the others: leaving, stalled media, the active speaker, chat.</summary>
[Collection(RoomCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PresenceTests(RoomFixture fixture, ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task APeerClosingItsPageIsGoneAtTheOthersWithinTwoSecondsItsStreamsStopAndTheCountersReturn()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("leave");
        var a = await peers.OpenAsync(room, "alice");
        var b = await peers.OpenAsync(room, "bob");
        var outputBefore = fixture.Room.Output.Count;

        // Where the counters are with alice and bob in the room: the Room logs the library's WorkerDiagnostics
        // (handlers, subscribers; summed over its workers) when a peer leaves, so a first visitor comes and goes.
        var dan = await peers.OpenAsync(room, "dan");
        await Media.WaitReceivingAsync(dan, ["alice", "bob"], Media.FirstMedia);
        await Media.WaitReceivingAsync(a, ["bob", "dan"], Media.FirstMedia);
        await peers.CloseAsync(dan);
        var baseline = await LeftLineAsync("dan", room);
        await a.WaitForStateAsync(s => s.Peer("dan") is null, TimeSpan.FromSeconds(2), "dan gone");

        var c = await peers.OpenAsync(room, "carol");
        await Media.WaitReceivingAsync(a, ["bob", "carol"], Media.FirstMedia);
        await Media.WaitReceivingAsync(b, ["alice", "carol"], Media.FirstMedia);

        var closed = Stopwatch.StartNew();
        await peers.CloseAsync(c);
        foreach (var page in new[] { a, b })
        {
            // 2 s (the issue's bound): the tab's WebSocket closes at once; the server disposes carol's session, which
            // closes her transports, hence her producers and the others' consumers, which the pages drop.
            var remaining = TimeSpan.FromSeconds(2) - closed.Elapsed;
            await page.WaitForStateAsync(s => s.Peer("carol") is null, remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining,
                "carol removed with her consumers (server closed her transports)");
            Assert.DoesNotContain("carol", await page.PeerElementsAsync());
        }
        output.WriteLine($"carol gone at both others {closed.Elapsed.TotalMilliseconds:0} ms after her page closed");
        Assert.True(closed.Elapsed <= TimeSpan.FromSeconds(2), $"took {closed.Elapsed.TotalMilliseconds:0} ms");

        // Her streams have stopped: no inbound stream from her grows any more (closed consumers leave getStats() or freeze).
        foreach (var page in new[] { a, b })
        {
            var growth = await page.MeasureInboundAsync(TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(growth, g => g.PeerId == "carol" && (g.Packets > 0 || g.FramesDecoded > 0));
        }
        // The remaining two still exchange media.
        await Media.AssertGrowingAsync(a, ["bob"], output);
        await Media.AssertGrowingAsync(b, ["alice"], output);

        // Carol's session, transports, producers and the others' consumers of them left nothing registered behind.
        var after = await LeftLineAsync("carol", room);
        output.WriteLine($"diagnostics with alice and bob: after dan left {baseline}, after carol left {after}");
        foreach (var line in fixture.Room.Output.Skip(outputBefore))
            output.WriteLine("[room] " + line);
        Assert.Equal(baseline, after);
        Assert.Empty(RoomFixture.StackTraceLines(fixture.Room.Output.Skip(outputBefore)));
    }

    /// <summary>The (handlers, subscribers) the Room logged when <paramref name="peer"/> left <paramref name="room"/>.</summary>
    private async Task<(int Handlers, int Subscribers)> LeftLineAsync(string peer, string room)
    {
        var line = await fixture.Room.WaitForLineAsync(l => l.Contains($"peer {peer}@{room} left", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        var match = System.Text.RegularExpressions.Regex.Match(line, @"diagnostics handlers=(\d+) subscribers=(\d+)");
        Assert.True(match.Success, "no diagnostics in the Room's line: " + line);
        return (int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value));
    }

    [Fact(Timeout = 120_000)]
    public async Task APeerWhoseMediaStopsWithItsSocketOpenIsShownStalledToTheOthers()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("stall");
        var a = await peers.OpenAsync(room, "alice");
        var b = await peers.OpenAsync(room, "bob");
        var c = await peers.OpenAsync(room, "carol");
        await Media.WaitReceivingAsync(b, ["alice", "carol"], Media.FirstMedia);
        await Media.WaitReceivingAsync(a, ["bob", "carol"], Media.FirstMedia);
        var before = await b.StateAsync();
        Assert.False(before.Peer("alice")!.Stalled || before.Peer("carol")!.Stalled, "shown stalled while sending: " + before);

        // alice's tracks stop (track.stop()); carol's are disabled (setTrackEnabled false). Both keep their sockets.
        var stopped = Stopwatch.StartNew();
        await a.StopTrackAsync("video");
        await a.StopTrackAsync("audio");
        await c.SetTrackEnabledAsync("video", false);
        await c.SetTrackEnabledAsync("audio", false);
        // 5 s of stopped media must show as stalled "within a few seconds" of those 5 s: 12 s leaves the server's stats
        // poll period and stall threshold (options of the Room) plus the notification's trip on a loaded machine.
        await b.WaitForStateAsync(s => s.Peer("alice")?.Stalled == true && s.Peer("carol")?.Stalled == true,
            TimeSpan.FromSeconds(12), "alice and carol shown stalled");
        output.WriteLine($"alice and carol shown stalled {stopped.Elapsed.TotalSeconds:0.0} s after their media stopped");
        Assert.Equal(["alice", "carol"], (await b.PeerElementsAsync("stalled")).Order());
        Assert.True((await a.StateAsync()).Joined, "alice's socket must stay open (she is stalled, not gone)");
        Assert.True((await c.StateAsync()).Joined, "carol's socket must stay open (she is stalled, not gone)");
        // bob still sends: he is not stalled at alice.
        Assert.False((await a.StateAsync()).Peer("bob")?.Stalled ?? true, "bob must be present and not stalled at alice");

        // carol's media resumes: the stall clears (same bound: one poll period after packets flow again).
        await c.SetTrackEnabledAsync("video", true);
        await c.SetTrackEnabledAsync("audio", true);
        await b.WaitForStateAsync(s => s.Peer("carol")?.Stalled == false, TimeSpan.FromSeconds(12), "carol no longer stalled");
        Assert.Equal(["alice"], await b.PeerElementsAsync("stalled"));
        await Media.AssertGrowingAsync(b, ["carol"], output);
    }

    [Fact(Timeout = 150_000)]
    public async Task WhenTwoPeersSilenceTheirMicrophonesTheThirdIsShownAsActiveSpeaker()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("speaker");
        var a = await peers.OpenAsync(room, "alice");
        var b = await peers.OpenAsync(room, "bob");
        var c = await peers.OpenAsync(room, "carol");
        await Media.WaitReceivingAsync(a, ["bob", "carol"], Media.FirstMedia);
        await Media.WaitReceivingAsync(b, ["alice", "carol"], Media.FirstMedia);
        await Media.WaitReceivingAsync(c, ["alice", "bob"], Media.FirstMedia);

        // Twice, with a different speaker each time, so that a page stuck on one peer cannot pass.
        foreach (var (speaker, silent) in new[] { (c, new[] { a, b }), (a, [b, c]) })
        {
            await speaker.SetTrackEnabledAsync("audio", true);
            foreach (var page in silent)
                await page.SetTrackEnabledAsync("audio", false); // a disabled track sends silence
            var started = Stopwatch.StartNew();
            foreach (var page in silent)
            {
                // 30 s: the dominant-speaker algorithm needs a few seconds of the fake microphone's beeps against silence
                // (measured 0.6–3.4 s alone), but a speaker whose producer was paused rebuilds its history from nothing, and
                // once, in a CI run with three pages encoding 720p simulcast on 2 cores, that took more than 15 s.
                await page.WaitForStateAsync(s => s.ActiveSpeaker == speaker.PeerId, TimeSpan.FromSeconds(30), $"{speaker.PeerId} active speaker");
                await Eventually.WaitAsync(() => page.PeerElementsAsync("active-speaker"), e => e.SequenceEqual([speaker.PeerId]),
                    TimeSpan.FromSeconds(2), $"{page.PeerId}: only {speaker.PeerId}'s element has class active-speaker", e => string.Join(",", e));
            }
            output.WriteLine($"{speaker.PeerId} shown as active speaker after {started.Elapsed.TotalSeconds:0.0} s");
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task AChatMessageReachesBothOtherPeersExactlyOnce()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("chat");
        var a = await peers.OpenAsync(room, "alice", new RoomPageOptions(Video: false, Audio: false));
        var b = await peers.OpenAsync(room, "bob", new RoomPageOptions(Video: false, Audio: false));
        var c = await peers.OpenAsync(room, "carol", new RoomPageOptions(Video: false, Audio: false));
        foreach (var page in new[] { a, b, c })
            await page.WaitForStateAsync(s => s.Joined && s.Peers.Count == 2, Media.FirstMedia, "joined with the two others");

        var text = "hello " + Guid.NewGuid().ToString("N")[..8];
        var sent = Stopwatch.StartNew();
        await a.SendChatAsync(text);
        foreach (var page in new[] { b, c })
        {
            // 10 s: the data channel (SCTP over the same DTLS) may still be opening right after the join.
            await page.WaitForStateAsync(s => s.Chat.Any(m => m.Text == text), TimeSpan.FromSeconds(10), $"chat '{text}' received");
        }
        output.WriteLine($"delivered to both in {sent.ElapsedMilliseconds} ms");
        await Task.Delay(TimeSpan.FromSeconds(2)); // a duplicate would arrive within this
        foreach (var page in new[] { b, c })
        {
            var state = await page.StateAsync();
            var received = state.Chat.Where(m => m.Text == text).ToList();
            Assert.True(received.Count == 1, $"{page.PeerId} got the message {received.Count} times: {state}");
            Assert.Equal("alice", received[0].From);
            Assert.Single(await page.ChatElementsAsync(), e => e.Contains(text, StringComparison.Ordinal));
        }
    }
}
