namespace RxMediasoup;

/// <summary>Options of <see cref="Transport.ProduceDataAsync"/> (mediasoup's <c>DataProducerOptions</c>).</summary>
public sealed record DataProducerOptions
{
    /// <summary>
    /// The SCTP stream the remote endpoint sends on (<c>sctpStreamParameters</c>): required on SCTP transports
    /// (WebRTC, plain and pipe transports with SCTP), ignored (with a warning) on a <see cref="DirectTransport"/>.
    /// Validated and normalized with <see cref="Ortc.ValidateAndNormalizeSctpStreamParameters"/>.
    /// </summary>
    public SctpStreamParameters? SctpStreamParameters { get; init; }

    /// <summary>The DataChannel label (<c>label</c>); empty by default.</summary>
    public string Label { get; init; } = string.Empty;

    /// <summary>The DataChannel sub-protocol (<c>protocol</c>); empty by default.</summary>
    public string Protocol { get; init; } = string.Empty;

    /// <summary>Whether the data producer starts paused (<c>paused</c>).</summary>
    public bool Paused { get; init; }

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?>? AppData { get; init; }

    /// <summary>A given id instead of a new UUID (mediasoup's internal <c>id</c> option, used when piping between routers).</summary>
    internal string? Id { get; init; }
}
