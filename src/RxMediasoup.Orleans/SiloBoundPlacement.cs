using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace RxMediasoup.Orleans;

/// <summary>
/// Places a grain keyed by a silo address (<c>SiloAddress.ToParsableString()</c>) on that silo, and nowhere else:
/// the addressing scheme of <see cref="IMediaSiloGrain"/>. Activation fails if the silo is not active.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloBoundPlacement : PlacementStrategy
{
    internal static readonly SiloBoundPlacement Instance = new();
}

/// <summary>Marks a grain class as placed by <see cref="SiloBoundPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloBoundPlacementAttribute() : PlacementAttribute(SiloBoundPlacement.Instance);

/// <summary>The director of <see cref="SiloBoundPlacement"/>: the silo the grain's key names, if active.</summary>
internal sealed class SiloBoundPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = target.GrainIdentity.Key.ToString()!;
        var silo = SiloAddress.FromParsableString(key);
        if (!context.GetCompatibleSilos(target).Contains(silo))
            throw new ProducerSiloUnavailableException("", "", key);
        return Task.FromResult(silo);
    }
}
