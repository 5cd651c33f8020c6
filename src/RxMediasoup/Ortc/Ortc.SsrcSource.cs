namespace RxMediasoup;

// Where generated SSRCs come from: Random.Shared, or a worker's own source (a simulated worker's seeded one).
public static partial class Ortc
{
    [ThreadStatic] private static Random? t_ssrcSource;

    /// <summary>
    /// Runs <paramref name="compute"/> (synchronous) with the SSRCs it generates drawn from <paramref name="source"/>
    /// (null: <see cref="Random.Shared"/>).
    /// </summary>
    internal static T WithSsrcSource<T>(Random? source, Func<T> compute)
    {
        if (source is null) return compute();
        var previous = t_ssrcSource;
        t_ssrcSource = source;
        try
        {
            return compute();
        }
        finally
        {
            t_ssrcSource = previous;
        }
    }
}
