using System.Globalization;
using ScottPlot;

namespace RxMediasoup.Notebooks;

/// <summary>One line of a chart: x (seconds since the first sample) and y values, equally long.</summary>
public sealed record Series(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>What <see cref="Charts.Line"/> drew: the PNG, where it was written and how many samples it holds.</summary>
public sealed record ChartResult(string Name, string Path, int PngBytes, int Samples);

/// <summary>Line charts of live samples with ScottPlot 5, as PNG.</summary>
public static class Charts
{
    /// <summary>Fewer samples than this is not a chart of a live stream: <see cref="Line"/> refuses it.</summary>
    public const int MinimumSamples = 20;

    /// <summary>
    /// Draws <paramref name="series"/> as lines (x in seconds), writes <c>NAME.png</c> to
    /// <see cref="Notebook.OutputDirectory"/>, prints one line <c>[chart] NAME samples=N png=BYTES path=PATH</c>
    /// (scripts/notebooks/check_charts.py reads it) and, in a notebook host, shows the PNG inline as a
    /// <c>data:image/png</c> image whose <c>data-samples</c> attribute says how many samples it holds.
    /// </summary>
    /// <remarks>The sample count is the shortest series' length; it must be at least <see cref="MinimumSamples"/>.</remarks>
    public static ChartResult Line(string name, string title, string yLabel, params Series[] series)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains(' '))
            throw new ArgumentException($"chart name '{name}' must be usable as a file name without spaces", nameof(name));
        if (series.Length == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        foreach (var s in series)
        {
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"series '{s.Label}': {s.X.Count} x values but {s.Y.Count} y values", nameof(series));
        }
        int samples = series.Min(s => s.Y.Count);
        if (samples < MinimumSamples)
            throw new ArgumentException($"chart '{name}': {samples} samples, at least {MinimumSamples} needed", nameof(series));

        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("seconds");
        plot.YLabel(yLabel);
        foreach (var s in series)
        {
            var line = plot.Add.Scatter(s.X.ToArray(), s.Y.ToArray());
            line.LegendText = s.Label;
            line.MarkerSize = 4;
            line.LineWidth = 2;
        }
        plot.ShowLegend(Alignment.UpperRight);
        byte[] png = plot.GetImageBytes(800, 400, ImageFormat.Png);

        Directory.CreateDirectory(Notebook.OutputDirectory);
        string path = System.IO.Path.Combine(Notebook.OutputDirectory, name + ".png");
        File.WriteAllBytes(path, png);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[chart] {name} samples={samples} png={png.Length} path={path}"));
        Notebook.Html(string.Create(CultureInfo.InvariantCulture,
            $"<img alt=\"{System.Net.WebUtility.HtmlEncode(title)}\" data-chart=\"{name}\" data-samples=\"{samples}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" />"));
        return new ChartResult(name, path, png.Length, samples);
    }
}
