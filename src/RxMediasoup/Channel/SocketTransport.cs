using System.Net.Sockets;

namespace RxMediasoup.Channel;

/// <summary>
/// <see cref="IWorkerTransport"/> over a stream socket (a subprocess's channel). The socket is non-blocking: a
/// receive that would block polls the socket on the reader's own thread, so a read completes where it is parsed,
/// with no hop from .NET's socket-event thread to the thread pool (measured: about twice the request rate with 16
/// and 256 requests in flight, and half the host CPU per request).
/// </summary>
internal sealed class SocketTransport(Socket socket) : IWorkerTransport
{
    private readonly Socket _socket = ConfigureNonBlocking(socket);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        int sent = 0;
        while (sent < frames.Length)
        {
            int n = await _socket.SendAsync(frames[sent..], SocketFlags.None).ConfigureAwait(false);
            if (n <= 0) throw new IOException("the worker channel accepted no data");
            sent += n;
        }
    }

    public int TrySend(ReadOnlySpan<byte> frames)
    {
        int sent = 0;
        while (sent < frames.Length)
        {
            int n = _socket.Send(frames[sent..], SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock) break;
            if (error != SocketError.Success) throw new SocketException((int)error);
            sent += n;
        }
        return sent;
    }

    public int Receive(Span<byte> buffer)
    {
        while (true)
        {
            int n = _socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                // Wakes up on data, EOF, or the shutdown that Shutdown() does.
                _socket.Poll(-1, SelectMode.SelectRead);
                continue;
            }
            if (error != SocketError.Success) throw new SocketException((int)error);
            return n;
        }
    }

    public void Shutdown()
    {
        try { _socket.Shutdown(SocketShutdown.Both); } catch (Exception) { }
        _socket.Dispose();
    }

    private static Socket ConfigureNonBlocking(Socket socket)
    {
        socket.Blocking = false;
        return socket;
    }
}
