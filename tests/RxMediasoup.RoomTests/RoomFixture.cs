using System.Reflection;
using System.Text.RegularExpressions;
using RxMediasoup.BrowserTesting;

namespace RxMediasoup.RoomTests;

/// <summary>The one collection of this assembly: every test runs alone (timings on a 2-core machine).</summary>
[CollectionDefinition(Name)]
public sealed class RoomCollection : ICollectionFixture<RoomFixture>
{
    public const string Name = "Room (browser, not parallel)";
}

/// <summary>
/// One Room process and one headless Chromium shared by the tests that do not kill or stop the server; each test uses
/// its own room ids and closes its pages. Tests that kill a worker or the server start their own Room (<see cref="StartRoomAsync"/>).
/// </summary>
public sealed partial class RoomFixture : IAsyncLifetime
{
    private SampleProcess? _room;
    private HeadlessChromium? _chromium;

    public SampleProcess Room => _room ?? throw new InvalidOperationException("the fixture is not initialized");

    public HeadlessChromium Chromium => _chromium ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>samples/Room's Room.dll: ROOM_ASSEMBLY, else the path MSBuild embedded at build time.</summary>
    public static string RoomAssemblyPath =>
        Environment.GetEnvironmentVariable("ROOM_ASSEMBLY") is { Length: > 0 } fromEnv
            ? fromEnv
            : typeof(RoomFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RoomAssembly").Value
              ?? throw new InvalidOperationException("RoomAssembly metadata is empty");

    public static Task<SampleProcess> StartRoomAsync(Action<string>? log = null, params string[] arguments) =>
        SampleProcess.StartAsync(new SampleProcessOptions { AssemblyPath = RoomAssemblyPath, Arguments = arguments, Log = log });

    public async Task InitializeAsync()
    {
        _room = await StartRoomAsync();
        _chromium = await HeadlessChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_chromium is not null)
                await _chromium.DisposeAsync();
        }
        finally
        {
            if (_room is not null)
            {
                await _room.DisposeAsync(); // throws if a worker is left behind
                // Every tab of every test closed on this server, and it stopped with SIGINT: normal events, no stack trace.
                var traces = StackTraceLines(_room.Output);
                if (traces.Count > 0)
                    throw new InvalidOperationException("the shared Room logged stack traces:\n" + _room.OutputText);
            }
        }
    }

    /// <summary>Lines that are part of an exception stack trace ("   at Namespace.Type.Method(…)").</summary>
    public static IReadOnlyList<string> StackTraceLines(IEnumerable<string> output) =>
        output.Where(l => StackFrame().IsMatch(l)).ToList();

    [GeneratedRegex(@"^(\[stderr\] )?\s+at \S+.*\(.*\)")]
    private static partial Regex StackFrame();
}
