using System.Diagnostics;
using RxMediasoup.BrowserTesting;
using Xunit.Abstractions;

namespace RxMediasoup.RoomTests;

/// <summary>Assertions on what a page receives, from its RTCPeerConnection.getStats() (window.__room.stats()).</summary>
public static class Media
{
    /// <summary>
    /// The contract's bound from opening a page to remote media playing on this 2-core machine (samples/Room README).
    /// </summary>
    public static readonly TimeSpan FirstMedia = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Polls <paramref name="receiver"/>'s stats every 500 ms until, between two consecutive samples, the video of every
    /// peer in <paramref name="from"/> decoded more frames and (if <paramref name="audio"/>) its audio received more packets.
    /// Returns how long it took.
    /// </summary>
    public static async Task<TimeSpan> WaitReceivingAsync(RoomPage receiver, IReadOnlyCollection<string> from, TimeSpan timeout, bool audio = true)
    {
        var stopwatch = Stopwatch.StartNew();
        PageStats? previous = null;
        PageStats? last = null;
        while (true)
        {
            try
            {
                last = await receiver.StatsAsync();
            }
            catch (Microsoft.Playwright.PlaywrightException)
            {
                last = null; // the page is reloading (a reconnect); sample again
            }
            if (previous is not null && last is not null && from.All(peer => Grew(previous, last, peer, audio)))
                return stopwatch.Elapsed;
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"{receiver.PeerId} did not receive growing media from [{string.Join(", ", from)}] within {timeout.TotalSeconds:0} s."
                    + $"\nprevious: {previous}\nlast: {last}\nstate: {await SafeState(receiver)}\n--- browser ---\n{receiver.BrowserLog()}");
            }
            previous = last;
            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Asserts over a window (2 s by default) that the video of every sender decoded at least 3 frames per second (the
    /// fake camera runs at 30 fps, but three pages encoding 720p simulcast on two shared cores drop frames; a stopped
    /// stream decodes 0) and its audio received at least 12.5 packets per second (opus sends 50 packets/s, DTX off).
    /// </summary>
    public static async Task AssertGrowingAsync(RoomPage receiver, IReadOnlyCollection<string> from, ITestOutputHelper output, bool audio = true, double seconds = 2)
    {
        var growth = await receiver.MeasureInboundAsync(TimeSpan.FromSeconds(seconds));
        long minFrames = (long)(3 * seconds), minPackets = (long)(12.5 * seconds);
        foreach (var g in growth)
            output.WriteLine($"{receiver.PeerId} <- {g.PeerId} {g.Kind}: +{g.Packets} packets, +{g.FramesDecoded} frames, width {g.FrameWidth} in {g.Window.TotalMilliseconds:0} ms");
        var context = $"\nstreams: {string.Join("; ", growth.Select(g => $"{g.PeerId}/{g.Kind} +{g.Packets}p +{g.FramesDecoded}f {g.Last}"))}"
            + $"\nstate: {await SafeState(receiver)}\n--- browser ---\n{receiver.BrowserLog(30)}";
        foreach (var peer in from)
        {
            var video = growth.FirstOrDefault(g => g.PeerId == peer && g.Kind == "video");
            Assert.True(video is not null && video.FramesDecoded >= minFrames, $"{receiver.PeerId} decoded too few frames of {peer}'s video in {seconds} s: {video?.FramesDecoded.ToString() ?? "no stream"}{context}");
            if (audio)
            {
                var sound = growth.FirstOrDefault(g => g.PeerId == peer && g.Kind == "audio");
                Assert.True(sound is not null && sound.Packets >= minPackets, $"{receiver.PeerId} received too few audio packets from {peer} in {seconds} s: {sound?.Packets.ToString() ?? "no stream"}{context}");
            }
        }
    }

    private static bool Grew(PageStats before, PageStats after, string peer, bool audio)
    {
        var v0 = before.From(peer, "video");
        var v1 = after.From(peer, "video");
        if (v0 is null || v1 is null || (v1.FramesDecoded ?? 0) <= (v0.FramesDecoded ?? 0))
            return false;
        if (!audio)
            return true;
        var a0 = before.From(peer, "audio");
        var a1 = after.From(peer, "audio");
        return a0 is not null && a1 is not null && a1.PacketsReceived > a0.PacketsReceived;
    }

    private static async Task<string> SafeState(RoomPage page)
    {
        try
        {
            return (await page.StateAsync()).ToString();
        }
        catch (Exception ex) when (ex is Microsoft.Playwright.PlaywrightException or InvalidOperationException)
        {
            return "(unavailable: " + ex.Message + ")";
        }
    }
}
