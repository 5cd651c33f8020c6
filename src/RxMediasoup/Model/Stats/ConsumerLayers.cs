namespace RxMediasoup;

/// <summary>Spatial and temporal layers of a simulcast or SVC consumer (mediasoup's <c>ConsumerLayers</c>).</summary>
public sealed record ConsumerLayers
{
    /// <summary>The spatial layer index, from 0 (lowest) (<c>spatialLayer</c>).</summary>
    public required int SpatialLayer { get; init; }

    /// <summary>The temporal layer index, from 0 (lowest); the highest available when unset (<c>temporalLayer</c>).</summary>
    public int? TemporalLayer { get; init; }
}
