using RxMediasoup.BrowserTesting;
using Xunit.Abstractions;

namespace RxMediasoup.RoomTests;

/// <summary>The pages a test opened; disposing closes every one still open.</summary>
public sealed class Peers(HeadlessChromium chromium, Uri baseUrl, ITestOutputHelper output) : IAsyncDisposable
{
    private readonly List<RoomPage> _pages = [];

    /// <summary>A room id no other test uses.</summary>
    public static string NewRoomId(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    public async Task<RoomPage> OpenAsync(string roomId, string peerId, RoomPageOptions? options = null)
    {
        var page = await RoomPage.OpenAsync(chromium, baseUrl, roomId, peerId, options);
        _pages.Add(page);
        output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} opened {peerId} in {roomId}");
        return page;
    }

    public async Task CloseAsync(RoomPage page)
    {
        _pages.Remove(page);
        await page.CloseAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var page in _pages)
        {
            try
            {
                await page.CloseAsync();
            }
            catch (Microsoft.Playwright.PlaywrightException)
            {
                // already closed with its browser
            }
        }
        _pages.Clear();
    }
}
