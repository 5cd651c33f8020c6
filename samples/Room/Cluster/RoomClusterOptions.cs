using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Cluster mode (<c>--cluster redis=HOST:PORT</c>): this Room process is an Orleans silo of a cluster whose membership
/// is kept in Redis; every Room process of the cluster serves the same rooms (RxMediasoup.Orleans: one room grain per
/// room, a router per process, PipeTransports between them). See README.md "Cluster mode".
/// </summary>
public sealed class RoomClusterOptions
{
    /// <summary>The Redis configuration string (StackExchange.Redis form, e.g. <c>127.0.0.1:6379</c>) of the membership table.</summary>
    public required string Redis { get; set; }

    /// <summary>The Orleans cluster id (<c>--cluster-id</c>): processes with the same id and Redis form one cluster.</summary>
    public string ClusterId { get; set; } = "rxmediasoup-room";

    /// <summary>The address other silos reach this one at (<c>--silo-ip</c>, default 127.0.0.1: one machine).</summary>
    public string SiloIp { get; set; } = "127.0.0.1";

    /// <summary>The silo-to-silo port (<c>--silo-port</c>); 0: a free port chosen at start.</summary>
    public int SiloPort { get; set; }

    /// <summary>The port Orleans clients connect to (<c>--gateway-port</c>); 0: a free port chosen at start.</summary>
    public int GatewayPort { get; set; }

    /// <summary>The IP the pipe transports to other Room processes listen on (<c>--pipe-listen-ip</c>, default 127.0.0.1).</summary>
    public string PipeListenIp { get; set; } = "127.0.0.1";

    /// <summary>
    /// The address other Room processes send pipe RTP to (<c>--pipe-announced-ip</c>): this host as the other HOSTS reach
    /// it, separate from <c>--announced-ip</c> (what browsers reach). Default: the pipe listen IP.
    /// </summary>
    public string? PipeAnnouncedIp { get; set; }

    /// <summary>Encrypt pipe RTP between Room processes with SRTP (<c>--pipe-srtp</c>).</summary>
    public bool PipeSrtp { get; set; }

    /// <summary>A free loopback TCP port for a silo or gateway port left at 0 (two processes on one machine need two each).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string Address(string name, string? value)
    {
        if (!IPAddress.TryParse(value, out _)) throw new ArgumentException($"{name} must be an IP address, not '{value}'");
        return value!;
    }

    internal static int Port(string name, string? value)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ArgumentException($"{name} must be a port (1–65535), not '{value}'");
        return port;
    }
}

/// <summary>
/// The cluster switches of the command line (<see cref="RoomServerOptions.ParseArgs"/>), in any order: the others
/// (<c>--silo-port</c>, <c>--pipe-announced-ip</c>…) need <c>--cluster</c>.
/// </summary>
internal sealed class RoomClusterSwitches
{
    private readonly List<Action<RoomClusterOptions>> _apply = [];
    private string? _redis;
    private string? _firstOther;
    private bool _pipeListenGiven;

    /// <summary>Reads <paramref name="name"/> (its value from <paramref name="value"/>) if it is a cluster switch.</summary>
    /// <exception cref="ArgumentException">A bad value (the message names the switch).</exception>
    public bool TryRead(string name, Func<string?> value)
    {
        Action<RoomClusterOptions>? apply;
        switch (name)
        {
            case "--cluster":
                string spec = value() ?? "";
                const string prefix = "redis=";
                if (!spec.StartsWith(prefix, StringComparison.Ordinal) || spec.Length == prefix.Length)
                    throw new ArgumentException($"--cluster must be redis=HOST:PORT (the Redis server keeping the cluster's membership), not '{spec}'");
                _redis = spec[prefix.Length..];
                return true;
            case "--cluster-id":
                string id = value() ?? "";
                if (string.IsNullOrWhiteSpace(id)) throw new ArgumentException("--cluster-id needs a value");
                apply = c => c.ClusterId = id;
                break;
            case "--silo-ip":
                string siloIp = RoomClusterOptions.Address(name, value());
                apply = c => c.SiloIp = siloIp;
                break;
            case "--silo-port":
                int siloPort = RoomClusterOptions.Port(name, value());
                apply = c => c.SiloPort = siloPort;
                break;
            case "--gateway-port":
                int gatewayPort = RoomClusterOptions.Port(name, value());
                apply = c => c.GatewayPort = gatewayPort;
                break;
            case "--pipe-listen-ip":
                string listen = RoomClusterOptions.Address(name, value());
                apply = c => c.PipeListenIp = listen;
                _pipeListenGiven = true;
                break;
            case "--pipe-announced-ip":
                string announced = value() ?? "";
                if (string.IsNullOrWhiteSpace(announced)) throw new ArgumentException("--pipe-announced-ip needs an address");
                apply = c => c.PipeAnnouncedIp = announced;
                break;
            case "--pipe-srtp":
                apply = c => c.PipeSrtp = true;
                break;
            default:
                return false;
        }
        _firstOther ??= name;
        _apply.Add(apply);
        return true;
    }

    /// <summary>The cluster options (null without <c>--cluster</c>).</summary>
    /// <exception cref="ArgumentException">A cluster switch without <c>--cluster</c>.</exception>
    public RoomClusterOptions? Build()
    {
        if (_redis is null)
            return _firstOther is null ? null : throw new ArgumentException($"{_firstOther} needs --cluster redis=HOST:PORT");
        var options = new RoomClusterOptions { Redis = _redis };
        foreach (var apply in _apply) apply(options);
        // An announced pipe address is for other hosts: listen on every interface unless told otherwise.
        if (options.PipeAnnouncedIp is not null && !_pipeListenGiven)
            options.PipeListenIp = "0.0.0.0";
        return options;
    }
}
