namespace RxMediasoup;

/// <summary>
/// What <see cref="Router.PipeToRouterAsync"/> created (mediasoup's <c>PipeToRouterResult</c>): for a producer, the pipe
/// consumer in the source router and the pipe producer in the destination router; for a data producer, the pipe data
/// consumer and the pipe data producer. The other pair is null.
/// </summary>
/// <remarks>
/// The two halves are linked: closing either closes the other, so closing the original producer (which closes the pipe
/// consumer) closes the pipe producer and, in turn, the destination router's consumers of it. A pause or resume of the
/// original producer reaches the pipe producer.
/// </remarks>
public sealed record PipeToRouterResult
{
    /// <summary>The consumer of the original producer on the source router's pipe transport (producers only).</summary>
    public Consumer? PipeConsumer { get; init; }

    /// <summary>The producer on the destination router's pipe transport (producers only).</summary>
    public Producer? PipeProducer { get; init; }

    /// <summary>The data consumer of the original data producer on the source router's pipe transport (data only).</summary>
    public DataConsumer? PipeDataConsumer { get; init; }

    /// <summary>The data producer on the destination router's pipe transport (data only).</summary>
    public DataProducer? PipeDataProducer { get; init; }
}
