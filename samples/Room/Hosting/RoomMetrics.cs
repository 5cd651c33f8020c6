using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// The <c>Metrics</c> section of appsettings.json: the Prometheus scrape endpoint (OpenTelemetry's exporter) and which
/// meters it serves. RxMediasoup's meter is always in it when the endpoint is on.
/// </summary>
public sealed class RoomMetricsOptions
{
    /// <summary>The configuration section: <c>Metrics</c>.</summary>
    public const string SectionName = "Metrics";

    /// <summary>Serve metrics in Prometheus text format (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape path (default <c>/metrics</c>); it must start with '/' and not be one of the Room's own paths.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>Also ASP.NET Core's meters (<c>http.server.request.duration</c>, Kestrel's connections…; default true).</summary>
    public bool AspNetCore { get; set; } = true;

    /// <summary>Also the .NET runtime's meter <c>System.Runtime</c> (GC, thread pool, CPU time…; default true).</summary>
    public bool Runtime { get; set; } = true;

    /// <summary>More meters by name (wildcards such as <c>MyCompany.*</c> allowed), e.g. the program's own.</summary>
    public List<string> Meters { get; set; } = [];

    /// <summary>
    /// Serve the scrape only on these hosts (ASP.NET Core's <c>RequireHost</c> patterns, e.g. <c>*:9464</c> with that port
    /// also in <c>--urls</c>), so that a public port does not expose it; empty (default): on every address.
    /// </summary>
    public List<string> RequireHost { get; set; } = [];

    /// <summary>The <c>service_name</c> of the <c>target_info</c> series (default <c>rxmediasoup-room</c>).</summary>
    public string ServiceName { get; set; } = "rxmediasoup-room";

    /// <summary>How long one scrape's response is reused for the next ones, in milliseconds (the exporter's default 300; 0: none).</summary>
    public int ScrapeResponseCacheMilliseconds { get; set; } = 300;

    /// <summary>ASP.NET Core's meters the <see cref="AspNetCore"/> switch adds (those a Room serving HTTP and WebSockets feeds).</summary>
    public static IReadOnlyList<string> AspNetCoreMeters { get; } =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics"];

    /// <summary>The Room's own paths, which the scrape path may not take.</summary>
    private static readonly string[] TakenPaths = ["/", "/ws", "/health", "/dist", "/room.css", "/index.html"];

    /// <summary>The meter names to serve.</summary>
    public IReadOnlyList<string> MeterNames() =>
    [
        MediasoupTelemetry.MeterName,
        .. AspNetCore ? AspNetCoreMeters : [],
        .. Runtime ? ["System.Runtime"] : (IEnumerable<string>)[],
        .. Meters,
    ];

    /// <summary>Reads the section from <paramref name="configuration"/> and checks it.</summary>
    /// <exception cref="ArgumentException">A bad value; the message names the setting (<c>Metrics:Path: …</c>).</exception>
    public static RoomMetricsOptions Read(IConfiguration configuration)
    {
        RoomMetricsOptions options;
        try
        {
            options = configuration.GetSection(SectionName).Get<RoomMetricsOptions>() ?? new RoomMetricsOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"{SectionName}: {e.Message}", e);
        }
        options.Validate();
        return options;
    }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">A bad value; the message names the setting.</exception>
    public void Validate()
    {
        if (!Enabled) return;
        if (string.IsNullOrEmpty(Path) || Path[0] != '/' || Path.Length < 2 || Path.Contains('?') || Path.Contains('#'))
            throw new ArgumentException($"{SectionName}:Path: '{Path}' must be an absolute path such as /metrics");
        string taken = TakenPaths.FirstOrDefault(p => p != "/" && (Path.Equals(p, StringComparison.OrdinalIgnoreCase) || Path.StartsWith(p + "/", StringComparison.OrdinalIgnoreCase))) ?? "";
        if (taken.Length > 0)
            throw new ArgumentException($"{SectionName}:Path: '{Path}' is the Room's own {taken}");
        if (string.IsNullOrWhiteSpace(ServiceName))
            throw new ArgumentException($"{SectionName}:ServiceName: must not be empty");
        if (ScrapeResponseCacheMilliseconds < 0)
            throw new ArgumentException($"{SectionName}:ScrapeResponseCacheMilliseconds: {ScrapeResponseCacheMilliseconds} must be 0 or more");
        CheckNotEmpty(Meters, nameof(Meters));
        CheckNotEmpty(RequireHost, nameof(RequireHost));
    }

    private static void CheckNotEmpty(List<string> values, string name)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]))
                throw new ArgumentException($"{SectionName}:{name}[{i}]: must not be empty");
        }
    }
}

/// <summary>
/// The Room's metrics: an OpenTelemetry meter provider with the meters of <see cref="RoomMetricsOptions"/> and the
/// Prometheus exporter, served on <see cref="RoomMetricsOptions.Path"/>. No tracer provider: Prometheus carries no
/// spans, and a tracer without an exporter would only make RxMediasoup start activities nobody reads (the README says
/// how to add one with an exporter).
/// </summary>
public static class RoomMetrics
{
    /// <summary>Registers the meter provider and exporter when <see cref="RoomMetricsOptions.Enabled"/> is set.</summary>
    public static void AddRoomMetrics(this WebApplicationBuilder builder, RoomMetricsOptions options)
    {
        builder.Services.AddSingleton(options);
        if (!options.Enabled) return;
        builder.Services.AddOpenTelemetry().ConfigureResource(r => r.AddService(options.ServiceName)).WithMetrics(metrics =>
        {
            foreach (string meter in options.MeterNames()) metrics.AddMeter(meter);
            metrics.AddPrometheusExporter(o =>
            {
                o.ScrapeEndpointPath = options.Path;
                o.ScrapeResponseCacheDurationMilliseconds = options.ScrapeResponseCacheMilliseconds;
            });
        });
    }

    /// <summary>
    /// Creates the meter provider now and maps the scrape endpoint (when enabled). Now, that is before the host starts:
    /// up-down counters count from when a listener starts, so the provider must listen before the first worker exists.
    /// </summary>
    public static void MapRoomMetrics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RoomMetricsOptions>();
        if (!options.Enabled) return;
        var endpoint = app.MapPrometheusScrapingEndpoint(options.Path, app.Services.GetRequiredService<MeterProvider>(), null, null);
        if (options.RequireHost.Count > 0) endpoint.RequireHost([.. options.RequireHost]);
    }
}
