using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RxMediasoup;

/// <summary>
/// The spatial and temporal layers of a scalability mode string (webrtc-svc), e.g. <c>L1T3</c> (1 spatial,
/// 3 temporal layers), <c>S3T3</c> (3 independent spatial layers) or <c>L3T3_KEY</c> (K-SVC).
/// </summary>
/// <param name="SpatialLayers">The number of spatial layers, 1–99.</param>
/// <param name="TemporalLayers">The number of temporal layers, 1–99.</param>
/// <param name="Ksvc">Whether the mode is K-SVC (the <c>_KEY</c> suffix).</param>
public readonly partial record struct ScalabilityMode(int SpatialLayers, int TemporalLayers, bool Ksvc)
{
    /// <summary>One spatial and one temporal layer, what <see cref="Parse"/> returns for anything it does not recognize.</summary>
    public static ScalabilityMode Default => new(1, 1, false);

    /// <summary>
    /// Parses a scalability mode the way mediasoup's <c>parseScalabilityMode()</c> does: the string must start
    /// with <c>L</c> or <c>S</c>, 1–99 spatial layers, <c>T</c>, 1–99 temporal layers and optionally <c>_KEY</c>
    /// (anything after that is ignored, so <c>L4T7_KEY_SHIFT</c> is 4/7/K-SVC). Unlike most .NET <c>Parse</c>
    /// methods it never throws: <see langword="null"/> or an unrecognized string gives <see cref="Default"/> (L1T1).
    /// </summary>
    /// <param name="scalabilityMode">The scalability mode, e.g. <c>L1T3</c>; may be <see langword="null"/>.</param>
    public static ScalabilityMode Parse(string? scalabilityMode) =>
        TryParse(scalabilityMode, out var result) ? result : Default;

    /// <summary>Parses a scalability mode like <see cref="Parse"/>, reporting whether the string was recognized.</summary>
    /// <param name="scalabilityMode">The scalability mode, e.g. <c>S3T3</c>.</param>
    /// <param name="result">The parsed mode, or <see cref="Default"/>.</param>
    /// <returns>Whether <paramref name="scalabilityMode"/> was a recognized scalability mode.</returns>
    public static bool TryParse([NotNullWhen(true)] string? scalabilityMode, out ScalabilityMode result)
    {
        var match = scalabilityMode is null ? Match.Empty : ScalabilityModeRegex().Match(scalabilityMode);
        if (!match.Success)
        {
            result = Default;
            return false;
        }

        result = new ScalabilityMode(
            int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture),
            match.Groups[3].Success);
        return true;
    }

    /// <summary>The mode as <c>L{spatial}T{temporal}</c> with <c>_KEY</c> for K-SVC, e.g. <c>L3T3_KEY</c>.</summary>
    public override string ToString() => $"L{SpatialLayers}T{TemporalLayers}{(Ksvc ? "_KEY" : string.Empty)}";

    [GeneratedRegex("^[LS]([1-9][0-9]?)T([1-9][0-9]?)(_KEY)?", RegexOptions.CultureInvariant)]
    private static partial Regex ScalabilityModeRegex();
}
