using Microsoft.Extensions.Logging;

namespace RxMediasoup;

/// <summary>
/// Settings of a new worker (<see cref="Worker.CreateAsync"/>). They are validated before the process is
/// spawned (as mediasoup 3.27 validates them); anything only the worker can check fails the start: a bad setting
/// makes it exit with code 42 (an <see cref="ArgumentException"/>), while DTLS files it cannot load make
/// mediasoup-worker 3.27.1 abort, which surfaces as a <see cref="MediasoupException"/> carrying the worker's message.
/// </summary>
public sealed record WorkerSettings
{
    /// <summary>Worker log level. Default <see cref="WorkerLogLevel.Error"/>.</summary>
    public WorkerLogLevel LogLevel { get; init; } = WorkerLogLevel.Error;

    /// <summary>Log tags whose debug logs are enabled. Default none.</summary>
    public IReadOnlyList<WorkerLogTag> LogTags { get; init; } = [];

    /// <summary>
    /// Minimum RTC port for transports without their own port range (0-65535; the worker's default is 10000).
    /// Deprecated by mediasoup in favour of per-transport port ranges, still supported (3.27).
    /// </summary>
    public int? RtcMinPort { get; init; }

    /// <summary>
    /// Maximum RTC port for transports without their own port range (0-65535; the worker's default is 59999).
    /// Deprecated by mediasoup in favour of per-transport port ranges, still supported (3.27).
    /// </summary>
    public int? RtcMaxPort { get; init; }

    /// <summary>Path to the DTLS certificate file in PEM format (requires <see cref="DtlsPrivateKeyFile"/>). Default: a generated certificate.</summary>
    public string? DtlsCertificateFile { get; init; }

    /// <summary>Path to the DTLS private key file in PEM format (requires <see cref="DtlsCertificateFile"/>).</summary>
    public string? DtlsPrivateKeyFile { get; init; }

    /// <summary>libwebrtc field trials (e.g. <c>WebRTC-Bwe-AlrLimitedBackoff/Enabled/</c>). Default: mediasoup's.</summary>
    public string? LibwebrtcFieldTrials { get; init; }

    /// <summary>
    /// Explicit path of the mediasoup-worker binary. Default: found by <see cref="WorkerBinary.Locate"/>
    /// (<c>MEDIASOUP_WORKER_BIN</c>, then the per-user build cache).
    /// </summary>
    public string? WorkerBin { get; init; }

    /// <summary>
    /// How the worker runs: <see cref="WorkerMode.Subprocess"/> (the default) or <see cref="WorkerMode.InProcess"/>.
    /// </summary>
    public WorkerMode Mode { get; init; } = DefaultMode;

    /// <summary>The default of <see cref="Mode"/>: a test run sets it to run its whole suite in one mode.</summary>
    internal static WorkerMode DefaultMode { get; set; } = WorkerMode.Subprocess;

    /// <summary>Tests only: wraps the worker's frame transport (e.g. to record every message of a real worker's run).</summary>
    internal Func<Channel.IWorkerTransport, Channel.IWorkerTransport>? TransportDecorator { get; init; }

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    /// <summary>Where the worker's logs, stdout/stderr and the channel's diagnostics go. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>How long to wait for the worker to report it is running. Default 10 seconds.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a request may wait for the worker's response before failing with <see cref="TimeoutException"/>.
    /// Default 30 seconds; null waits forever (a dead worker still fails every pending request at once).
    /// </summary>
    public TimeSpan? RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A subscriber that holds the delivery of this worker's streams longer than this (a slow or blocking
    /// <c>OnNext</c>) is logged as a warning naming the stream; null disables the watchdog. Default 1 s.
    /// </summary>
    public TimeSpan? DeliveryWarningThreshold { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        if (!Enum.IsDefined(Mode))
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"invalid value '{(int)Mode}' for mode");
        if (!Enum.IsDefined(LogLevel))
            throw new ArgumentOutOfRangeException(nameof(LogLevel), LogLevel, $"invalid value '{(int)LogLevel}' for logLevel");
        ArgumentNullException.ThrowIfNull(LogTags, nameof(LogTags));
        foreach (var tag in LogTags)
            if (!Enum.IsDefined(tag))
                throw new ArgumentOutOfRangeException(nameof(LogTags), tag, $"invalid value '{(int)tag}' in logTags");
        ValidatePort(RtcMinPort, nameof(RtcMinPort));
        ValidatePort(RtcMaxPort, nameof(RtcMaxPort));
        if ((RtcMinPort ?? 10000) > (RtcMaxPort ?? 59999))
            throw new ArgumentException(
                $"rtcMinPort ({RtcMinPort ?? 10000}) cannot be greater than rtcMaxPort ({RtcMaxPort ?? 59999})", nameof(RtcMinPort));
        if (!string.IsNullOrEmpty(DtlsCertificateFile) && string.IsNullOrEmpty(DtlsPrivateKeyFile))
            ValidateFile(DtlsCertificateFile, nameof(DtlsCertificateFile), orMissing: nameof(DtlsPrivateKeyFile));
        else if (string.IsNullOrEmpty(DtlsCertificateFile) && !string.IsNullOrEmpty(DtlsPrivateKeyFile))
            ValidateFile(DtlsPrivateKeyFile, nameof(DtlsPrivateKeyFile), orMissing: nameof(DtlsCertificateFile));
        else if (!string.IsNullOrEmpty(DtlsCertificateFile))
        {
            ValidateFile(DtlsCertificateFile, nameof(DtlsCertificateFile), null);
            ValidateFile(DtlsPrivateKeyFile!, nameof(DtlsPrivateKeyFile), null);
        }
        if (StartupTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(StartupTimeout), StartupTimeout, "startupTimeout must be positive");
        if (RequestTimeout is { } t && t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), t, "requestTimeout must be positive or null");
        if (DeliveryWarningThreshold is { } w && w <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(DeliveryWarningThreshold), w, "deliveryWarningThreshold must be positive or null");
    }

    private static void ValidatePort(int? port, string name)
    {
        if (port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(name, port, $"{char.ToLowerInvariant(name[0])}{name[1..]} must be a port from 0 to 65535");
    }

    private static void ValidateFile(string path, string name, string? orMissing)
    {
        if (!File.Exists(path))
            throw new ArgumentException($"{char.ToLowerInvariant(name[0])}{name[1..]}: file '{path}' does not exist", name);
        if (orMissing is not null)
            throw new ArgumentException($"missing {char.ToLowerInvariant(orMissing[0])}{orMissing[1..]}", orMissing);
    }

    /// <summary>The worker's command-line arguments, as the Node package builds them.</summary>
    internal IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { $"--logLevel={WorkerWire.ToWire(LogLevel)}" };
        foreach (var tag in LogTags) args.Add($"--logTag={WorkerWire.ToWire(tag)}");
        if (RtcMinPort is { } min) args.Add($"--rtcMinPort={min}");
        if (RtcMaxPort is { } max) args.Add($"--rtcMaxPort={max}");
        if (!string.IsNullOrEmpty(DtlsCertificateFile)) args.Add($"--dtlsCertificateFile={DtlsCertificateFile}");
        if (!string.IsNullOrEmpty(DtlsPrivateKeyFile)) args.Add($"--dtlsPrivateKeyFile={DtlsPrivateKeyFile}");
        if (!string.IsNullOrEmpty(LibwebrtcFieldTrials)) args.Add($"--libwebrtcFieldTrials={LibwebrtcFieldTrials}");
        return args;
    }
}

/// <summary>mediasoup's string names of the worker enums.</summary>
internal static class WorkerWire
{
    public static string ToWire(WorkerLogLevel level) => level switch
    {
        WorkerLogLevel.Debug => "debug",
        WorkerLogLevel.Warn => "warn",
        WorkerLogLevel.Error => "error",
        WorkerLogLevel.None => "none",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "invalid log level"),
    };

    public static string ToWire(WorkerLogTag tag) => tag.ToString().ToLowerInvariant();
}
