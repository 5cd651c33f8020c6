namespace RxMediasoup;

/// <summary>The one subchannel rule of data producers and data consumers: a subchannel is 0–65535, else the caller's error.</summary>
internal static class SubchannelRule
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> (named <paramref name="name"/>) unless <paramref name="subchannel"/> is 0–65535.</summary>
    public static int Check(int subchannel, string? name)
        => subchannel is < 0 or > ushort.MaxValue
            ? throw new ArgumentOutOfRangeException(name, subchannel, $"invalid subchannel {subchannel} (must be 0-65535)")
            : subchannel;

    /// <summary>Checks every subchannel of <paramref name="subchannels"/> (null: none) and drops duplicates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    public static int[] CheckAll(IEnumerable<int>? subchannels, string? name)
    {
        if (subchannels is null) return [];
        var result = new List<int>();
        foreach (int s in subchannels)
            if (!result.Contains(Check(s, name))) result.Add(s);
        return [.. result];
    }
}
