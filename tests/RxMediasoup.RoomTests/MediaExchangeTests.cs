using System.Diagnostics;
using RxMediasoup.BrowserTesting;
using Xunit.Abstractions;

namespace RxMediasoup.RoomTests;

/// <summary>Peers decode each other: three in a room, a late joiner, room isolation, a simulcast layer change.</summary>
[Collection(RoomCollection.Name)]
[Trait("Category", "Browser")]
public sealed class MediaExchangeTests(RoomFixture fixture, ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task ThreePeersEachDecodeTheVideoAndReceiveTheAudioOfBothOthers()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("three");
        var a = await peers.OpenAsync(room, "alice");
        var b = await peers.OpenAsync(room, "bob");
        var c = await peers.OpenAsync(room, "carol");
        var opened = Stopwatch.StartNew();

        foreach (var (page, others) in new[] { (a, new[] { "bob", "carol" }), (b, ["alice", "carol"]), (c, ["alice", "bob"]) })
        {
            // Bound: the contract's 20 s from opening a page to remote media playing, counted from the last page opened.
            var remaining = Media.FirstMedia - opened.Elapsed;
            Assert.True(remaining > TimeSpan.Zero, $"the 20 s for first media were used up before {page.PeerId} was checked");
            await Media.WaitReceivingAsync(page, others, remaining);
            output.WriteLine($"{page.PeerId} receives {string.Join(", ", others)} {opened.Elapsed.TotalSeconds:0.0} s after the last page opened");
        }
        foreach (var (page, others) in new[] { (a, new[] { "bob", "carol" }), (b, ["alice", "carol"]), (c, ["alice", "bob"]) })
        {
            await Media.AssertGrowingAsync(page, others, output);
            var state = await page.StateAsync();
            Assert.Equal(others.Order(), state.Peers.Select(p => p.PeerId).Order());
            // One inbound stream per remote track (no duplicates, nothing from itself).
            var stats = await page.StatsAsync();
            Assert.Equal(others.SelectMany(p => new[] { $"{p}/audio", $"{p}/video" }).Order(),
                stats.Inbound.Select(s => $"{s.PeerId}/{s.Kind}").Order());
            Assert.Equal(others.Order(), (await page.PeerElementsAsync()).Order());
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task APeerInAnotherRoomReceivesNothingFromTheFirstRoomAndSendsNothingIntoIt()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var first = Peers.NewRoomId("first");
        var other = Peers.NewRoomId("other");
        var a = await peers.OpenAsync(first, "alice");
        var b = await peers.OpenAsync(first, "bob");
        var c = await peers.OpenAsync(first, "carol");
        var d = await peers.OpenAsync(other, "dave");

        await Media.WaitReceivingAsync(a, ["bob", "carol"], Media.FirstMedia);
        await Media.WaitReceivingAsync(b, ["alice", "carol"], Media.FirstMedia);
        await Media.WaitReceivingAsync(c, ["alice", "bob"], Media.FirstMedia);
        // dave publishes (his outbound streams send), so "nothing arrives" is not just "nothing was sent".
        var daveStats = await d.WaitForStatsAsync(s => s.Outbound.Count(o => o.PacketsSent > 0) == 2, Media.FirstMedia, "dave sends audio and video");
        await Task.Delay(TimeSpan.FromSeconds(3)); // time for anything misrouted to arrive

        var dState = await d.StateAsync();
        Assert.True(dState.Joined, dState.ToString());
        Assert.Equal(other, dState.RoomId);
        Assert.Empty(dState.Peers);
        Assert.Empty((await d.StatsAsync()).Inbound);
        Assert.Empty(await d.PeerElementsAsync());
        foreach (var page in new[] { a, b, c })
        {
            var state = await page.StateAsync();
            Assert.DoesNotContain(state.Peers, p => p.PeerId == "dave");
            var stats = await page.StatsAsync();
            Assert.DoesNotContain(stats.Inbound, s => s.PeerId == "dave");
            Assert.Equal(4, stats.Inbound.Count); // its two peers' audio and video only
            Assert.DoesNotContain("dave", await page.PeerElementsAsync());
        }
        output.WriteLine($"dave sent {string.Join(", ", daveStats.Outbound.Select(o => $"{o.Kind} {o.PacketsSent} packets"))}");
    }

    [Fact(Timeout = 120_000)]
    public async Task APeerJoiningAfterTwoExchangeMediaReceivesThemAndIsReceived()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("late");
        var a = await peers.OpenAsync(room, "alice");
        var b = await peers.OpenAsync(room, "bob");
        await Media.WaitReceivingAsync(a, ["bob"], Media.FirstMedia);
        await Media.WaitReceivingAsync(b, ["alice"], Media.FirstMedia);
        var consumersBefore = (await a.StateAsync()).Peer("bob")!.Consumers.Select(x => x.Id).Order().ToList();

        var c = await peers.OpenAsync(room, "carol");
        var opened = Stopwatch.StartNew();
        await Media.WaitReceivingAsync(c, ["alice", "bob"], Media.FirstMedia);
        await Media.WaitReceivingAsync(a, ["bob", "carol"], Media.FirstMedia - opened.Elapsed);
        await Media.WaitReceivingAsync(b, ["alice", "carol"], Media.FirstMedia - opened.Elapsed);
        output.WriteLine($"carol receives and is received {opened.Elapsed.TotalSeconds:0.0} s after opening");
        await Media.AssertGrowingAsync(c, ["alice", "bob"], output);

        // The contract: joining peers do not cause existing consumers to be recreated.
        var consumersAfter = (await a.StateAsync()).Peer("bob")!.Consumers.Select(x => x.Id).Order().ToList();
        Assert.Equal(consumersBefore, consumersAfter);
    }

    [Fact(Timeout = 150_000)]
    public async Task ASimulcastLayerChangeRequestedThroughTheServerMakesTheReceiverDecodeTwoFrameWidths()
    {
        await using var peers = new Peers(fixture.Chromium, fixture.Room.BaseUrl, output);
        var room = Peers.NewRoomId("layers");
        await peers.OpenAsync(room, "alice", new RoomPageOptions(Audio: false));
        var b = await peers.OpenAsync(room, "bob", new RoomPageOptions(Video: false, Audio: false));
        await Media.WaitReceivingAsync(b, ["alice"], Media.FirstMedia, audio: false);

        // Lowest layer, then the highest. Waits are long (30 s): Chrome only sends the 1280×720 layer once its bandwidth
        // estimate has ramped up and its CPU adaptation allows it, and a layer switch waits for a key frame.
        await b.RequestLayersAsync("alice", 0);
        // Layer 0 of a 1280×720 capture is scaled down by 4 (320 wide); ≤ 640 tolerates Chrome's CPU adaptation while
        // excluding the full-size layer still playing before the switch.
        var low = await StableWidthAsync(b, w => w <= 640, "a frame width ≤ 640 after requesting spatial layer 0");
        await b.RequestLayersAsync("alice", 2);
        var high = await StableWidthAsync(b, w => w > low, $"a frame width above {low} after requesting spatial layer 2");
        output.WriteLine($"decoded widths: layer 0 → {low}, layer 2 → {high}");
        Assert.NotEqual(low, high);
    }

    /// <summary>Polls the decoded width of alice's video until it matches and frames keep being decoded at it for 1 s.</summary>
    private async Task<int> StableWidthAsync(RoomPage receiver, Func<int, bool> accept, string what)
    {
        var deadline = Stopwatch.StartNew();
        PageStats? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var first = await receiver.StatsAsync();
            await Task.Delay(1000);
            last = await receiver.StatsAsync();
            var v0 = first.From("alice", "video");
            var v1 = last.From("alice", "video");
            if (v0?.FrameWidth is { } w0 && v1?.FrameWidth is { } w1 && w0 == w1 && accept(w1) && v1.FramesDecoded > v0.FramesDecoded)
                return w1;
        }
        throw new TimeoutException($"{what}: not reached within 30 s; last stats {last}");
    }
}
