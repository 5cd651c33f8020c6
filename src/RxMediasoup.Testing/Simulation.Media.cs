namespace RxMediasoup.Testing;

// Scripts of what the audio and the media bring: audio levels and the dominant speaker for the RTP observers, and
// the RTP, RTCP and data messages a direct transport hands to the application.
public sealed partial class Simulation
{
    /// <summary>
    /// From now on the audio producer's RTP carries this level (the <c>ssrc-audio-level</c> header extension), in dBov:
    /// -127 (silence) to 0 (loudest); null: none (no RTP, or no level). Every <see cref="AudioLevelObserver"/> the
    /// producer was added to reports it as the worker does: at each tick of its interval (counted from its creation or
    /// resume), the producers at or above its threshold, loudest first, at most its max entries, in
    /// <see cref="AudioLevelObserver.Volumes"/>; <see cref="AudioLevelObserver.Silence"/> once when none is left, or when
    /// it is paused. A paused producer sends no level. The observer's timer runs (in virtual time) only while some of
    /// its producers has a level or a silence is due: clear the levels before a <c>TestScheduler.Start()</c>.
    /// </summary>
    /// <param name="producer">An audio producer of this simulation.</param>
    /// <param name="dBov">The level, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">A level outside -127..0.</exception>
    /// <exception cref="InvalidOperationException">The producer is not alive in this simulation, or not audio.</exception>
    public void SetAudioLevel(Producer producer, int? dBov)
    {
        ArgumentNullException.ThrowIfNull(producer);
        _backend.Engine.AudioLevel(producer.Id, dBov);
    }

    /// <summary>
    /// The active speaker observer names <paramref name="producer"/> the dominant speaker now (its
    /// <see cref="ActiveSpeakerObserver.DominantSpeaker"/>), as the worker would when that producer's audio dominates —
    /// unless the observer or the producer is paused, or it is the dominant speaker already (the worker notifies changes only).
    /// </summary>
    /// <param name="observer">An active speaker observer of this simulation.</param>
    /// <param name="producer">A producer added to it.</param>
    /// <returns>Whether the notification was sent.</returns>
    /// <exception cref="InvalidOperationException">The observer is not alive in this simulation, or the producer was not added to it.</exception>
    public bool SetDominantSpeaker(ActiveSpeakerObserver observer, Producer producer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(producer);
        return _backend.Engine.DominantSpeaker(observer.Id, producer.Id);
    }

    /// <summary>
    /// The consumer, on a <see cref="DirectTransport"/>, hands an RTP packet to the application (its
    /// <see cref="Consumer.Rtp"/>) — unless it or its producer is paused (the worker sends nothing then).
    /// </summary>
    /// <param name="consumer">A consumer on a direct transport of this simulation.</param>
    /// <param name="packet">The RTP packet (copied).</param>
    /// <returns>Whether the packet was delivered.</returns>
    /// <exception cref="ArgumentException">An empty packet.</exception>
    /// <exception cref="InvalidOperationException">The consumer is not alive in this simulation, or not on a direct transport.</exception>
    public bool DeliverRtp(Consumer consumer, ReadOnlySpan<byte> packet)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        if (packet.IsEmpty) throw new ArgumentException("an RTP packet is not empty", nameof(packet));
        return _backend.Engine.ConsumerRtp(consumer.Id, packet.ToArray());
    }

    /// <summary>The direct transport hands an RTCP packet to the application (its <see cref="DirectTransport.Rtcp"/>).</summary>
    /// <param name="transport">A direct transport of this simulation.</param>
    /// <param name="packet">The RTCP (compound) packet (copied).</param>
    /// <exception cref="ArgumentException">An empty packet.</exception>
    /// <exception cref="InvalidOperationException">The transport is not alive in this simulation.</exception>
    public void DeliverRtcp(DirectTransport transport, ReadOnlySpan<byte> packet)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (packet.IsEmpty) throw new ArgumentException("an RTCP packet is not empty", nameof(packet));
        _backend.Engine.DirectRtcp(transport.Id, packet.ToArray());
    }

    /// <summary>
    /// The data consumer, on a <see cref="DirectTransport"/>, hands a message to the application (its
    /// <see cref="DataConsumer.Messages"/>) — unless it or its data producer is paused, or the message exceeds the
    /// transport's max message size (the worker drops it then). Messages sent with <see cref="DataProducer.Send(ReadOnlyMemory{byte}, uint?, IReadOnlyList{int}?, int?, int?)"/>
    /// need no script: the simulation forwards them to the data producer's consumers on direct transports, with the
    /// worker's subchannel rules.
    /// </summary>
    /// <param name="dataConsumer">A data consumer on a direct transport of this simulation.</param>
    /// <param name="payload">The message (copied).</param>
    /// <param name="ppid">The SCTP payload protocol id (51: WebRTC string, 53: WebRTC binary).</param>
    /// <returns>Whether the message was delivered.</returns>
    /// <exception cref="InvalidOperationException">The data consumer is not alive in this simulation, or not on a direct transport.</exception>
    public bool DeliverMessage(DataConsumer dataConsumer, ReadOnlySpan<byte> payload, uint ppid = 53)
    {
        ArgumentNullException.ThrowIfNull(dataConsumer);
        return _backend.Engine.DataConsumerMessage(dataConsumer.Id, payload.ToArray(), ppid);
    }
}
