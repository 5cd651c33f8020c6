using System.Text.Json.Serialization;

namespace RxMediasoup;

/// <summary>
/// A range of ports to pick a listening port from (mediasoup's <c>TransportPortRange</c>,
/// <c>{ "min": 40000, "max": 49999 }</c>), both ends included.
/// </summary>
/// <param name="Min">The lowest port (<c>min</c>), 1–65535.</param>
/// <param name="Max">The highest port (<c>max</c>), at least <paramref name="Min"/>.</param>
public sealed record PortRange(
    [property: JsonPropertyName("min")] int Min,
    [property: JsonPropertyName("max")] int Max)
{
    internal void Validate(string field)
    {
        if (Min is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(field, Min, $"{field}.min must be a port number (1-65535)");
        if (Max is < 1 or > 65535)
            throw new ArgumentOutOfRangeException(field, Max, $"{field}.max must be a port number (1-65535)");
        if (Min > Max)
            throw new ArgumentException($"{field}: min ({Min}) is greater than max ({Max})", field);
    }
}
