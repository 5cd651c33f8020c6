namespace RxMediasoup.Samples.Room;

/// <summary>
/// The room server's settings. Command-line switches set some of them (<c>--announced-ip</c>, <c>--https</c>); the
/// rest are for programs that host the room (<see cref="RoomServer.CreateBuilder"/>). The workers are configured by
/// the <c>Mediasoup</c> configuration section (RxMediasoup.Hosting); <c>--workers N</c> sets <c>Mediasoup:NumWorkers</c>.
/// </summary>
public sealed class RoomServerOptions
{
    /// <summary>The URL used when neither <c>--urls</c> nor <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public string DefaultUrl { get; set; } = "http://127.0.0.1:3000";

    /// <summary>The address the WebRTC transports listen on (loopback by default; 0.0.0.0 when an announced IP is set).</summary>
    public string ListenIp { get; set; } = "127.0.0.1";

    /// <summary>The address put in ICE candidates (<c>--announced-ip</c>); null: the listen address itself.</summary>
    public string? AnnouncedIp { get; set; }

    /// <summary>Serve HTTPS with a self-signed certificate (<c>--https</c>): browsers allow cameras on plain http only for localhost.</summary>
    public bool Https { get; set; }

    /// <summary>The largest signalling message accepted, in bytes (a bigger one gets a <c>frame_too_large</c> error).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>WebRTC transports one peer may have at once.</summary>
    public int MaxTransportsPerPeer { get; set; } = 4;

    /// <summary>Media producers one peer may have at once.</summary>
    public int MaxProducersPerPeer { get; set; } = 4;

    /// <summary>Data producers one peer may have at once.</summary>
    public int MaxDataProducersPerPeer { get; set; } = 2;

    /// <summary>How often each producer's stats are polled for stall detection.</summary>
    public TimeSpan StallPollPeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A producer whose packet count has not grown for this long is stalled.</summary>
    public TimeSpan StallThreshold { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The period of consumer score/bitrate notifications (stats polling and throttling).</summary>
    public TimeSpan ConsumerStatsPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cluster mode (<c>--cluster redis=HOST:PORT</c> and the other cluster switches); null: a single process.</summary>
    public RoomClusterOptions? Cluster { get; set; }

    /// <summary>
    /// Reads the sample's own switches from <paramref name="args"/> and returns the others (for ASP.NET Core);
    /// <c>--workers N</c> comes back as <c>--Mediasoup:NumWorkers=N</c> (the command line wins over appsettings.json
    /// and environment variables).
    /// </summary>
    /// <exception cref="ArgumentException">A switch is missing its value or has a bad one (the message names it).</exception>
    public string[] ParseArgs(string[] args)
    {
        var rest = new List<string>();
        var cluster = new RoomClusterSwitches();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? Value()
            {
                int eq = arg.IndexOf('=');
                if (eq >= 0) return arg[(eq + 1)..];
                if (i + 1 < args.Length) return args[++i];
                throw new ArgumentException($"{arg} needs a value");
            }
            string name = arg.Split('=')[0];
            switch (name)
            {
                case "--https":
                    Https = true;
                    break;
                case "--announced-ip":
                    AnnouncedIp = Value();
                    if (string.IsNullOrWhiteSpace(AnnouncedIp)) throw new ArgumentException("--announced-ip needs an address");
                    if (ListenIp == "127.0.0.1") ListenIp = "0.0.0.0";
                    break;
                case "--listen-ip":
                    ListenIp = Value() ?? ListenIp;
                    break;
                case "--workers":
                    string? v = Value();
                    if (!int.TryParse(v, out int n) || n < 1) throw new ArgumentException($"--workers must be a positive integer, not '{v}'");
                    rest.Add(FormattableString.Invariant($"--{RxMediasoup.Hosting.MediasoupOptions.SectionName}:NumWorkers={n}"));
                    break;
                default:
                    if (!cluster.TryRead(name, Value)) rest.Add(arg);
                    break;
            }
        }
        Cluster = cluster.Build() ?? Cluster;
        return [.. rest];
    }
}
