namespace RxMediasoup;

/// <summary>The video orientation a producer signals with the CVO header extension (mediasoup's <c>ProducerVideoOrientation</c>).</summary>
public sealed record ProducerVideoOrientation
{
    /// <summary>Whether the source is a front-facing camera (<c>camera</c>).</summary>
    public required bool Camera { get; init; }

    /// <summary>Whether the video is flipped horizontally (<c>flip</c>).</summary>
    public required bool Flip { get; init; }

    /// <summary>The clockwise rotation in degrees: 0, 90, 180 or 270 (<c>rotation</c>).</summary>
    public required int Rotation { get; init; }
}
