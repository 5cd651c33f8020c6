namespace RxMediasoup;

/// <summary>Options of <see cref="Router.CreateActiveSpeakerObserverAsync"/> (mediasoup's <c>ActiveSpeakerObserverOptions</c>).</summary>
public sealed record ActiveSpeakerObserverOptions
{
    /// <summary>
    /// How often, in milliseconds, the dominant speaker is re-evaluated (<c>interval</c>); default 300. The worker
    /// clamps it to 100–5000 ms.
    /// </summary>
    public int Interval { get; init; } = 300;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    internal void Validate()
    {
        if (Interval is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, $"if given, interval must be a number between 0 and {ushort.MaxValue}");
    }
}

/// <summary>Options of <see cref="Router.CreateAudioLevelObserverAsync"/> (mediasoup's <c>AudioLevelObserverOptions</c>).</summary>
public sealed record AudioLevelObserverOptions
{
    /// <summary>The maximum number of entries in a <see cref="AudioLevelObserver.Volumes"/> report (<c>maxEntries</c>); positive, default 1.</summary>
    public int MaxEntries { get; init; } = 1;

    /// <summary>
    /// The minimum average volume, in dBov (-127..0), for a producer to be reported in <see cref="AudioLevelObserver.Volumes"/>
    /// (<c>threshold</c>); default -80.
    /// </summary>
    public int Threshold { get; init; } = -80;

    /// <summary>
    /// The report interval in milliseconds (<c>interval</c>); default 1000. The worker clamps it to 250–5000 ms.
    /// </summary>
    public int Interval { get; init; } = 1000;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    internal void Validate()
    {
        if (MaxEntries is <= 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(MaxEntries), MaxEntries, "if given, maxEntries must be a positive number");
        if (Threshold is < -127 or > 0)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "if given, threshold must be a negative number greater than -127");
        if (Interval is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, $"if given, interval must be a number between 0 and {ushort.MaxValue}");
    }
}
