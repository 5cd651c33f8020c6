namespace RxMediasoup;

/// <summary>Options of <see cref="Transport.ConsumeDataAsync"/> (mediasoup's <c>DataConsumerOptions</c>).</summary>
public sealed record DataConsumerOptions
{
    /// <summary>The id of the data producer to consume (<c>dataProducerId</c>), in the same router.</summary>
    public required string DataProducerId { get; init; }

    /// <summary>
    /// On SCTP transports, overrides the data producer's ordering (<c>ordered</c>); true clears
    /// <see cref="MaxPacketLifeTime"/> and <see cref="MaxRetransmits"/>. Ignored (with a warning) on a <see cref="DirectTransport"/>.
    /// </summary>
    public bool? Ordered { get; init; }

    /// <summary>On SCTP transports and unless <see cref="Ordered"/> is true, makes the stream unordered with this lifetime in ms (<c>maxPacketLifeTime</c>).</summary>
    public int? MaxPacketLifeTime { get; init; }

    /// <summary>On SCTP transports and unless <see cref="Ordered"/> is true, makes the stream unordered with this retransmission limit (<c>maxRetransmits</c>).</summary>
    public int? MaxRetransmits { get; init; }

    /// <summary>Whether the data consumer starts paused (<c>paused</c>).</summary>
    public bool Paused { get; init; }

    /// <summary>
    /// Subchannels to subscribe to (<c>subchannels</c>): only messages sent to one of them (or to none) reach the data
    /// consumer. Duplicates are discarded; a value outside 0–65535 is rejected (<see cref="ArgumentOutOfRangeException"/>).
    /// </summary>
    public IReadOnlyList<int>? Subchannels { get; init; }

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?>? AppData { get; init; }
}
