namespace RxMediasoup;

/// <summary>A worker of a <see cref="WorkerManager"/> died and was (or could not be) replaced.</summary>
/// <param name="Death">How the worker died.</param>
/// <param name="Delay">The back-off delay waited before respawning.</param>
/// <param name="Replacement">The new worker, or null if respawning failed (the error is in <paramref name="Error"/>).</param>
/// <param name="Error">Why the replacement could not be started, if it could not.</param>
public sealed record WorkerRespawn(WorkerDeath Death, TimeSpan Delay, Worker? Replacement, Exception? Error);
