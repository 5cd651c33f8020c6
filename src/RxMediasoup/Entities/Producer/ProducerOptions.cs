namespace RxMediasoup;

/// <summary>Options of a new producer (<see cref="Transport.ProduceAsync"/>), as mediasoup's <c>ProducerOptions</c>.</summary>
public sealed record ProducerOptions
{
    /// <summary>The producer's id; a new UUID when null (mediasoup uses a given id when piping to another router).</summary>
    public string? Id { get; init; }

    /// <summary>Audio or video.</summary>
    public required MediaKind Kind { get; init; }

    /// <summary>
    /// The RTP parameters of what the endpoint sends (e.g. from mediasoup-client's <c>produce</c>). Missing encodings
    /// mean one encoding; the transport overrides the RTCP CNAME (except on a <see cref="PipeTransport"/>, which only
    /// gives a producer without CNAME a random one of its own).
    /// </summary>
    public required RtpParameters RtpParameters { get; init; }

    /// <summary>Whether the producer starts paused. Default false.</summary>
    public bool Paused { get; init; }

    /// <summary>Minimum time in milliseconds between two key frame requests sent to the endpoint; 0 (the default) for none.</summary>
    public int KeyFrameRequestDelay { get; init; }

    /// <summary>Whether the worker adds mediasoup's packet-id RTP header extension to forwarded packets. Default false.</summary>
    public bool EnableMediasoupPacketIdHeaderExtension { get; init; }

    /// <summary>Custom application data, available as <see cref="MediasoupEntity.AppData"/>.</summary>
    public IDictionary<string, object?>? AppData { get; init; }
}
