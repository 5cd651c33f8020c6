namespace RxMediasoup;

/// <summary>Version information of RxMediasoup.</summary>
public static class MediasoupInfo
{
    /// <summary>The mediasoup-worker version this library speaks to.</summary>
    public const string WorkerVersion = "3.22.0";
}
