namespace RxMediasoup.Testing;

// Scripts: what the network, the media and the process do, delivered as the worker's notifications.
public sealed partial class Simulation
{
    /// <summary>The producer's RTP streams get these scores (0..10), one per encoding in order (the worker's <c>score</c> notification).</summary>
    /// <param name="producer">A producer of this simulation.</param>
    /// <param name="scores">One score per encoding (fewer: the first ones only; none: no stream receives media).</param>
    /// <exception cref="InvalidOperationException">The producer is not alive in this simulation.</exception>
    public void SetProducerScores(Producer producer, params int[] scores)
    {
        ArgumentNullException.ThrowIfNull(producer);
        _backend.Engine.ProducerScores(producer.Id, scores);
    }

    /// <summary>The consumer's score changes (the worker's <c>score</c> notification).</summary>
    /// <param name="consumer">A consumer of this simulation.</param>
    /// <param name="score">Its score, its producer's and its producer's per stream (0..10 each).</param>
    /// <exception cref="InvalidOperationException">The consumer is not alive in this simulation.</exception>
    public void SetConsumerScore(Consumer consumer, ConsumerScore score)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(score);
        _backend.Engine.ConsumerScore(consumer.Id, score);
    }

    /// <summary>A simulcast or SVC consumer's current layers change (the worker's <c>layerschange</c>); null: no layer is sent.</summary>
    /// <param name="consumer">A simulcast or SVC consumer of this simulation.</param>
    /// <param name="layers">The layers now sent, or null.</param>
    /// <exception cref="InvalidOperationException">The consumer is not alive in this simulation, or has no layers.</exception>
    public void ChangeConsumerLayers(Consumer consumer, ConsumerLayers? layers)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _backend.Engine.ConsumerLayers(consumer.Id, layers);
    }

    /// <summary>The transport's ICE state changes (the worker's <c>icestatechange</c>).</summary>
    /// <param name="transport">A WebRTC transport of this simulation.</param>
    /// <param name="state">New, Connected, Completed or Disconnected (the worker never notifies Closed).</param>
    public void SetIceState(WebRtcTransport transport, IceState state)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _backend.Engine.IceState(transport.Id, state);
    }

    /// <summary>The transport's DTLS state changes (the worker's <c>dtlsstatechange</c>).</summary>
    /// <param name="transport">A WebRTC transport of this simulation.</param>
    /// <param name="state">The new state.</param>
    /// <param name="remoteCertificate">The remote certificate (PEM) the worker gives when connected, if any.</param>
    public void SetDtlsState(WebRtcTransport transport, DtlsState state, string? remoteCertificate = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _backend.Engine.DtlsState(transport.Id, state, remoteCertificate);
    }

    /// <summary>ICE selects a tuple (the worker's <c>iceselectedtuplechange</c>).</summary>
    /// <param name="transport">A WebRTC transport of this simulation.</param>
    /// <param name="tuple">The selected tuple.</param>
    public void SelectTuple(WebRtcTransport transport, TransportTuple tuple)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(tuple);
        _backend.Engine.SelectedTuple(transport.Id, tuple);
    }

    /// <summary>The producer reports a trace event (its <see cref="Producer.Trace"/>), with the virtual time since the start as its timestamp (ms) and no details.</summary>
    /// <param name="producer">A producer of this simulation.</param>
    /// <param name="type">The event type.</param>
    /// <param name="direction">In or out.</param>
    public void Trace(Producer producer, ProducerTraceEventType type, TraceDirection direction = TraceDirection.In)
    {
        ArgumentNullException.ThrowIfNull(producer);
        _backend.Engine.ProducerTrace(producer.Id, type, direction);
    }

    /// <summary>The consumer reports a trace event (its <see cref="Consumer.Trace"/>), as <see cref="Trace(Producer, ProducerTraceEventType, TraceDirection)"/>.</summary>
    /// <param name="consumer">A consumer of this simulation.</param>
    /// <param name="type">The event type.</param>
    /// <param name="direction">In or out.</param>
    public void Trace(Consumer consumer, ConsumerTraceEventType type, TraceDirection direction = TraceDirection.Out)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        _backend.Engine.ConsumerTrace(consumer.Id, type, direction);
    }

    /// <summary>
    /// What the producer's receive streams' stats are over time: <see cref="Producer.GetStatsAsync"/> (and so
    /// <see cref="Producer.PollStats"/> and the stats operators such as <c>Stalled</c>) sees <paramref name="stats"/> of
    /// the virtual time since the simulation started; one entry per encoding, in order. Not scripted: no stream (no media).
    /// </summary>
    /// <param name="producer">A producer of this simulation.</param>
    /// <param name="stats">The streams' stats at a virtual time.</param>
    public void ScriptStats(Producer producer, Func<TimeSpan, IReadOnlyList<SimulatedStreamStats>> stats)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentNullException.ThrowIfNull(stats);
        _backend.Engine.ScriptStats(producer.Id, stats);
    }

    /// <summary>What the consumer's send streams' stats are over time (see <see cref="ScriptStats(Producer, Func{TimeSpan, IReadOnlyList{SimulatedStreamStats}})"/>).</summary>
    /// <param name="consumer">A consumer of this simulation.</param>
    /// <param name="stats">The streams' stats at a virtual time.</param>
    public void ScriptStats(Consumer consumer, Func<TimeSpan, IReadOnlyList<SimulatedStreamStats>> stats)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(stats);
        _backend.Engine.ScriptStats(consumer.Id, stats);
    }

    /// <summary>
    /// The worker process dies now (unless closed already): <see cref="Worker.Died"/> fires, its entities close with
    /// <see cref="CloseReason.WorkerDied"/> and pending requests fail, before this returns.
    /// </summary>
    /// <param name="exitCode">The exit code (null when killed by a signal).</param>
    /// <param name="signal">The signal that killed it, if any (e.g. 9).</param>
    public void Die(int? exitCode = 1, int? signal = null)
    {
        if (exitCode is null && signal is null) throw new ArgumentException("a death has an exit code or a signal");
        _backend.Exit(exitCode, signal);
    }
}
