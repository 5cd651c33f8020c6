using System.Net;
using System.Net.NetworkInformation;
using SocketProtocol = FBS.Transport.Protocol;

namespace RxMediasoup.Testing;

// The worker's PortManager: every socket a transport or WebRTC server binds takes its (protocol, IP, port) until its
// owner closes. A fixed port already taken is "address already in use"; a full range is "no more available ports";
// an IP that is not one of this host's cannot be bound ("address not available"); an unreadable IP is a TypeError.
internal sealed partial class SimulatedEngine
{
    private readonly Dictionary<(SocketProtocol, string, ushort), string> _ports = [];

    /// <summary>Ports bound while the current request runs: released if it fails, else taken by what it created.</summary>
    private readonly List<(SocketProtocol, string, ushort)> _pendingPorts = [];

    /// <summary>Binds a socket for <paramref name="info"/>: its fixed port, a free one in its range, or the next free one.</summary>
    private ushort Bind(FBS.Transport.ListenInfoT? info)
    {
        var protocol = info?.Protocol ?? SocketProtocol.UDP;
        string ip = info?.Ip ?? "127.0.0.1";
        string proto = protocol == SocketProtocol.UDP ? "udp" : "tcp";
        if (!IsIpLiteral(ip, out var address)) throw new SimulatedError($"invalid IP '{ip}'", isTypeError: true);
        if (!IsLocal(address))
            throw new SimulatedError($"uv_{proto}_bind() failed [protocol:{proto}, ip:'{ip}', port:{info?.Port ?? 0}]: address not available");
        ushort port;
        if (info?.PortRange is { Min: > 0 } range && range.Max >= range.Min)
        {
            int size = range.Max - range.Min + 1;
            int start = _nextPort++;
            int attempt = 0;
            do port = (ushort)(range.Min + (start + attempt) % size);
            while (_ports.ContainsKey((protocol, ip, port)) && ++attempt < size);
            if (attempt == size) throw new SimulatedError($"no more available ports [protocol:{proto}, ip:'{ip}', numAttempt:{size}]");
        }
        else if (info is { Port: not 0 })
        {
            port = info.Port;
            bool shared = protocol == SocketProtocol.UDP && info.Flags?.UdpReusePort == true;
            if (_ports.TryGetValue((protocol, ip, port), out string? holder) && !(shared && holder == ReusePort))
                throw new SimulatedError($"uv_{(protocol == SocketProtocol.UDP ? "udp_bind" : "listen")}() failed [protocol:{proto}, ip:'{ip}', port:{port}]: address already in use");
        }
        else
        {
            do port = (ushort)(10000 + _nextPort++ % 50000);
            while (_ports.ContainsKey((protocol, ip, port)));
        }
        if (_ports.ContainsKey((protocol, ip, port))) return port; // a shared UDP port: its first socket keeps the entry
        _ports[(protocol, ip, port)] = info?.Flags?.UdpReusePort == true && protocol == SocketProtocol.UDP ? ReusePort : "";
        _pendingPorts.Add((protocol, ip, port));
        return port;
    }

    private const string ReusePort = "reuseport";

    /// <summary>uv_inet_pton: a dotted-quad IPv4 address or an IPv6 one ("123" is not an IP to the worker).</summary>
    private static bool IsIpLiteral(string ip, out IPAddress address)
    {
        address = IPAddress.None;
        if (!IPAddress.TryParse(ip, out var parsed)) return false;
        if (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && ip.Split('.').Length != 4) return false;
        address = parsed;
        return true;
    }

    /// <summary>The sockets bound by the current request, handed to what it created (they are no longer pending).</summary>
    private List<(SocketProtocol, string, ushort)> TakePendingPorts()
    {
        var taken = _pendingPorts.ToList();
        _pendingPorts.Clear();
        return taken;
    }

    /// <summary>The current request failed: what it bound is free again.</summary>
    private void ReleasePendingPorts() => Release(TakePendingPorts());

    private void Release(IEnumerable<(SocketProtocol, string, ushort)> ports)
    {
        foreach (var port in ports) _ports.Remove(port);
    }

    private static bool IsLocal(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address)) return true;
        // A multicast group can be bound (to receive it) on any host.
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xF0) == 0xE0) return true;
        if (address.IsIPv6Multicast) return true;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));
    }
}
