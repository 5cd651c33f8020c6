using System.Reactive.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Broadcast;

using RxMediasoup.Samples.Room;

/// <summary>Publishes an ffmpeg broadcast into a room of the in-process Room server, as a server peer.</summary>
public static class BroadcastHost
{
    /// <summary>
    /// Joins <paramref name="roomId"/> as <paramref name="peerId"/> and keeps a broadcast running on the room's current
    /// router: <c>Room.Router</c> emits the router, then each one the room moves to (its worker died), and
    /// <c>Switch</c> disposes the old broadcast (ffmpeg stopped, transports closed) and starts a new one. Each new pair
    /// of producers is published with <c>ServerPeer.AddProducer</c>; browser peers consume it like any peer's. A
    /// non-looping file ends the broadcast: its transports close, so do the browsers' consumers. Stops with the application.
    /// </summary>
    public static async Task StartAsync(WebApplication app, string roomId, string peerId, BroadcastOptions options, CancellationToken cancellationToken)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RxMediasoup.Samples.Broadcast");
        var room = await app.Services.GetRequiredService<Rooms>().GetOrCreateAsync(roomId, cancellationToken);
        var peer = await room.JoinServerPeerAsync(peerId, cancellationToken);
        var broadcast = room.Router
            .Select(router => FfmpegBroadcast.Using(router, options)
                .Do(_ => { }, () => log.LogInformation("broadcast ended (the file is over, or ffmpeg was interrupted)")))
            .Switch()
            .Subscribe(
                session =>
                {
                    peer.AddProducer(session.Video);
                    peer.AddProducer(session.Audio);
                    log.LogInformation("broadcast into room {RoomId}: ffmpeg {Pid}, video producer {Video}, audio producer {Audio}",
                        roomId, session.FfmpegPid, session.Video.Id, session.Audio.Id);
                },
                error => log.LogError("broadcast stopped: {Error}", error.Message));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            broadcast.Dispose(); // stops ffmpeg (returns once it has exited) and closes the transports
            peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        string url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:3000";
        Console.WriteLine($"Broadcasting {options.Input ?? "a test pattern and a tone"} into room '{roomId}' as peer '{peerId}': " +
                          $"watch it at {url}/?roomId={Uri.EscapeDataString(roomId)}&peerId=viewer&video=0&audio=0");
    }
}
