using System.Diagnostics;
using Microsoft.Playwright;

namespace RxMediasoup.BrowserTesting;

/// <summary>What a room page publishes (query <c>&amp;video=0</c> / <c>&amp;audio=0</c> turn a kind off).</summary>
public sealed record RoomPageOptions(bool Video = true, bool Audio = true);

/// <summary>
/// One peer: a samples/Room page opened at <c>/?roomId=R&amp;peerId=P</c> (joins with no gesture), driven through
/// <c>window.__room</c> and its DOM (<c>#peers .peer[data-peer-id]</c>, <c>.active-speaker</c>, <c>.stalled</c>, <c>#chat .message</c>).
/// </summary>
public sealed class RoomPage
{
    private readonly HeadlessChromium _chromium;

    private RoomPage(HeadlessChromium chromium, IPage page, string roomId, string peerId)
    {
        _chromium = chromium;
        Page = page;
        RoomId = roomId;
        PeerId = peerId;
    }

    public IPage Page { get; }

    /// <summary>The last <paramref name="lines"/> console messages and errors of every page of this browser.</summary>
    public string BrowserLog(int lines = 60) => string.Join('\n', _chromium.Log.TakeLast(lines));

    public string RoomId { get; }

    public string PeerId { get; }

    /// <summary>Opens the page and waits for <c>window.__room</c> to exist (not for the join: see <see cref="WaitJoinedAsync"/>).</summary>
    public static async Task<RoomPage> OpenAsync(HeadlessChromium chromium, Uri baseUrl, string roomId, string peerId, RoomPageOptions? options = null)
    {
        options ??= new RoomPageOptions();
        var query = $"?roomId={Uri.EscapeDataString(roomId)}&peerId={Uri.EscapeDataString(peerId)}"
            + (options.Video ? "" : "&video=0") + (options.Audio ? "" : "&audio=0");
        var page = await chromium.NewPageAsync(peerId);
        await page.GotoAsync(new Uri(baseUrl, "/" + query).ToString(), new PageGotoOptions { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => typeof window.__room === 'object' && window.__room !== null",
            null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        return new RoomPage(chromium, page, roomId, peerId);
    }

    public async Task<RoomState> StateAsync() =>
        RoomHooks.Parse<RoomState>(await Page.EvaluateAsync<string>("() => JSON.stringify(window.__room.state())"), $"{PeerId}: __room.state()");

    public async Task<PageStats> StatsAsync() =>
        RoomHooks.Parse<PageStats>(await Page.EvaluateAsync<string>("async () => JSON.stringify(await window.__room.stats())"), $"{PeerId}: __room.stats()");

    public Task SendChatAsync(string text) => Page.EvaluateAsync("t => window.__room.sendChat(t)", text);

    public Task SetTrackEnabledAsync(string kind, bool enabled) =>
        Page.EvaluateAsync("([k, e]) => window.__room.setTrackEnabled(k, e)", new object[] { kind, enabled });

    public Task StopTrackAsync(string kind) => Page.EvaluateAsync("k => window.__room.stopTrack(k)", kind);

    public Task RequestLayersAsync(string peerId, int spatialLayer) =>
        Page.EvaluateAsync("([p, l]) => window.__room.requestLayers(p, l)", new object[] { peerId, spatialLayer });

    public Task LeaveAsync() => Page.EvaluateAsync("() => window.__room.leave()");

    /// <summary>Closes the tab (its WebSocket and peer connections go with it) and its browser context.</summary>
    public async Task CloseAsync()
    {
        await Page.CloseAsync();
        await Page.Context.CloseAsync();
    }

    /// <summary>The <c>data-peer-id</c> of every <c>#peers .peer</c> element carrying all of <paramref name="classes"/>.</summary>
    public Task<string[]> PeerElementsAsync(params string[] classes) =>
        Page.EvaluateAsync<string[]>(
            "cs => [...document.querySelectorAll('#peers .peer[data-peer-id]')].filter(e => cs.every(c => e.classList.contains(c))).map(e => e.dataset.peerId)",
            classes);

    /// <summary>The text of every <c>#chat .message</c> element.</summary>
    public Task<string[]> ChatElementsAsync() =>
        Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#chat .message')].map(e => e.textContent ?? '')");

    /// <summary>Polls the page's state every 200 ms until <paramref name="condition"/> holds; the timeout names <paramref name="what"/> and shows the last state.</summary>
    public Task<RoomState> WaitForStateAsync(Func<RoomState, bool> condition, TimeSpan timeout, string what) =>
        Eventually.WaitAsync(StateAsync, condition, timeout, $"{PeerId}: {what}", s => s.ToString(), () => _chromium.LogText);

    /// <summary>Polls the page's stats every 250 ms until <paramref name="condition"/> holds.</summary>
    public Task<PageStats> WaitForStatsAsync(Func<PageStats, bool> condition, TimeSpan timeout, string what) =>
        Eventually.WaitAsync(StatsAsync, condition, timeout, $"{PeerId}: {what}", s => s.ToString(), () => _chromium.LogText, 250);

    public Task<RoomState> WaitJoinedAsync(TimeSpan timeout) => WaitForStateAsync(s => s.Joined, timeout, "joined");

    /// <summary>
    /// Two stats samples <paramref name="window"/> apart: for every inbound stream, how much it grew. The stream of a
    /// (peer, kind) is matched by peer and kind.
    /// </summary>
    public async Task<IReadOnlyList<InboundGrowth>> MeasureInboundAsync(TimeSpan window)
    {
        var before = await StatsAsync();
        var stopwatch = Stopwatch.StartNew();
        await Task.Delay(window);
        var after = await StatsAsync();
        var elapsed = stopwatch.Elapsed;
        return after.Inbound.Select(a =>
        {
            var b = before.From(a.PeerId ?? "", a.Kind);
            return new InboundGrowth(a.PeerId, a.Kind, a.PacketsReceived - (b?.PacketsReceived ?? 0),
                (a.FramesDecoded ?? 0) - (b?.FramesDecoded ?? 0), a.FrameWidth, elapsed, a);
        }).ToList();
    }
}

/// <summary>How an inbound stream grew over <see cref="Window"/>.</summary>
public sealed record InboundGrowth(string? PeerId, string Kind, long Packets, long FramesDecoded, int? FrameWidth, TimeSpan Window, InboundStream Last);
