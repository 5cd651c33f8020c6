namespace RxMediasoup;

/// <summary>The H264 profiles recognized in a <c>profile-level-id</c> (RFC 6184 section 8.1).</summary>
public enum H264Profile
{
    /// <summary>Constrained Baseline (<c>42e0</c>, <c>4d80</c>, <c>58c0</c> …).</summary>
    ConstrainedBaseline = 1,

    /// <summary>Baseline (<c>4200</c> …).</summary>
    Baseline = 2,

    /// <summary>Main (<c>4d00</c> …).</summary>
    Main = 3,

    /// <summary>Constrained High (<c>640c</c>).</summary>
    ConstrainedHigh = 4,

    /// <summary>High (<c>6400</c>).</summary>
    High = 5,

    /// <summary>Predictive High 4:4:4 (<c>f400</c>).</summary>
    PredictiveHigh444 = 6,
}
