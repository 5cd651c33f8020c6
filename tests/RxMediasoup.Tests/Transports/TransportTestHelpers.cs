using System.Net;
using System.Net.Sockets;

namespace RxMediasoup.Tests.Transports;

internal static class TransportTestHelpers
{
    /// <summary>The value a state stream replays to a new subscriber (synchronously, on subscribe).</summary>
    public static T Current<T>(this IObservable<T> stream)
    {
        bool has = false;
        T value = default!;
        using (stream.Subscribe(v => { if (!has) { has = true; value = v; } }))
        {
        }
        Assert.True(has, "the state stream did not replay a value on subscribe");
        return value;
    }

    /// <summary>A port that is free on 127.0.0.1 right now (like Node's pick-port with reserveTimeout 0).</summary>
    public static int PickPort(ProtocolType protocol, string ip = "127.0.0.1")
    {
        using var socket = protocol == ProtocolType.Udp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
            : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(ip), 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Two consecutive UDP ports that are free on 127.0.0.1 right now.</summary>
    public static (int Min, int Max) PickUdpPortPair()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            int port = PickPort(ProtocolType.Udp);
            if (port >= 65535) continue;
            try
            {
                using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                a.Bind(new IPEndPoint(IPAddress.Loopback, port));
                b.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return (port, port + 1);
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException("no two consecutive free UDP ports");
    }

    public static ListenInfo Udp(string ip = "127.0.0.1", string? announcedAddress = null) => new()
    {
        Protocol = TransportProtocol.Udp, Ip = ip, AnnouncedAddress = announcedAddress, PortRange = new PortRange(2000, 3000),
    };

    /// <summary>Waits until the worker's channel has no handler left (entities unregister synchronously; this is a guard).</summary>
    public static async Task AssertNoHandlersAsync(RxMediasoup.Worker worker)
    {
        var until = DateTime.UtcNow.AddSeconds(2);
        while (worker.Diagnostics.RegisteredHandlers != 0 && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.Equal(0, worker.Diagnostics.RegisteredHandlers);
    }
}
