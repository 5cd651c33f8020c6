using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RxMediasoup.Hosting;

namespace RxMediasoup.Samples.Room;

/// <summary>
/// Hosts the room server: the page (<c>/</c>, <c>/dist/*</c>), the signalling socket (<c>/ws</c>), the health
/// endpoint (<c>/health</c>) and the Prometheus metrics (<c>/metrics</c>, the <c>Metrics</c> section:
/// <see cref="RoomMetricsOptions"/>), nothing else. The workers are RxMediasoup.Hosting's (<c>AddMediasoup</c>,
/// configured by the <c>Mediasoup</c> section of appsettings.json, environment variables such as
/// <c>Mediasoup__NumWorkers</c>, and the command line; <c>--workers N</c> is <c>--Mediasoup:NumWorkers=N</c>).
/// Other programs host it in-process: <c>CreateBuilder(args)</c> → add services → <c>Build(builder)</c> →
/// <c>StartAsync(app)</c> → <c>app.Services.GetRequiredService&lt;Rooms&gt;()</c>; or <see cref="RunAsync"/>.
/// </summary>
public static class RoomServer
{
    /// <summary>The host's shutdown timeout: rooms and workers close within it on Ctrl+C / SIGTERM.</summary>
    internal static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// A web application builder with the room's services (<see cref="Rooms"/>, <see cref="RoomServerOptions"/>, the
    /// hosted <see cref="WorkerManager"/> from <c>AddMediasoup(Configuration.GetSection("Mediasoup"))</c> and its
    /// health check, the metrics of <see cref="RoomMetricsOptions"/>), its content root (<see cref="ContentRoot()"/>),
    /// console logging, and the default URL unless <c>--urls</c>/<c>ASPNETCORE_URLS</c> gives one.
    /// </summary>
    /// <param name="args">Command-line arguments: the sample's switches (<see cref="RoomServerOptions.ParseArgs"/>) and ASP.NET Core's.</param>
    /// <param name="configure">Changes the options before they are used.</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<RoomServerOptions>? configure = null)
    {
        var options = new RoomServerOptions();
        string[] rest = options.ParseArgs(args);
        configure?.Invoke(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = rest, ContentRootPath = ContentRoot() });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]) && string.IsNullOrEmpty(builder.Configuration["https_ports"]))
            builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, options.Https ? options.DefaultUrl.Replace("http://", "https://", StringComparison.Ordinal) : options.DefaultUrl);
        if (options.Https)
        {
            var certificate = SelfSignedCertificate.Create(options.AnnouncedIp);
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        }
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None); // RunAsync prints startup errors itself
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSingleton(options);
        // The workers first: hosted services stop in reverse order, so the rooms close before their workers do.
        builder.Services.AddMediasoup(builder.Configuration.GetSection(MediasoupOptions.SectionName));
        builder.Services.AddMediasoupHealthChecks();
        builder.AddRoomMetrics(RoomMetricsOptions.Read(builder.Configuration));
        builder.Services.AddSingleton<Rooms>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<Rooms>());
        // Cluster mode (--cluster redis=…): an Orleans silo after the rooms (it stops first), rooms linked to room grains.
        if (options.Cluster is not null) builder.AddRoomCluster(options);
        return builder;
    }

    /// <summary>Builds the app and maps the page, the signalling socket, the health endpoint and the metrics.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        var options = app.Services.GetRequiredService<RoomServerOptions>();
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RxMediasoup.Samples.Room.Signalling");
        var webRoot = new PhysicalFileProvider(Path.Combine(app.Environment.ContentRootPath, "wwwroot"));
        // Pings every 10 s; a peer whose network is gone (no pong within 10 s) is dropped like a closed tab.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10), KeepAliveTimeout = TimeSpan.FromSeconds(10) });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webRoot });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webRoot });
        app.Map("/ws", (HttpContext context, Rooms rooms, IHostApplicationLifetime lifetime) =>
            SignallingEndpoint.HandleAsync(context, rooms, options, lifetime, log));
        // Healthy / Degraded (200) or Unhealthy (503), as plain text: RxMediasoup.Hosting's check of the workers.
        app.MapHealthChecks("/health");
        app.MapRoomMetrics();
        return app;
    }

    /// <summary>
    /// Checks the <c>Mediasoup</c> settings, builds the worker on a first run (with its output on the terminal), starts
    /// the host (the workers, the rooms, then the web server), then prints one line with the URL
    /// (<c>Room server listening on http://127.0.0.1:3000 …</c>).
    /// </summary>
    /// <returns>The URLs the server listens on.</returns>
    /// <exception cref="OptionsValidationException">A <c>Mediasoup</c> setting is invalid (nothing was started).</exception>
    public static async Task<IReadOnlyList<string>> StartAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        // Validated here (the host would only do it in StartAsync): a bad setting stops the Room before a first-run build.
        var mediasoup = app.Services.GetRequiredService<IOptions<MediasoupOptions>>().Value;
        if (string.IsNullOrEmpty(mediasoup.WorkerSettings.WorkerBin))
            await WorkerBootstrap.EnsureWorkerAsync(Console.Out, cancellationToken).ConfigureAwait(false);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        string first = urls.FirstOrDefault() ?? "(no address)";
        Console.WriteLine($"Room server listening on {string.Join(", ", urls)} — open {first}/?roomId=demo&peerId=alice (Ctrl+C stops it)");
        return urls;
    }

    /// <summary>
    /// The whole program: build, start, print the URL, run <paramref name="onStarted"/> (a hosting sample's own work),
    /// and wait for Ctrl+C / SIGTERM. Returns the exit code (0 on a clean stop, 1 on a startup error, 2 on a bad switch or
    /// <c>Mediasoup</c> setting; errors are printed without a stack trace).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, Func<WebApplication, CancellationToken, Task>? onStarted = null, Action<RoomServerOptions>? configure = null)
    {
        WebApplication app;
        try
        {
            app = Build(CreateBuilder(args, configure));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        await using (app.ConfigureAwait(false))
        {
            try
            {
                await StartAsync(app, app.Lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return 0; // Ctrl+C during the first-run build or the workers' start
            }
            catch (OptionsValidationException e)
            {
                foreach (string failure in e.Failures) Console.Error.WriteLine($"error: {failure}");
                return 2;
            }
            catch (Exception e) when (e is MediasoupException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            if (onStarted is not null)
            {
                try
                {
                    await onStarted(app, app.Lifetime.ApplicationStopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (app.Lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    // Stopping while the host's own work ran: the stop below is the normal one.
                }
            }
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>
    /// The content root (it holds wwwroot/ and appsettings.json): the app's base directory when it has the page (a
    /// <c>dotnet publish</c> folder, wherever it was moved), else the Room project directory recorded at build time (the
    /// build output of <c>dotnet run</c>, <c>dotnet Room.dll</c>, a custom artifacts path), else the base directory.
    /// </summary>
    public static string ContentRoot() => ContentRoot(AppContext.BaseDirectory,
        typeof(RoomServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RoomContentRoot")?.Value);

    /// <summary><see cref="ContentRoot()"/> for a given base directory and recorded project directory.</summary>
    internal static string ContentRoot(string baseDirectory, string? recorded)
    {
        static bool HasPage(string? dir) => dir is not null && File.Exists(Path.Combine(dir, "wwwroot", "index.html"));
        if (HasPage(baseDirectory)) return baseDirectory;
        return HasPage(recorded) ? recorded! : baseDirectory;
    }
}
