namespace RxMediasoup;

/// <summary>A router's internal state, as returned by <see cref="Router.DumpAsync"/>.</summary>
public sealed record RouterDump
{
    /// <summary>The router's id.</summary>
    public required string Id { get; init; }

    /// <summary>Ids of its transports.</summary>
    public required IReadOnlyList<string> TransportIds { get; init; }

    /// <summary>Ids of its RTP observers.</summary>
    public required IReadOnlyList<string> RtpObserverIds { get; init; }

    /// <summary>Producer id → ids of its consumers.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> MapProducerIdConsumerIds { get; init; }

    /// <summary>Consumer id → id of its producer.</summary>
    public required IReadOnlyDictionary<string, string> MapConsumerIdProducerId { get; init; }

    /// <summary>Producer id → ids of the RTP observers watching it.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> MapProducerIdObserverIds { get; init; }

    /// <summary>Data producer id → ids of its data consumers.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> MapDataProducerIdDataConsumerIds { get; init; }

    /// <summary>Data consumer id → id of its data producer.</summary>
    public required IReadOnlyDictionary<string, string> MapDataConsumerIdDataProducerId { get; init; }
}
