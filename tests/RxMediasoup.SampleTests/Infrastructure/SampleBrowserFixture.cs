using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using RxMediasoup.BrowserTesting;

namespace RxMediasoup.SampleTests.Infrastructure;

/// <summary>The browser tests' collection: one at a time, one headless Chromium shared by them.</summary>
[CollectionDefinition(Name)]
public sealed class SampleBrowserCollection : ICollectionFixture<SampleBrowserFixture>
{
    public const string Name = "Samples in a browser (not parallel)";
}

/// <summary>Headless Chromium (Debian's, fake devices) and the samples' built assemblies, run as their own processes.</summary>
public sealed partial class SampleBrowserFixture : IAsyncLifetime
{
    private HeadlessChromium? _chromium;

    public HeadlessChromium Chromium => _chromium ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>A sample's built assembly (Broadcast, Recorder, DataBot): SAMPLE_ASSEMBLY_NAME, else the path MSBuild embedded.</summary>
    public static string AssemblyPath(string sample) =>
        Environment.GetEnvironmentVariable($"SAMPLE_ASSEMBLY_{sample.ToUpperInvariant()}") is { Length: > 0 } fromEnv
            ? fromEnv
            : typeof(SampleBrowserFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                  .Single(a => a.Key == $"SampleAssembly:{sample}").Value
              ?? throw new InvalidOperationException($"SampleAssembly:{sample} metadata is empty");

    /// <summary>Starts a sample with one worker (two cores are shared with Chromium and ffmpeg) and <paramref name="arguments"/>.</summary>
    public static Task<SampleProcess> StartAsync(string sample, Action<string> log, params string[] arguments) =>
        SampleProcess.StartAsync(new SampleProcessOptions
        {
            AssemblyPath = AssemblyPath(sample),
            Arguments = ["--workers", "1", .. arguments],
            Log = log,
        });

    /// <summary>SIGINT to the sample's group (Ctrl+C): exit code 0 within 10 s, nothing of its group left, no stack trace printed.</summary>
    public static async Task AssertCtrlCStopsCleanlyAsync(SampleProcess sample)
    {
        var exit = await sample.StopAsync(TimeSpan.FromSeconds(10));
        Assert.False(exit.Forced, $"not stopped within 10 s of SIGINT:\n{sample.OutputText}");
        Assert.True(exit.ExitCode == 0, $"exit code {exit.ExitCode}:\n{sample.OutputText}");
        Assert.True(exit.Leftovers.Count == 0, "left behind: " + string.Join(", ", exit.Leftovers.Select(p => $"{p.Name} {p.Pid}")));
        var stack = sample.Output.Where(l => StackFrame().IsMatch(l)).ToList();
        Assert.True(stack.Count == 0, $"stack trace printed:\n{sample.OutputText}");
    }

    /// <summary>The number in the first group of <paramref name="pattern"/> in <paramref name="line"/>.</summary>
    public static double Number(string line, string pattern) =>
        double.Parse(Regex.Match(line, pattern).Groups[1].Value, CultureInfo.InvariantCulture);

    public async Task InitializeAsync() => _chromium = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
    }

    [GeneratedRegex(@"^(\[stderr\] )?\s+at \S+.*\(.*\)")]
    private static partial Regex StackFrame();
}
