// samples/DataBot: a chat bot on a DirectTransport in a room of the Room server, written as one Rx pipeline.
//   dotnet run --project samples/DataBot
// then open the printed URL and type /help in the chat. Switches: --room ID (demo), --peer-id ID (databot); every
// other switch is the Room server's (--urls, --workers, --announced-ip, --https).
using RxMediasoup.Samples.DataBot;
using RxMediasoup.Samples.Hosting;
using RxMediasoup.Samples.Room;

SampleSwitches switches;
try
{
    switches = SampleSwitches.Parse(args, ["--room", "--peer-id"], []);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
string roomId = switches.Get("--room", "demo");
string botPeerId = switches.Get("--peer-id", "databot");
return await RoomServer.RunAsync(switches.Rest, (app, ct) => DataBotHost.StartAsync(app, roomId, botPeerId, ct));
