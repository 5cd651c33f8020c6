using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace RxMediasoup.BrowserTesting;

/// <summary>
/// Debian's Chromium, headless, started through Microsoft.Playwright with <c>ExecutablePath</c> (no Playwright browser
/// download) and Chromium's fake capture devices: a 1280×720-capable test-pattern camera and a microphone playing
/// speech-like audio (<see cref="FakeMicrophone"/>), granted without a prompt. Each peer gets its own browser context
/// (its own storage and permissions).
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>The flags every page runs with; fake media, no throttling of background pages or timers.</summary>
    public static readonly IReadOnlyList<string> Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream", "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
        "--disable-renderer-backgrounding", "--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
    ];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly ConcurrentQueue<string> _log = new();

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>Console messages and page errors of every page, prefixed by the page's label.</summary>
    public IReadOnlyCollection<string> Log => _log.ToArray();

    public string LogText => string.Join('\n', _log);

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var executable = TestMachine.Chromium();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = [.. Arguments, FakeMicrophone.Argument],
                Timeout = 60_000, // a cold Chromium start on a loaded 2-core machine
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new page in its own context, camera and microphone granted, console captured under <paramref name="label"/>.</summary>
    public async Task<IPage> NewPageAsync(string label)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Permissions = ["camera", "microphone"] });
        var page = await context.NewPageAsync();
        page.Console += (_, msg) => _log.Enqueue($"[{label} console.{msg.Type}] {msg.Text}");
        page.PageError += (_, error) => _log.Enqueue($"[{label} pageerror] {error}");
        page.Close += (_, _) => _log.Enqueue($"[{label}] page closed");
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync();
        }
        finally
        {
            _playwright.Dispose();
        }
    }
}
