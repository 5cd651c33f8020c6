using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Diagnostics.Metrics;

namespace RxMediasoup.Diagnostics;

/// <summary>
/// RxMediasoup's meter, activity source and instruments (see <see cref="MediasoupTelemetry"/>). Every use checks
/// <see cref="Instrument.Enabled"/> / <see cref="ActivitySource.HasListeners"/> first, so nothing is allocated or
/// measured while nobody listens.
/// </summary>
internal static partial class Telemetry
{
    private static readonly string? Version = typeof(Telemetry).Assembly.GetName().Version?.ToString();

    public static readonly Meter Meter = new(MediasoupTelemetry.MeterName, Version);
    public static readonly ActivitySource Source = new(MediasoupTelemetry.ActivitySourceName, Version);

    public static readonly UpDownCounter<long> Workers = Meter.CreateUpDownCounter<long>("rxmediasoup.workers", "{worker}", "Live workers.");
    public static readonly UpDownCounter<long> Routers = Meter.CreateUpDownCounter<long>("rxmediasoup.routers", "{router}", "Live routers.");
    public static readonly UpDownCounter<long> WebRtcServers = Meter.CreateUpDownCounter<long>("rxmediasoup.webrtc_servers", "{webrtc_server}", "Live WebRTC servers.");
    public static readonly UpDownCounter<long> Transports = Meter.CreateUpDownCounter<long>("rxmediasoup.transports", "{transport}", "Live transports, by rxmediasoup.transport.type.");
    public static readonly UpDownCounter<long> Producers = Meter.CreateUpDownCounter<long>("rxmediasoup.producers", "{producer}", "Live producers.");
    public static readonly UpDownCounter<long> Consumers = Meter.CreateUpDownCounter<long>("rxmediasoup.consumers", "{consumer}", "Live consumers.");
    public static readonly UpDownCounter<long> DataProducers = Meter.CreateUpDownCounter<long>("rxmediasoup.data_producers", "{data_producer}", "Live data producers.");
    public static readonly UpDownCounter<long> DataConsumers = Meter.CreateUpDownCounter<long>("rxmediasoup.data_consumers", "{data_consumer}", "Live data consumers.");
    public static readonly UpDownCounter<long> RtpObservers = Meter.CreateUpDownCounter<long>("rxmediasoup.rtp_observers", "{rtp_observer}", "Live RTP observers, by rxmediasoup.rtp_observer.type.");

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("rxmediasoup.channel.request.duration", "s",
        "Duration of the requests to a worker, by method and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static readonly Counter<long> WorkerDeaths = Meter.CreateCounter<long>("rxmediasoup.worker.deaths", "{death}", "Workers that died unexpectedly.");
    public static readonly Counter<long> WorkerRespawns = Meter.CreateCounter<long>("rxmediasoup.worker.respawns", "{respawn}", "Worker replacements by a WorkerManager, by outcome (ok/error).");

    /// <summary>Pids of the live workers (for the observable CPU and memory instruments).</summary>
    private static readonly ConcurrentDictionary<int, byte> LiveWorkerPids = new();

    /// <summary>Clock ticks per second of /proc/&lt;pid&gt;/stat (USER_HZ, 100 on Linux whatever the kernel's HZ).</summary>
    private const double UserHz = 100;

    public static readonly ObservableCounter<double> WorkerCpuTime = Meter.CreateObservableCounter("rxmediasoup.worker.cpu.time",
        ObserveWorkerCpuTime, "s", "CPU time of each live worker process, by rxmediasoup.worker.pid and cpu.mode (user/system).");

    public static readonly ObservableUpDownCounter<long> WorkerMemoryUsage = Meter.CreateObservableUpDownCounter("rxmediasoup.worker.memory.usage",
        ObserveWorkerMemory, "By", "Resident memory of each live worker process, by rxmediasoup.worker.pid.");

    /// <summary>Counts a live entity: +1 when constructed, −1 when closed (the one place entity counts change).</summary>
    public static void CountEntity(MediasoupEntity entity, int delta)
    {
        if (entity is Worker)
        {
            if (delta > 0) LiveWorkerPids.TryAdd(entity.Channel.Pid, 0);
            else LiveWorkerPids.TryRemove(entity.Channel.Pid, out _);
        }
        var (counter, tag) = entity switch
        {
            Producer => (Producers, null),
            Consumer => (Consumers, null),
            Transport => (Transports, "rxmediasoup.transport.type"),
            DataProducer => (DataProducers, null),
            DataConsumer => (DataConsumers, null),
            Router => (Routers, null),
            Worker => (Workers, null),
            WebRtcServer => (WebRtcServers, null),
            RtpObserver => (RtpObservers, "rxmediasoup.rtp_observer.type"),
            _ => ((UpDownCounter<long>?)null, (string?)null),
        };
        if (counter is null || !counter.Enabled) return;
        if (tag is null) counter.Add(delta);
        else counter.Add(delta, new KeyValuePair<string, object?>(tag, entity.EntityKind));
    }

    /// <summary>
    /// Records a request's duration since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp); the caller
    /// checked <see cref="Instrument.Enabled"/> of <see cref="RequestDuration"/>.
    /// </summary>
    public static void RecordRequest(long started, string method, string outcome)
    {
        RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new KeyValuePair<string, object?>("method", method),
            new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>The outcome tag of a failed request.</summary>
    public static string Outcome(Exception error) => error switch
    {
        WorkerClosedException => "closed",
        TimeoutException => "timeout",
        OperationCanceledException => "cancelled",
        _ => "error",
    };

    /// <summary>Starts a span for <paramref name="entity"/>, or null while nobody listens.</summary>
    public static Activity? StartSpan(MediasoupEntity entity, string verb)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity($"{entity.EntityKind}.{Verb(verb)}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rxmediasoup.entity.type", entity.EntityKind);
            activity.SetTag("rxmediasoup.entity.id", entity.EntityId);
            activity.SetTag("rxmediasoup.worker.pid", entity.Channel.Pid);
        }
        return activity;
    }

    /// <summary>Starts the span of a child's creation, or null while nobody listens.</summary>
    public static Activity? StartCreateSpan(MediasoupEntity parent, string kind, string id)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity($"{kind}.Create", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rxmediasoup.entity.type", kind);
            activity.SetTag("rxmediasoup.entity.id", id);
            activity.SetTag("rxmediasoup.parent.type", parent.EntityKind);
            activity.SetTag("rxmediasoup.parent.id", parent.EntityId);
            activity.SetTag("rxmediasoup.worker.pid", parent.Channel.Pid);
        }
        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="error"/>.</summary>
    public static void SetError(Activity? activity, Exception error)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", error.GetType().FullName);
    }

    /// <summary>Ends <paramref name="activity"/> when <paramref name="task"/> completes (marked failed if it faults).</summary>
    public static async Task Traced(Task task, Activity activity)
    {
        try { await task.ConfigureAwait(false); }
        catch (Exception e) { SetError(activity, e); throw; }
        finally { activity.Dispose(); }
    }

    /// <summary>Ends <paramref name="activity"/> when <paramref name="task"/> completes (marked failed if it faults).</summary>
    public static async Task<T> Traced<T>(Task<T> task, Activity activity)
    {
        try { return await task.ConfigureAwait(false); }
        catch (Exception e) { SetError(activity, e); throw; }
        finally { activity.Dispose(); }
    }

    private static IEnumerable<Measurement<double>> ObserveWorkerCpuTime()
    {
        var measurements = new List<Measurement<double>>();
        foreach (var pid in LiveWorkerPids.Keys)
        {
            // /proc/<pid>/stat: utime and stime are fields 14 and 15, counted from the state (field 3) after the name's ')'.
            if (ReadProc(pid, "stat") is not { } stat) continue;
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length < 13) continue;
            var pidTag = new KeyValuePair<string, object?>("rxmediasoup.worker.pid", pid);
            measurements.Add(new(long.Parse(fields[11], CultureInfo.InvariantCulture) / UserHz, pidTag, new("cpu.mode", "user")));
            measurements.Add(new(long.Parse(fields[12], CultureInfo.InvariantCulture) / UserHz, pidTag, new("cpu.mode", "system")));
        }
        return measurements;
    }

    private static IEnumerable<Measurement<long>> ObserveWorkerMemory()
    {
        var measurements = new List<Measurement<long>>();
        foreach (var pid in LiveWorkerPids.Keys)
        {
            // /proc/<pid>/statm: size resident … in pages.
            if (ReadProc(pid, "statm") is not { } statm) continue;
            var fields = statm.Split(' ');
            if (fields.Length < 2) continue;
            measurements.Add(new(long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize,
                new KeyValuePair<string, object?>("rxmediasoup.worker.pid", pid)));
        }
        return measurements;
    }

    /// <summary>/proc/&lt;pid&gt;/&lt;file&gt;, or null once the process is gone.</summary>
    private static string? ReadProc(int pid, string file)
    {
        try { return File.ReadAllText($"/proc/{pid}/{file}"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>"PauseAsync" → "Pause".</summary>
    private static string Verb(string member) => member.EndsWith("Async", StringComparison.Ordinal) ? member[..^5] : member;
}
