// The command-line switches of a sample that hosts the Room: its own switches are taken out, the rest goes to the
// Room server (--urls, --workers, --announced-ip, --https …). Linked into samples/Broadcast, Recorder and DataBot.
using System.Globalization;

namespace RxMediasoup.Samples.Hosting;

/// <summary>A sample's own switches (<c>--name value</c>, <c>--name=value</c> or a bare flag) and the arguments left for the Room.</summary>
internal sealed class SampleSwitches
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private SampleSwitches(string[] rest) => Rest = rest;

    /// <summary>The arguments that are not this sample's, for <c>RoomServer.RunAsync</c>.</summary>
    public string[] Rest { get; }

    /// <summary>Takes <paramref name="withValue"/> switches (which need a value) and <paramref name="flags"/> out of <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">A switch has no value (the message names it).</exception>
    public static SampleSwitches Parse(string[] args, IReadOnlyCollection<string> withValue, IReadOnlyCollection<string> flags)
    {
        var rest = new List<string>();
        var found = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            int eq = arg.IndexOf('=');
            string name = eq >= 0 ? arg[..eq] : arg;
            if (flags.Contains(name))
            {
                found[name] = null;
            }
            else if (withValue.Contains(name))
            {
                string? value = eq >= 0 ? arg[(eq + 1)..] : i + 1 < args.Length ? args[++i] : null;
                if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} needs a value");
                found[name] = value;
            }
            else
            {
                rest.Add(arg);
            }
        }
        var switches = new SampleSwitches([.. rest]);
        foreach (var (k, v) in found) switches._values[k] = v;
        return switches;
    }

    /// <summary>True if the flag or switch was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>The switch's value, or <paramref name="fallback"/>.</summary>
    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) && v is not null ? v : fallback;

    /// <summary>The switch's value, or null.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>The switch's value as a positive number, or <paramref name="fallback"/>.</summary>
    /// <exception cref="ArgumentException">Not a positive number (the message names the switch).</exception>
    public double GetPositive(string name, double fallback)
    {
        if (Get(name) is not { } text) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0)
            throw new ArgumentException($"{name} must be a positive number, not '{text}'");
        return value;
    }
}
