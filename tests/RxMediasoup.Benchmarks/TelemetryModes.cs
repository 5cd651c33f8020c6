using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

/// <summary>
/// What listens to RxMediasoup's meter and activity source during a run (scripts/bench-telemetry.sh, --telemetry):
/// <list type="bullet">
/// <item><c>none</c>: nothing (the instruments stay disabled).</item>
/// <item><c>meters</c>: a <see cref="MeterListener"/> enabled on every instrument of the meter, summing each
/// instrument's measurements (the least a listener does).</item>
/// <item><c>activities</c>: an <see cref="ActivityListener"/> on the activity source sampling AllDataAndRecorded and
/// counting the stopped spans.</item>
/// <item><c>otel-metrics</c>: the OpenTelemetry SDK's MeterProvider on the meter, with a periodic reader (every
/// second) exporting to an exporter that walks every metric point, as a real exporter would.</item>
/// <item><c>otel</c>: the same plus a TracerProvider on the activity source (always-on sampler, batch processor,
/// an exporter that reads every span's tags).</item>
/// </list>
/// The names are literals, not MediasoupTelemetry's constants: the harness also builds against the library as it was
/// before telemetry existed (the baseline of bench-telemetry.sh).
/// </summary>
internal static class TelemetryModes
{
    private const string Name = "RxMediasoup";

    public static readonly string[] All = ["none", "meters", "activities", "otel-metrics", "otel"];

    /// <summary>Starts listening as <paramref name="mode"/> says; disposing stops (and, for the SDK, flushes).</summary>
    public static IDisposable Attach(string mode) => mode switch
    {
        "none" => new Nothing(),
        "meters" => Meters(),
        "activities" => Activities(),
        "otel-metrics" => OpenTelemetrySdk(traces: false),
        "otel" => OpenTelemetrySdk(traces: true),
        _ => throw new ArgumentException($"unknown telemetry mode {mode} (one of: {string.Join(", ", All)})"),
    };

    private static MeterListener Meters()
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Name) l.EnableMeasurementEvents(instrument, new Sum());
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, state) => ((Sum)state!).Add(value));
        listener.SetMeasurementEventCallback<double>((_, value, _, state) => ((Sum)state!).Add(value));
        listener.Start();
        return listener;
    }

    private static ActivityListener Activities()
    {
        long stopped = 0;
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref stopped),
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static IDisposable OpenTelemetrySdk(bool traces)
    {
        var meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(Name)
            .AddReader(new PeriodicExportingMetricReader(new PointWalker(), exportIntervalMilliseconds: 1000))
            .Build();
        if (!traces) return meters;
        var tracer = Sdk.CreateTracerProviderBuilder()
            .AddSource(Name)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new BatchActivityExportProcessor(new SpanWalker()))
            .Build();
        return new Both(meters, tracer);
    }

    private sealed class Sum
    {
        private double _total;
        private long _count;

        public void Add(double value)
        {
            Interlocked.Increment(ref _count);
            lock (this) _total += value;
        }
    }

    /// <summary>Reads every metric point of each export (what a real exporter pays to walk them).</summary>
    private sealed class PointWalker : BaseExporter<Metric>
    {
        public long Points;

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
                foreach (ref readonly var point in metric.GetMetricPoints())
                    foreach (var tag in point.Tags) Points += tag.Key.Length;
            return ExportResult.Success;
        }
    }

    /// <summary>Reads every exported span's name and tags.</summary>
    private sealed class SpanWalker : BaseExporter<Activity>
    {
        public long Tags;

        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
                foreach (var tag in activity.TagObjects) Tags += tag.Key.Length + activity.DisplayName.Length;
            return ExportResult.Success;
        }
    }

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            b.Dispose();
            a.Dispose();
        }
    }

    private sealed class Nothing : IDisposable
    {
        public void Dispose() { }
    }
}
