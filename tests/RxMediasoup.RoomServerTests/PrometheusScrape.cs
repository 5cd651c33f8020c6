using System.Globalization;
using System.Text;

namespace RxMediasoup.RoomServerTests;

/// <summary>One sample of a scrape: <c>name{label="value",…} 1.5</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? this[string label] => Labels.GetValueOrDefault(label);
}

/// <summary>
/// A scrape in the Prometheus text exposition format (version 0.0.4): the <c># TYPE</c> of each metric family and
/// every sample line. Strict: a line it cannot read throws, so a format change fails the test instead of hiding series.
/// </summary>
internal sealed class PrometheusScrape
{
    private PrometheusScrape(IReadOnlyDictionary<string, string> types, IReadOnlyList<PrometheusSample> samples, string text)
    {
        Types = types;
        Samples = samples;
        Text = text;
    }

    /// <summary>Family name → type (<c>gauge</c>, <c>counter</c>, <c>histogram</c>…).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public string Text { get; }

    /// <summary>The samples named exactly <paramref name="name"/>.</summary>
    public IReadOnlyList<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name).ToList();

    public static PrometheusScrape Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                if (parts.Length != 4) throw new FormatException($"bad TYPE line: {line}");
                types[parts[2]] = parts[3];
                continue;
            }
            if (line[0] == '#') continue;
            samples.Add(ParseSample(line));
        }
        return new PrometheusScrape(types, samples, text);
    }

    private static PrometheusSample ParseSample(string line)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ') i++;
        string name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                string label = line[i..eq];
                if (line[eq + 1] != '"') throw new FormatException($"unquoted label value in: {line}");
                var value = new StringBuilder();
                int j = eq + 2;
                for (; line[j] != '"'; j++)
                {
                    if (line[j] == '\\')
                    {
                        j++;
                        value.Append(line[j] == 'n' ? '\n' : line[j]);
                    }
                    else value.Append(line[j]);
                }
                labels[label] = value.ToString();
                i = j + 1;
                if (line[i] == ',') i++;
            }
            i++;
        }
        string[] rest = line[i..].Trim().Split(' ');
        if (name.Length == 0 || rest.Length is < 1 or > 2) throw new FormatException($"bad sample line: {line}");
        double sampleValue = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, sampleValue);
    }
}
