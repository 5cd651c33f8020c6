// samples/Recorder: records one producer of a room of the Room server into a .webm file (ffmpeg, no re-encoding).
//   dotnet run --project samples/Recorder -- --seconds 10
// then open the printed URL: the first camera (or --kind audio: microphone) of the room is recorded. Switches:
// --room ID (demo), --peer-id ID (recorder), --source PEER, --kind video|audio, --output FILE, --seconds N;
// every other switch is the Room server's (--urls, --workers, --announced-ip, --https).
using RxMediasoup;
using RxMediasoup.Samples.Hosting;
using RxMediasoup.Samples.Recorder;
using RxMediasoup.Samples.Room;

RecorderHostOptions options;
SampleSwitches switches;
try
{
    switches = SampleSwitches.Parse(args, ["--room", "--peer-id", "--source", "--kind", "--output", "--seconds"], []);
    var kind = switches.Get("--kind", "video") switch
    {
        "video" => MediaKind.Video,
        "audio" => MediaKind.Audio,
        var other => throw new ArgumentException($"--kind must be video or audio, not '{other}'"),
    };
    string room = switches.Get("--room", "demo");
    string output = switches.Get("--output") ?? Path.Combine("recordings", $"{room}-{kind.ToString().ToLowerInvariant()}-{DateTime.Now:yyyyMMdd-HHmmss}.webm");
    string? directory = Path.GetDirectoryName(Path.GetFullPath(output));
    if (directory is not null) Directory.CreateDirectory(directory);
    options = new RecorderHostOptions
    {
        RoomId = room,
        PeerId = switches.Get("--peer-id", "recorder"),
        SourcePeerId = switches.Get("--source"),
        Kind = kind,
        OutputPath = Path.GetFullPath(output),
        Duration = switches.Has("--seconds") ? TimeSpan.FromSeconds(switches.GetPositive("--seconds", 0)) : null,
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
return await RoomServer.RunAsync(switches.Rest, (app, ct) => RecorderHost.StartAsync(app, options, ct));
