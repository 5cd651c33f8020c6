using System.Net;
using Microsoft.Extensions.Options;

namespace RxMediasoup.Hosting;

/// <summary>
/// Validates <see cref="MediasoupOptions"/> when the host starts (registered with <c>ValidateOnStart</c> by
/// <see cref="MediasoupServiceCollectionExtensions.AddMediasoup(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration)"/>):
/// every failure names the setting's configuration path, e.g. <c>Mediasoup:WorkerSettings:LogTags[2]</c>.
/// </summary>
/// <param name="sectionPath">The configuration path of the options (e.g. <c>Mediasoup</c>), the prefix of the names in failures (none if empty).</param>
public sealed class MediasoupOptionsValidator(string sectionPath) : IValidateOptions<MediasoupOptions>
{
    internal static readonly IReadOnlyDictionary<string, WorkerLogLevel> LogLevels = new Dictionary<string, WorkerLogLevel>(StringComparer.OrdinalIgnoreCase)
    {
        ["debug"] = WorkerLogLevel.Debug,
        ["warn"] = WorkerLogLevel.Warn,
        ["error"] = WorkerLogLevel.Error,
        ["none"] = WorkerLogLevel.None,
    };

    /// <summary>The configuration path prefixed to the names in failures.</summary>
    public string SectionPath { get; } = sectionPath;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MediasoupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Fail(string path, string message)
            => failures.Add(string.IsNullOrEmpty(SectionPath) ? $"{path}: {message}" : $"{SectionPath}:{path}: {message}");

        if (options.NumWorkers < 1)
            Fail("NumWorkers", $"must be at least 1 (is {options.NumWorkers})");
        if (string.IsNullOrWhiteSpace(options.LoadMetric) || options.LoadMetric.Contains(',') || int.TryParse(options.LoadMetric, out _)
            || !Enum.TryParse<WorkerLoadMetric>(options.LoadMetric, ignoreCase: true, out var metric) || !Enum.IsDefined(metric))
            Fail("LoadMetric", $"unknown load metric '{options.LoadMetric}' (known: {string.Join(", ", Enum.GetNames<WorkerLoadMetric>())})");

        ValidateWorker(options.WorkerSettings, Fail);
        ValidateRespawn(options.Respawn, Fail);
        if (options.WebRtcServer is { } server) ValidateServer(server, options.NumWorkers, Fail);
        ValidateHealth(options.HealthChecks, Fail);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateWorker(MediasoupWorkerOptions? w, Action<string, string> fail)
    {
        if (w is null)
        {
            fail("WorkerSettings", "is required");
            return;
        }
        if (!LogLevels.ContainsKey(w.LogLevel ?? ""))
            fail("WorkerSettings:LogLevel", $"unknown log level '{w.LogLevel}' (known: debug, warn, error, none)");
        var tags = w.LogTags ?? [];
        for (int i = 0; i < tags.Count; i++)
            if (ParseTag(tags[i]) is null)
                fail($"WorkerSettings:LogTags[{i}]",
                    $"unknown log tag '{tags[i]}' (known: {string.Join(", ", Enum.GetNames<WorkerLogTag>().Select(n => n.ToLowerInvariant()))})");
        if (ParseMode(w.Mode) is null)
            fail("WorkerSettings:Mode", $"unknown worker mode '{w.Mode}' (known: {string.Join(", ", Enum.GetNames<WorkerMode>())})");
        bool minOk = w.RtcMinPort is not (< 0 or > 65535), maxOk = w.RtcMaxPort is not (< 0 or > 65535);
        if (!minOk) fail("WorkerSettings:RtcMinPort", $"must be a port from 0 to 65535 (is {w.RtcMinPort})");
        if (!maxOk) fail("WorkerSettings:RtcMaxPort", $"must be a port from 0 to 65535 (is {w.RtcMaxPort})");
        if (minOk && maxOk && (w.RtcMinPort ?? 10000) > (w.RtcMaxPort ?? 59999))
            fail("WorkerSettings:RtcMinPort", $"({w.RtcMinPort ?? 10000}) is greater than RtcMaxPort ({w.RtcMaxPort ?? 59999})");

        bool hasCert = !string.IsNullOrEmpty(w.DtlsCertificateFile), hasKey = !string.IsNullOrEmpty(w.DtlsPrivateKeyFile);
        if (hasCert && !hasKey) fail("WorkerSettings:DtlsPrivateKeyFile", "is required when DtlsCertificateFile is set");
        if (hasKey && !hasCert) fail("WorkerSettings:DtlsCertificateFile", "is required when DtlsPrivateKeyFile is set");
        if (hasCert) ValidateFile(w.DtlsCertificateFile!, "WorkerSettings:DtlsCertificateFile", fail);
        if (hasKey) ValidateFile(w.DtlsPrivateKeyFile!, "WorkerSettings:DtlsPrivateKeyFile", fail);
        if (!string.IsNullOrEmpty(w.WorkerBin)) ValidateFile(w.WorkerBin, "WorkerSettings:WorkerBin", fail);

        if (w.StartupTimeout <= TimeSpan.Zero)
            fail("WorkerSettings:StartupTimeout", $"must be positive (is {w.StartupTimeout})");
        if (w.RequestTimeout is { } t && t <= TimeSpan.Zero)
            fail("WorkerSettings:RequestTimeout", $"must be positive or null (is {t})");
    }

    private static void ValidateFile(string path, string setting, Action<string, string> fail)
    {
        if (!File.Exists(path)) fail(setting, $"file '{path}' does not exist");
    }

    private static void ValidateRespawn(MediasoupRespawnOptions? r, Action<string, string> fail)
    {
        if (r is null)
        {
            fail("Respawn", "is required");
            return;
        }
        if (r.InitialDelay < TimeSpan.Zero) fail("Respawn:InitialDelay", $"cannot be negative (is {r.InitialDelay})");
        if (r.MaxDelay < r.InitialDelay) fail("Respawn:MaxDelay", $"({r.MaxDelay}) cannot be less than InitialDelay ({r.InitialDelay})");
        if (r.FailureWindow <= TimeSpan.Zero) fail("Respawn:FailureWindow", $"must be positive (is {r.FailureWindow})");
    }

    private static void ValidateServer(MediasoupWebRtcServerOptions s, int numWorkers, Action<string, string> fail)
    {
        if (s.ListenInfos is not { Count: > 0 })
        {
            fail("WebRtcServer:ListenInfos", "must hold at least one listen info");
            return;
        }
        for (int i = 0; i < s.ListenInfos.Count; i++)
        {
            string at = $"WebRtcServer:ListenInfos[{i}]";
            var info = s.ListenInfos[i];
            if (ParseProtocol(info.Protocol) is null)
                fail($"{at}:Protocol", $"unknown protocol '{info.Protocol}' (known: udp, tcp)");
            if (string.IsNullOrWhiteSpace(info.Ip) || !IPAddress.TryParse(info.Ip, out _))
                fail($"{at}:Ip", $"must be an IP address (is '{info.Ip}')");
            if (info.Port is { } port)
            {
                if (port is < 0 or > 65535)
                    fail($"{at}:Port", $"must be a port from 0 to 65535 (is {port})");
                else if (port > 0 && port + Math.Max(numWorkers, 1) - 1 > 65535)
                    fail($"{at}:Port", $"{port} + NumWorkers - 1 (one port per worker) passes 65535");
            }
            if (info.PortRange is { } range)
            {
                bool minOk = range.Min is >= 1 and <= 65535, maxOk = range.Max is >= 1 and <= 65535;
                if (!minOk) fail($"{at}:PortRange:Min", $"must be a port from 1 to 65535 (is {range.Min})");
                if (!maxOk) fail($"{at}:PortRange:Max", $"must be a port from 1 to 65535 (is {range.Max})");
                if (minOk && maxOk && range.Min > range.Max) fail($"{at}:PortRange", $"Min ({range.Min}) is greater than Max ({range.Max})");
                if (info.Port is > 0) fail($"{at}:PortRange", "cannot be set together with a fixed Port");
            }
            if (info.SendBufferSize is < 0) fail($"{at}:SendBufferSize", $"cannot be negative (is {info.SendBufferSize})");
            if (info.RecvBufferSize is < 0) fail($"{at}:RecvBufferSize", $"cannot be negative (is {info.RecvBufferSize})");
        }
    }

    private static void ValidateHealth(MediasoupHealthOptions? h, Action<string, string> fail)
    {
        if (h is null) return;
        if (h.LatencyThreshold <= TimeSpan.Zero) fail("HealthChecks:LatencyThreshold", $"must be positive (is {h.LatencyThreshold})");
        if (h.DumpTimeout <= TimeSpan.Zero) fail("HealthChecks:DumpTimeout", $"must be positive (is {h.DumpTimeout})");
        if (h.RespawnThreshold < 1) fail("HealthChecks:RespawnThreshold", $"must be at least 1 (is {h.RespawnThreshold})");
        if (h.RespawnWindow <= TimeSpan.Zero) fail("HealthChecks:RespawnWindow", $"must be positive (is {h.RespawnWindow})");
    }

    internal static WorkerMode? ParseMode(string? mode) => ParseName<WorkerMode>(mode);

    internal static WorkerLogTag? ParseTag(string? tag) => ParseName<WorkerLogTag>(tag);

    /// <summary>An enum member by name, case-insensitively; null for anything else (numbers, lists, unknown names).</summary>
    private static T? ParseName<T>(string? name) where T : struct, Enum
        => !string.IsNullOrWhiteSpace(name) && !int.TryParse(name, out _) && !name.Contains(',')
           && Enum.TryParse<T>(name, ignoreCase: true, out var value) && Enum.IsDefined(value) ? value : null;

    internal static TransportProtocol? ParseProtocol(string? protocol) => protocol?.ToLowerInvariant() switch
    {
        "udp" => TransportProtocol.Udp,
        "tcp" => TransportProtocol.Tcp,
        _ => null,
    };

    /// <summary>The library's options from validated hosting options.</summary>
    internal static WorkerManagerOptions ToWorkerManagerOptions(MediasoupOptions o, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)
    {
        var w = o.WorkerSettings;
        return new WorkerManagerOptions
        {
            NumWorkers = o.NumWorkers,
            WorkerFactory = o.WorkerFactory,
            Scheduler = o.Scheduler,
            LoadMetric = Enum.Parse<WorkerLoadMetric>(o.LoadMetric, ignoreCase: true),
            Respawn = new WorkerRespawnPolicy
            {
                Enabled = o.Respawn.Enabled,
                InitialDelay = o.Respawn.InitialDelay,
                MaxDelay = o.Respawn.MaxDelay,
                FailureWindow = o.Respawn.FailureWindow,
            },
            WorkerSettings = new WorkerSettings
            {
                LogLevel = LogLevels[w.LogLevel],
                LogTags = (w.LogTags ?? []).Select(t => ParseTag(t)!.Value).Distinct().ToArray(),
                RtcMinPort = w.RtcMinPort,
                RtcMaxPort = w.RtcMaxPort,
                DtlsCertificateFile = NullIfEmpty(w.DtlsCertificateFile),
                DtlsPrivateKeyFile = NullIfEmpty(w.DtlsPrivateKeyFile),
                LibwebrtcFieldTrials = NullIfEmpty(w.LibwebrtcFieldTrials),
                WorkerBin = NullIfEmpty(w.WorkerBin),
                Mode = ParseMode(w.Mode)!.Value,
                StartupTimeout = w.StartupTimeout,
                RequestTimeout = w.RequestTimeout,
                LoggerFactory = loggerFactory,
            },
        };
    }

    /// <summary>The WebRTC server options of the worker in <paramref name="slot"/>.</summary>
    internal static WebRtcServerOptions ToWebRtcServerOptions(MediasoupWebRtcServerOptions s, int slot) => new()
    {
        ListenInfos = s.ListenInfos.Select(i => new ListenInfo
        {
            Protocol = ParseProtocol(i.Protocol)!.Value,
            Ip = i.Ip,
            AnnouncedAddress = NullIfEmpty(i.AnnouncedAddress),
            ExposeInternalIp = i.ExposeInternalIp,
            Port = i.Port is > 0 and var p ? p + slot : i.Port,
            PortRange = i.PortRange is { } r ? new PortRange(r.Min, r.Max) : null,
            Flags = i.Ipv6Only || i.UdpReusePort ? new TransportSocketFlags { Ipv6Only = i.Ipv6Only, UdpReusePort = i.UdpReusePort } : null,
            SendBufferSize = i.SendBufferSize,
            RecvBufferSize = i.RecvBufferSize,
        }).ToArray(),
        AppData = new Dictionary<string, object?> { ["slot"] = slot },
    };

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
