using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// <c>/ws</c>: one WebSocket per peer. The session is the subscription to the socket's messages (handled one after
/// the other); it ends when the socket closes, the peer is replaced, its room moves or the server stops, and
/// disposing it closes the peer's transports.
/// </summary>
internal static class SignallingEndpoint
{
    public static async Task HandleAsync(HttpContext context, Rooms rooms, RoomServerOptions options, IHostApplicationLifetime lifetime, ILogger log)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("this endpoint takes WebSocket connections (the signalling protocol: PROTOCOL.md)");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var channel = new WebSocketChannel(socket);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        (WebSocketCloseStatus Status, string Description)? closeRequest = null;
        void Close(WebSocketCloseStatus status, string description)
        {
            closeRequest ??= (status, description);
            _ = channel.CloseAsync(status, description);
        }
        var session = new PeerSession(rooms, options, channel, log, Close);
        // Stopping: a close frame (the page sees code 1001); a peer that does not answer within 3 s is cut off.
        using var stopping = lifetime.ApplicationStopping.Register(() =>
        {
            Close(WebSocketCloseStatus.EndpointUnavailable, "the server is stopping");
            ended.CancelAfter(TimeSpan.FromSeconds(3));
        });
        try
        {
            await channel.Frames(options.MaxMessageBytes)
                .Select(frame => Observable.FromAsync(ct => session.HandleAsync(frame, ct)))
                .Concat()
                .DefaultIfEmpty()
                .ToTask(ended.Token);
        }
        catch (OperationCanceledException)
        {
            // The server is stopping (or the connection was aborted): a normal end.
        }
        finally
        {
            await session.CloseAsync(TimeSpan.FromSeconds(2));
        }
        if (closeRequest is null) await channel.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        log.LogInformation("peer {Peer} left ({Why}); diagnostics handlers={Handlers} subscribers={Subscribers}",
            session.Name, closeRequest?.Description ?? "socket closed",
            rooms.Diagnostics().RegisteredHandlers, rooms.Diagnostics().Subscribers);
    }
}
