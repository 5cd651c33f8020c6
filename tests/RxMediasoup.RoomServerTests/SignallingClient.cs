using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RxMediasoup.RoomServerTests;

/// <summary>A raw signalling socket: sends text (or bytes) and reads replies, skipping notifications.</summary>
internal sealed class SignallingClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(15);
    private readonly ClientWebSocket _socket = new();
    private int _nextId = 1;

    public List<JsonObject> Notifications { get; } = [];
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<SignallingClient> ConnectAsync(Uri url)
    {
        var client = new SignallingClient();
        await client._socket.ConnectAsync(url, CancellationToken.None).WaitAsync(ReplyTimeout);
        return client;
    }

    public Task SendRawAsync(string text) => _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Sends a request with a fresh id and returns its reply.</summary>
    public async Task<JsonObject> RequestAsync(string method, object? data = null)
    {
        long id = _nextId++;
        var request = new JsonObject { ["id"] = id, ["method"] = method };
        if (data is not null) request["data"] = data as JsonNode ?? JsonSerializer.SerializeToNode(data);
        await SendRawAsync(request.ToJsonString());
        var reply = await NextReplyAsync();
        Assert.Equal(id, (long?)reply["id"]);
        return reply;
    }

    /// <summary>The next reply (a message with "ok"); notifications seen on the way are kept.</summary>
    public async Task<JsonObject> NextReplyAsync()
    {
        while (true)
        {
            var message = await ReceiveAsync() ?? throw new InvalidOperationException($"the socket closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}) before a reply");
            if (message.ContainsKey("ok")) return message;
            Notifications.Add(message);
        }
    }

    /// <summary>The next message, or null once the server closed the socket.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan? timeout = null)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        using var cts = new CancellationTokenSource(timeout ?? ReplyTimeout);
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return JsonNode.Parse(message.ToArray())!.AsObject();
        }
    }

    /// <summary>Reads until the server closes the socket; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> WaitForCloseAsync(TimeSpan timeout)
    {
        while (await ReceiveAsync(timeout) is not null) { }
        return _socket.CloseStatus;
    }

    public static async Task<(SignallingClient Client, JsonObject Reply)> JoinAsync(Uri url, string roomId, string peerId)
    {
        var client = await ConnectAsync(url);
        var reply = await client.RequestAsync("join", new { roomId, peerId });
        Assert.True((bool?)reply["ok"], reply.ToJsonString());
        return (client, reply);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
        }
        _socket.Dispose();
    }
}

internal static class Replies
{
    /// <summary>Asserts an error reply: its exact code and message (the id is checked by the caller).</summary>
    public static void AssertError(JsonObject reply, string code, string message)
    {
        Assert.False((bool?)reply["ok"], reply.ToJsonString());
        Assert.Equal(code, (string?)reply["error"]?["code"]);
        Assert.Equal(message, (string?)reply["error"]?["message"]);
    }
}
