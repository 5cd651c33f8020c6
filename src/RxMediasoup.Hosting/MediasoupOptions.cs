using System.Reactive.Concurrency;

namespace RxMediasoup.Hosting;

/// <summary>
/// Options of the hosted <see cref="WorkerManager"/>, bound from configuration (the <c>Mediasoup</c> section in
/// README.md's shape) or set by a delegate; validated when the host starts (<see cref="MediasoupOptionsValidator"/>).
/// </summary>
/// <remarks>
/// Values that a typo in <c>appsettings.json</c> could get wrong (log level, log tags, protocols, load metric) are
/// strings here, so that validation can name the setting instead of the binder failing on a type conversion.
/// </remarks>
public sealed class MediasoupOptions
{
    /// <summary>The default configuration section name, <c>Mediasoup</c>.</summary>
    public const string SectionName = "Mediasoup";

    /// <summary>How many workers to run. Default: one per core (<see cref="Environment.ProcessorCount"/>); at least 1.</summary>
    public int NumWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>How the least-loaded worker is chosen: <c>RouterCount</c> (default) or <c>CpuTime</c> (<see cref="WorkerLoadMetric"/>).</summary>
    public string LoadMetric { get; set; } = nameof(WorkerLoadMetric.RouterCount);

    /// <summary>Settings every worker is created with.</summary>
    public MediasoupWorkerOptions WorkerSettings { get; set; } = new();

    /// <summary>Whether and how a worker that died is replaced.</summary>
    public MediasoupRespawnOptions Respawn { get; set; } = new();

    /// <summary>A WebRTC server created on every worker (also on replacements), or null (default) for none.</summary>
    public MediasoupWebRtcServerOptions? WebRtcServer { get; set; }

    /// <summary>Thresholds of the health check (<see cref="MediasoupHealthCheckExtensions.AddMediasoupHealthChecks"/>).</summary>
    public MediasoupHealthOptions HealthChecks { get; set; } = new();

    /// <summary>
    /// Creates each worker instead of starting mediasoup-worker (<see cref="WorkerManagerOptions.WorkerFactory"/>), e.g.
    /// RxMediasoup.Testing's simulated workers; null (default): real workers. Set in code (the <c>configure</c>
    /// delegate of <c>AddMediasoup</c> or <c>services.Configure&lt;MediasoupOptions&gt;</c>): configuration does not bind it.
    /// </summary>
    public WorkerFactory? WorkerFactory { get; set; }

    /// <summary>
    /// Scheduler of the respawn back-off (<see cref="WorkerManagerOptions.Scheduler"/>): the simulation's with
    /// <see cref="WorkerFactory"/>'s simulated workers; null (default): the real clock. Set in code, not bound.
    /// </summary>
    public IScheduler? Scheduler { get; set; }
}

/// <summary>Worker settings in configuration form (see <see cref="RxMediasoup.WorkerSettings"/>).</summary>
public sealed class MediasoupWorkerOptions
{
    /// <summary>Worker log level: <c>debug</c>, <c>warn</c>, <c>error</c> (default) or <c>none</c>.</summary>
    public string LogLevel { get; set; } = "error";

    /// <summary>Log tags whose debug logs are enabled: <c>info</c>, <c>ice</c>, <c>dtls</c>, <c>rtp</c>, <c>srtp</c>,
    /// <c>rtcp</c>, <c>rtx</c>, <c>bwe</c>, <c>score</c>, <c>simulcast</c>, <c>svc</c>, <c>sctp</c>, <c>message</c>.</summary>
    public List<string> LogTags { get; set; } = [];

    /// <summary>Minimum RTC port for transports without their own port range (0-65535; deprecated by mediasoup).</summary>
    public int? RtcMinPort { get; set; }

    /// <summary>Maximum RTC port for transports without their own port range (0-65535; deprecated by mediasoup).</summary>
    public int? RtcMaxPort { get; set; }

    /// <summary>Path of the DTLS certificate file (PEM); requires <see cref="DtlsPrivateKeyFile"/>. Default: a generated certificate.</summary>
    public string? DtlsCertificateFile { get; set; }

    /// <summary>Path of the DTLS private key file (PEM); requires <see cref="DtlsCertificateFile"/>.</summary>
    public string? DtlsPrivateKeyFile { get; set; }

    /// <summary>libwebrtc field trials. Default: mediasoup's.</summary>
    public string? LibwebrtcFieldTrials { get; set; }

    /// <summary>Explicit path of the mediasoup-worker binary. Default: found by <see cref="WorkerBinary.Locate"/>.</summary>
    public string? WorkerBin { get; set; }

    /// <summary>
    /// How workers run: <c>Subprocess</c> (default) or <c>InProcess</c> (<c>libmediasoup-worker.so</c> inside the
    /// application; a worker crash then ends it). See <see cref="RxMediasoup.WorkerMode"/>.
    /// </summary>
    public string Mode { get; set; } = nameof(RxMediasoup.WorkerMode.Subprocess);

    /// <summary>How long to wait for each worker to report it is running. Default 10 seconds.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request may wait for the worker's response. Default 30 seconds; null waits forever.</summary>
    public TimeSpan? RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Respawn policy in configuration form (see <see cref="WorkerRespawnPolicy"/>).</summary>
public sealed class MediasoupRespawnOptions
{
    /// <summary>Replace dead workers. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Delay before the first respawn attempt. Default 1 second.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the back-off delay. Default 30 seconds.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deaths within this window double the delay. Default 1 minute.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The WebRTC server created on every worker.</summary>
public sealed class MediasoupWebRtcServerOptions
{
    /// <summary>
    /// Where the server listens (at least one). A fixed <see cref="MediasoupListenInfoOptions.Port"/> is the first
    /// worker's; the worker in slot <c>n</c> (0-based, a replacement takes its predecessor's slot) listens on
    /// <c>Port + n</c>. A <see cref="MediasoupListenInfoOptions.PortRange"/> is shared by all workers.
    /// </summary>
    public List<MediasoupListenInfoOptions> ListenInfos { get; set; } = [];
}

/// <summary>A listen info in configuration form (see <see cref="ListenInfo"/>).</summary>
public sealed class MediasoupListenInfoOptions
{
    /// <summary><c>udp</c> (default) or <c>tcp</c>.</summary>
    public string Protocol { get; set; } = "udp";

    /// <summary>The IP address to listen on (required), e.g. <c>0.0.0.0</c> or <c>127.0.0.1</c>.</summary>
    public string Ip { get; set; } = "";

    /// <summary>The address announced in ICE candidates (a public IP or host name), if not <see cref="Ip"/>.</summary>
    public string? AnnouncedAddress { get; set; }

    /// <summary>Also announce the internal IP when an announced address is set.</summary>
    public bool ExposeInternalIp { get; set; }

    /// <summary>Fixed port of the first worker (0-65535, 0 = any); see <see cref="MediasoupWebRtcServerOptions.ListenInfos"/>.</summary>
    public int? Port { get; set; }

    /// <summary>A port range to pick from (1-65535, Min ≤ Max).</summary>
    public MediasoupPortRangeOptions? PortRange { get; set; }

    /// <summary>Socket option IPV6_V6ONLY.</summary>
    public bool Ipv6Only { get; set; }

    /// <summary>Socket option SO_REUSEPORT (UDP).</summary>
    public bool UdpReusePort { get; set; }

    /// <summary>Send buffer size in bytes (not negative).</summary>
    public int? SendBufferSize { get; set; }

    /// <summary>Receive buffer size in bytes (not negative).</summary>
    public int? RecvBufferSize { get; set; }
}

/// <summary>A port range in configuration form.</summary>
public sealed class MediasoupPortRangeOptions
{
    /// <summary>Lowest port (1-65535).</summary>
    public int Min { get; set; }

    /// <summary>Highest port (1-65535, at least <see cref="Min"/>).</summary>
    public int Max { get; set; }
}

/// <summary>Thresholds of the mediasoup health check.</summary>
public sealed class MediasoupHealthOptions
{
    /// <summary>A worker whose dump round trip takes longer than this makes the check Degraded. Default 500 ms.</summary>
    public TimeSpan LatencyThreshold { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the check waits for a worker's dump before counting it as unanswered (Degraded). Default 5 s.</summary>
    public TimeSpan DumpTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This many worker deaths within <see cref="RespawnWindow"/> make the check Degraded. Default 2.</summary>
    public int RespawnThreshold { get; set; } = 2;

    /// <summary>The window in which worker deaths are counted. Default 5 minutes.</summary>
    public TimeSpan RespawnWindow { get; set; } = TimeSpan.FromMinutes(5);
}
