namespace RxMediasoup;

/// <summary>Options of a new consumer (<see cref="Transport.ConsumeAsync"/>), as mediasoup's <c>ConsumerOptions</c>.</summary>
public sealed record ConsumerOptions
{
    /// <summary>The id of the producer to consume (a producer of the same router).</summary>
    public required string ProducerId { get; init; }

    /// <summary>
    /// The consuming endpoint's RTP capabilities (e.g. mediasoup-client's <c>device.rtpCapabilities</c>). Required
    /// except on a <see cref="PipeTransport"/>, where it is ignored.
    /// </summary>
    public RtpCapabilities? RtpCapabilities { get; init; }

    /// <summary>
    /// Whether the consumer starts paused. Default false. mediasoup recommends true for video: resume once the
    /// endpoint is ready, so that its first packet is a key frame (ignored on a <see cref="PipeTransport"/>).
    /// </summary>
    public bool Paused { get; init; }

    /// <summary>The MID of the consumer's RTP parameters; the transport assigns "0", "1", … when null. Must not be empty.</summary>
    public string? Mid { get; init; }

    /// <summary>Preferred spatial and temporal layers, for simulcast and SVC producers; the highest when null.</summary>
    public ConsumerLayers? PreferredLayers { get; init; }

    /// <summary>Whether to forward DTX packets (audio) instead of dropping them. Default false.</summary>
    public bool IgnoreDtx { get; init; }

    /// <summary>Whether RTX and NACK are negotiated; null (the default) means true for video, false for audio.</summary>
    public bool? EnableRtx { get; init; }

    /// <summary>
    /// Whether the consumer forwards all the producer's streams as they are (a pipe consumer, mediasoup's
    /// <c>pipe: true</c>); consumers of a <see cref="PipeTransport"/> are always pipe consumers. Default false.
    /// </summary>
    public bool Pipe { get; init; }

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }
}
