namespace RxMediasoup.Testing;

// See the note in SimulatedEngine.DominantSpeaker.cs (the simpkg branch has the same member).
public sealed partial class Simulation
{
    /// <summary>
    /// The active speaker observer names <paramref name="producer"/> the dominant speaker now (its
    /// <see cref="ActiveSpeakerObserver.DominantSpeaker"/>), as the worker does when that producer's audio dominates —
    /// unless the observer or the producer is paused, or it is the dominant speaker already (the worker notifies changes only).
    /// </summary>
    /// <param name="observer">An active speaker observer of this simulation.</param>
    /// <param name="producer">A producer added to it.</param>
    /// <returns>Whether the notification was sent.</returns>
    /// <exception cref="InvalidOperationException">The observer is not alive in this simulation, or the producer was not added to it.</exception>
    public bool SetDominantSpeaker(ActiveSpeakerObserver observer, Producer producer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(producer);
        return _backend.Engine.DominantSpeaker(observer.Id, producer.Id);
    }
}
