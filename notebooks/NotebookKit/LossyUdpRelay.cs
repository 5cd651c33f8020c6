using System.Net;
using System.Net.Sockets;

namespace RxMediasoup.Notebooks;

/// <summary>
/// A loopback UDP relay that forwards every datagram it receives to one target from its own single socket, dropping a
/// settable share of them: a lossy network link between ffmpeg and a comedia PlainTransport (which latches the relay's
/// port). Datagrams coming back from the target (RTCP) are counted and dropped. <see cref="DisposeAsync"/> stops it.
/// </summary>
public sealed class LossyUdpRelay : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Random _random;
    private double _dropRate;
    private long _forwarded, _dropped, _fromTarget;

    /// <summary>Starts relaying to 127.0.0.1:<paramref name="targetPort"/>; <paramref name="seed"/> makes the losses repeatable.</summary>
    public LossyUdpRelay(int targetPort, int seed = 8)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _random = new Random(seed);
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The relay's loopback port: send to it.</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>The share (0 to 1) of datagrams towards the target that are dropped.</summary>
    public double DropRate
    {
        get => Volatile.Read(ref _dropRate);
        set
        {
            if (value is < 0 or > 1 || double.IsNaN(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "DropRate must be between 0 and 1");
            Volatile.Write(ref _dropRate, value);
        }
    }

    /// <summary>Datagrams forwarded to the target.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Datagrams dropped on purpose.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams the target sent back (RTCP), not forwarded.</summary>
    public long FromTarget => Interlocked.Read(ref _fromTarget);

    private async Task LoopAsync()
    {
        var buffer = new byte[2048];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token).ConfigureAwait(false);
                if (received.RemoteEndPoint is IPEndPoint from && from.Equals(_target))
                {
                    Interlocked.Increment(ref _fromTarget);
                    continue;
                }
                if (_random.NextDouble() < DropRate)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }
                await _socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, _target, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _forwarded);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // ICMP port unreachable from a closed peer shows up here on Linux; keep relaying.
            }
        }
    }

    /// <summary>Stops relaying and closes the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}
