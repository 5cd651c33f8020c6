using System.Net.WebSockets;
using System.Reactive.Linq;
using System.Text;
using System.Threading.Channels;

namespace RxMediasoup.Samples.Room;

/// <summary>One message received on a socket: its text, or why it cannot be read.</summary>
public readonly record struct Frame(string? Text, string? ErrorCode, string? ErrorMessage);

/// <summary>
/// A peer's WebSocket: incoming messages as a stream (a message over the size limit is read to its end, dropped,
/// and surfaces as an error frame), outgoing messages through one ordered queue (one writer at a time).
/// </summary>
public sealed class WebSocketChannel
{
    private readonly WebSocket _socket;
    private readonly System.Threading.Channels.Channel<string> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;

    /// <summary>Starts the send queue.</summary>
    public WebSocketChannel(WebSocket socket)
    {
        _socket = socket;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Queues a message (sent in order; dropped once the socket is closing).</summary>
    public void Post(string message) => _outgoing.Writer.TryWrite(message);

    /// <summary>The socket's messages until it closes (completes on close or on a network error).</summary>
    public IObservable<Frame> Frames(int maxMessageBytes) => Observable.Create<Frame>(async (observer, ct) =>
    {
        var buffer = new byte[16 * 1024];
        var message = new MemoryStream();
        bool tooLarge = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) break;
                if (!tooLarge && message.Length + result.Count > maxMessageBytes) tooLarge = true;
                if (!tooLarge) message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                if (tooLarge)
                    observer.OnNext(new Frame(null, ErrorCodes.MessageTooLarge, $"the message is larger than the limit of {maxMessageBytes} bytes"));
                else if (result.MessageType == WebSocketMessageType.Binary)
                    observer.OnNext(new Frame(null, ErrorCodes.InvalidRequest, "messages must be text frames holding JSON, not binary"));
                else
                    observer.OnNext(new Frame(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), null, null));
                message.SetLength(0);
                tooLarge = false;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The peer went away (tab closed, network gone) or the server is stopping: a normal end, not an error.
        }
        observer.OnCompleted();
    });

    /// <summary>Sends a close frame (after the queued messages) and stops sending; aborts if the peer does not answer soon.</summary>
    public async Task CloseAsync(WebSocketCloseStatus status, string description)
    {
        _outgoing.Writer.TryComplete();
        try
        {
            await _pump.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(status, description, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var message in _outgoing.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (_socket.State != WebSocketState.Open) continue;
                await _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket dropped; the receive side ends the session.
        }
    }
}
