namespace RxMediasoup;

/// <summary>
/// A snapshot of a worker's channel, for leak checks: once every entity is closed and every subscription
/// disposed, <see cref="RegisteredHandlers"/> is zero; once every command completed, <see cref="PendingRequests"/> is.
/// </summary>
/// <param name="RegisteredHandlers">Notification handlers registered on the channel (one per live entity that receives notifications).</param>
/// <param name="PendingRequests">Requests sent and not yet answered.</param>
public sealed record WorkerDiagnostics(int RegisteredHandlers, int PendingRequests);
