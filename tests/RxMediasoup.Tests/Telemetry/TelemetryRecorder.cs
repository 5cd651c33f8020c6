using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RxMediasoup.Tests.Telemetry;

/// <summary>Records what RxMediasoup's meter measures and the spans of its activity source while it lives.</summary>
internal sealed class TelemetryRecorder : IDisposable
{
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;

    public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    public ConcurrentQueue<Measurement> Measurements { get; } = new();
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public TelemetryRecorder(bool traces = false)
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == MediasoupTelemetry.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = s => traces && s.Name == MediasoupTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dict = new Dictionary<string, object?>();
        foreach (var tag in tags) dict[tag.Key] = tag.Value;
        Measurements.Enqueue(new Measurement(instrument.Name, value, dict));
    }

    /// <summary>Reads the observable instruments (their measurements are added to <see cref="Measurements"/>).</summary>
    public void RecordObservableInstruments() => _meters.RecordObservableInstruments();

    /// <summary>The sum of what <paramref name="instrument"/> measured (with the tag, if given).</summary>
    public double Sum(string instrument, string? tag = null, object? value = null)
        => Of(instrument, tag, value).Sum(m => m.Value);

    public List<Measurement> Of(string instrument, string? tag = null, object? value = null)
        => Measurements.Where(m => m.Instrument == instrument
            && (tag is null || (m.Tags.TryGetValue(tag, out var v) && Equals(v, value)))).ToList();

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
