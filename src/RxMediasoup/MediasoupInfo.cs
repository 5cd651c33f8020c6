namespace RxMediasoup;

/// <summary>Version information of RxMediasoup.</summary>
/// <remarks>
/// <c>WorkerVersion</c> is generated at build time from <c>MediasoupVersion</c> in Directory.Build.props, the one
/// place the worker version is recorded (scripts/build-worker.sh builds that version).
/// </remarks>
public static partial class MediasoupInfo
{
}
