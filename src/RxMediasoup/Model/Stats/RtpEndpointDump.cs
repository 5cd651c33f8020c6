namespace RxMediasoup;

/// <summary>
/// What the internal states of a producer (<see cref="ProducerDump"/>) and of a consumer (<see cref="ConsumerDump"/>)
/// have in common.
/// </summary>
public abstract record RtpEndpointDump
{
    private protected RtpEndpointDump()
    {
    }

    /// <summary>The producer's or consumer's id (<c>id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The media kind (<c>kind</c>).</summary>
    public required MediaKind Kind { get; init; }

    /// <summary>The producer's or consumer's RTP parameters (<c>rtpParameters</c>).</summary>
    public required RtpParameters RtpParameters { get; init; }

    /// <summary>
    /// The RTP streams: a producer's receiving streams (<c>rtpStreams</c>); a consumer's sending stream, one for
    /// simple, simulcast and SVC consumers (mediasoup's <c>rtpStream</c>), one per encoding for pipe consumers
    /// (<c>rtpStreams</c>).
    /// </summary>
    public IReadOnlyList<RtpStreamDump> RtpStreams
    {
        get;
        init => field = ValueList.From(value);
    } = ValueList<RtpStreamDump>.Empty;

    /// <summary>Whether the producer or consumer is paused (<c>paused</c>).</summary>
    public bool Paused { get; init; }
}
