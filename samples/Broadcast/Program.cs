// samples/Broadcast: ffmpeg plays a media file (or a test pattern) into a room of the Room server, as a peer.
//   dotnet run --project samples/Broadcast -- --input movie.mp4
// then open the printed URL. Switches: --input FILE, --no-loop, --room ID (demo), --peer-id ID (broadcast),
// --size WxH (640x360); every other switch is the Room server's (--urls, --workers, --announced-ip, --https).
using System.Globalization;
using RxMediasoup.Samples.Broadcast;
using RxMediasoup.Samples.Hosting;
using RxMediasoup.Samples.Room;

BroadcastOptions options;
SampleSwitches switches;
try
{
    switches = SampleSwitches.Parse(args, ["--input", "--room", "--peer-id", "--size"], ["--no-loop"]);
    var size = switches.Get("--size", "640x360").Split('x');
    if (size.Length != 2 || !int.TryParse(size[0], CultureInfo.InvariantCulture, out int width) || !int.TryParse(size[1], CultureInfo.InvariantCulture, out int height))
        throw new ArgumentException($"--size must be WIDTHxHEIGHT, not '{switches.Get("--size")}'");
    options = new BroadcastOptions { Input = switches.Get("--input"), Loop = !switches.Has("--no-loop"), Width = width, Height = height };
    options.Validate();
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
string roomId = switches.Get("--room", "demo");
string peerId = switches.Get("--peer-id", "broadcast");
return await RoomServer.RunAsync(switches.Rest, (app, ct) => BroadcastHost.StartAsync(app, roomId, peerId, options, ct));
