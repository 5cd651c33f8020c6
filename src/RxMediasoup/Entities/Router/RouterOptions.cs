namespace RxMediasoup;

/// <summary>Options of a new router (<see cref="Worker.CreateRouterAsync"/>).</summary>
public sealed record RouterOptions
{
    /// <summary>
    /// The router's media codecs; each must be supported by mediasoup (<see cref="Mediasoup.SupportedRtpCapabilities"/>).
    /// RTX codecs are added for video codecs. Default none.
    /// </summary>
    public IReadOnlyList<RtpCodecCapability> MediaCodecs { get; init; } = [];

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }
}
