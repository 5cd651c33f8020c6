using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace RxMediasoup.Hosting;

/// <summary>
/// Health of the hosted workers: Unhealthy when none is alive (or the host has not started them), Degraded when a
/// worker's dump round trip passes <see cref="MediasoupHealthOptions.LatencyThreshold"/> (or gets no answer within
/// <see cref="MediasoupHealthOptions.DumpTimeout"/>) or when <see cref="MediasoupHealthOptions.RespawnThreshold"/>
/// workers died within <see cref="MediasoupHealthOptions.RespawnWindow"/>; else Healthy.
/// </summary>
public sealed class MediasoupHealthCheck : IHealthCheck
{
    private readonly MediasoupHostedService _host;
    private readonly IOptions<MediasoupOptions> _options;

    /// <summary>Creates the check (done by dependency injection).</summary>
    public MediasoupHealthCheck(MediasoupHostedService host, IOptions<MediasoupOptions> options)
    {
        _host = host;
        _options = options;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var thresholds = _options.Value.HealthChecks ?? new MediasoupHealthOptions();
        var data = new Dictionary<string, object>();
        if (!_host.IsRunning) return HealthCheckResult.Unhealthy("mediasoup workers are not running", data: data);
        var workers = _host.Manager.Workers.Items.Where(w => !w.IsClosed).ToArray();
        data["workers"] = workers.Length;
        if (workers.Length == 0) return HealthCheckResult.Unhealthy("no mediasoup worker is alive", data: data);

        var latencies = await Task.WhenAll(workers.Select(w => TimeDumpAsync(w, thresholds.DumpTimeout, cancellationToken))).ConfigureAwait(false);
        var problems = new List<string>();
        for (int i = 0; i < workers.Length; i++)
        {
            string key = $"worker {workers[i].Pid.ToString(CultureInfo.InvariantCulture)} latency ms";
            if (latencies[i] is not { } latency)
            {
                data[key] = "no answer";
                if (!workers[i].IsClosed) problems.Add($"worker [pid:{workers[i].Pid}] did not answer a dump within {thresholds.DumpTimeout.TotalMilliseconds:0} ms");
                continue;
            }
            data[key] = Math.Round(latency.TotalMilliseconds, 3);
            if (latency > thresholds.LatencyThreshold)
                problems.Add($"worker [pid:{workers[i].Pid}] channel latency {latency.TotalMilliseconds:0.###} ms passes {thresholds.LatencyThreshold.TotalMilliseconds:0.###} ms");
        }
        int deaths = _host.RecentRespawns(thresholds.RespawnWindow);
        data["worker deaths in window"] = deaths;
        if (deaths >= thresholds.RespawnThreshold)
            problems.Add($"{deaths} worker deaths within {thresholds.RespawnWindow}");
        return problems.Count > 0
            ? HealthCheckResult.Degraded(string.Join("; ", problems), data: data)
            : HealthCheckResult.Healthy($"{workers.Length} mediasoup workers alive", data);
    }

    private static async Task<TimeSpan?> TimeDumpAsync(Worker worker, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        long start = Stopwatch.GetTimestamp();
        try
        {
            await worker.DumpAsync(cts.Token).ConfigureAwait(false);
            return Stopwatch.GetElapsedTime(start);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or MediasoupException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}

/// <summary>Registers <see cref="MediasoupHealthCheck"/>.</summary>
public static class MediasoupHealthCheckExtensions
{
    /// <summary>
    /// Adds the <see cref="MediasoupHealthCheck"/> (named <paramref name="name"/>) to the host's health checks
    /// (thresholds from <see cref="MediasoupOptions.HealthChecks"/>); call after <c>AddMediasoup</c>.
    /// </summary>
    /// <returns>The health checks builder, to add more checks.</returns>
    public static IHealthChecksBuilder AddMediasoupHealthChecks(this IServiceCollection services, string name = "mediasoup",
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHealthChecks().AddCheck<MediasoupHealthCheck>(name, failureStatus: null, tags: tags ?? ["mediasoup"]);
    }
}
