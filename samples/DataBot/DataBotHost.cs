using System.Reactive.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.DataBot;

using RxMediasoup.Samples.Room;

/// <summary>Runs the chat bot in a room of the in-process Room server, as a server peer.</summary>
public static class DataBotHost
{
    /// <summary>
    /// Joins <paramref name="roomId"/> as <paramref name="botPeerId"/>; <see cref="ChatBot.Using"/> runs on the room's
    /// current router and again on each router the room moves to (<c>Room.Router</c> + <c>Switch</c>), fed by the
    /// room's chat data producers (<c>Room.DataProducers</c>, a live collection); its own data producer is published
    /// with <c>ServerPeer.AddDataProducer</c>, so every page shows its replies like a peer's chat. Stops with the application.
    /// </summary>
    public static async Task StartAsync(WebApplication app, string roomId, string botPeerId, CancellationToken cancellationToken)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RxMediasoup.Samples.DataBot");
        var room = await app.Services.GetRequiredService<Rooms>().GetOrCreateAsync(roomId, cancellationToken);
        var peer = await room.JoinServerPeerAsync(botPeerId, cancellationToken);
        var sources = room.DataProducers.Added().Select(p => new ChatSource(p.PeerId, p.DataProducer));
        var bot = room.Router
            .Select(router => ChatBot.Using(router, botPeerId, sources, peer.AddDataProducer,
                sourceFailed: (source, e) => log.LogWarning("cannot read {Peer}'s chat: {Error}", source.PeerId, e.Message),
                sourceConsumed: source => log.LogInformation("reading {Peer}'s chat", source.PeerId)))
            .Switch()
            .Subscribe(
                exchange => log.LogInformation("{From}: {Question} -> {Reply}", exchange.Question.From, exchange.Question.Text, exchange.Reply),
                error => log.LogError("the bot stopped: {Error}", error.Message));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            bot.Dispose();
            peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        });
        string url = app.Urls.FirstOrDefault() ?? "http://127.0.0.1:3000";
        Console.WriteLine($"Chat bot '{botPeerId}' in room '{roomId}' (try /help): {url}/?roomId={Uri.EscapeDataString(roomId)}&peerId=alice");
    }
}
