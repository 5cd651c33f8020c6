using Event = FBS.Notification.Event;
using NotificationBody = FBS.Notification.BodyUnion;

namespace RxMediasoup.Testing;

// What Simulation's scripts and faults need from the engine: notifications of what the network and the media do
// (built from the library's model values), and error answers for injected faults.
internal sealed partial class SimulatedEngine
{
    /// <summary>Answers request <paramref name="requestId"/> with an error, as the worker does.</summary>
    public void Reject(uint requestId, string error, string reason)
        => Respond(new FBS.Response.ResponseT { Id = requestId, Accepted = false, Error = error, Reason = reason });

    public void ProducerScores(string producerId, IReadOnlyList<int> scores)
    {
        var producer = Alive<SimProducer>(producerId);
        var encodings = producer.Request.RtpParameters?.Encodings ?? [];
        if (scores.Count > producer.EncodingCount)
            throw new ArgumentException($"the producer has {producer.EncodingCount} encoding(s), not {scores.Count}", nameof(scores));
        Notify(producerId, Event.PRODUCER_SCORE, NotificationBody.FromProducer_ScoreNotification(new FBS.Producer.ScoreNotificationT
        {
            Scores = ScoresOf(scores, encodings),
        }));
    }

    private static List<FBS.Producer.ScoreT> ScoresOf(IReadOnlyList<int> scores, List<FBS.RtpParameters.RtpEncodingParametersT> encodings)
    {
        var result = new List<FBS.Producer.ScoreT>(scores.Count);
        for (int i = 0; i < scores.Count; i++)
        {
            result.Add(new FBS.Producer.ScoreT
            {
                EncodingIdx = (uint)i,
                Ssrc = i < encodings.Count ? encodings[i].Ssrc ?? 0 : 0,
                Rid = i < encodings.Count ? encodings[i].Rid : null,
                Score_ = Score(scores[i]),
            });
        }
        return result;
    }

    public void ConsumerScore(string consumerId, ConsumerScore score)
    {
        Alive<SimConsumer>(consumerId);
        Notify(consumerId, Event.CONSUMER_SCORE, NotificationBody.FromConsumer_ScoreNotification(new FBS.Consumer.ScoreNotificationT
        {
            Score = new FBS.Consumer.ConsumerScoreT
            {
                Score = Score(score.Score),
                ProducerScore = Score(score.ProducerScore),
                ProducerScores = [.. score.ProducerScores.Select(Score)],
            },
        }));
    }

    public void ConsumerLayers(string consumerId, ConsumerLayers? layers)
    {
        var consumer = Alive<SimConsumer>(consumerId);
        if (!consumer.IsLayered) throw new InvalidOperationException($"consumer {consumerId} is not simulcast or SVC: it has no layers");
        Notify(consumerId, Event.CONSUMER_LAYERS_CHANGE, NotificationBody.FromConsumer_LayersChangeNotification(new FBS.Consumer.LayersChangeNotificationT
        {
            Layers = layers is null ? null : new FBS.Consumer.ConsumerLayersT
            {
                SpatialLayer = checked((byte)layers.SpatialLayer),
                TemporalLayer = layers.TemporalLayer is { } t ? checked((byte)t) : null,
            },
        }));
    }

    public void IceState(string transportId, IceState state)
    {
        WebRtc(transportId);
        var fbs = state switch
        {
            RxMediasoup.IceState.New => FBS.WebRtcTransport.IceState.NEW,
            RxMediasoup.IceState.Connected => FBS.WebRtcTransport.IceState.CONNECTED,
            RxMediasoup.IceState.Completed => FBS.WebRtcTransport.IceState.COMPLETED,
            RxMediasoup.IceState.Disconnected => FBS.WebRtcTransport.IceState.DISCONNECTED,
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "the worker never notifies this ICE state"),
        };
        Notify(transportId, Event.WEBRTCTRANSPORT_ICE_STATE_CHANGE, NotificationBody.FromWebRtcTransport_IceStateChangeNotification(
            new FBS.WebRtcTransport.IceStateChangeNotificationT { IceState = fbs }));
    }

    public void DtlsState(string transportId, DtlsState state, string? remoteCertificate)
    {
        WebRtc(transportId);
        var fbs = state switch
        {
            RxMediasoup.DtlsState.New => FBS.WebRtcTransport.DtlsState.NEW,
            RxMediasoup.DtlsState.Connecting => FBS.WebRtcTransport.DtlsState.CONNECTING,
            RxMediasoup.DtlsState.Connected => FBS.WebRtcTransport.DtlsState.CONNECTED,
            RxMediasoup.DtlsState.Failed => FBS.WebRtcTransport.DtlsState.FAILED,
            RxMediasoup.DtlsState.Closed => FBS.WebRtcTransport.DtlsState.CLOSED,
            _ => throw new ArgumentOutOfRangeException(nameof(state), state, "not a DTLS state"),
        };
        Notify(transportId, Event.WEBRTCTRANSPORT_DTLS_STATE_CHANGE, NotificationBody.FromWebRtcTransport_DtlsStateChangeNotification(
            new FBS.WebRtcTransport.DtlsStateChangeNotificationT { DtlsState = fbs, RemoteCert = remoteCertificate }));
    }

    public void SelectedTuple(string transportId, TransportTuple tuple)
    {
        WebRtc(transportId);
        Notify(transportId, Event.WEBRTCTRANSPORT_ICE_SELECTED_TUPLE_CHANGE, NotificationBody.FromWebRtcTransport_IceSelectedTupleChangeNotification(
            new FBS.WebRtcTransport.IceSelectedTupleChangeNotificationT
            {
                Tuple = new FBS.Transport.TupleT
                {
                    LocalAddress = tuple.LocalAddress,
                    LocalPort = checked((ushort)tuple.LocalPort),
                    RemoteIp = tuple.RemoteIp,
                    RemotePort = checked((ushort)(tuple.RemotePort ?? 0)),
                    Protocol = tuple.Protocol == TransportProtocol.Tcp ? FBS.Transport.Protocol.TCP : FBS.Transport.Protocol.UDP,
                },
            }));
    }

    private void WebRtc(string transportId)
    {
        if (Alive<SimTransport>(transportId).Kind != SimTransportKind.WebRtc)
            throw new InvalidOperationException($"transport {transportId} is not a WebRtcTransport");
    }

    /// <summary>The live simulated entity <paramref name="id"/>: scripts only speak for what the worker has.</summary>
    private T Alive<T>(string id) where T : class
        => backend.HasExited ? throw new InvalidOperationException("the simulated worker has exited")
            : _handlers.GetValueOrDefault(id) as T ?? throw new InvalidOperationException($"the simulated worker has no live {typeof(T).Name[3..]} with id {id} (closed, or not created on it)");

    private static byte Score(int score)
        => score is >= 0 and <= 10 ? (byte)score : throw new ArgumentOutOfRangeException(nameof(score), score, "a score is 0..10");
}

// Trace events (enabled or not: the script stands for what the worker would report).
internal sealed partial class SimulatedEngine
{
    public void ProducerTrace(string producerId, ProducerTraceEventType type, TraceDirection direction)
    {
        Alive<SimProducer>(producerId);
        Notify(producerId, Event.PRODUCER_TRACE, NotificationBody.FromProducer_TraceNotification(new FBS.Producer.TraceNotificationT
        {
            Type = Enum.Parse<FBS.Producer.TraceEventType>(type.ToString(), ignoreCase: true),
            Timestamp = TraceTimestamp(),
            Direction = Direction(direction),
        }));
    }

    public void ConsumerTrace(string consumerId, ConsumerTraceEventType type, TraceDirection direction)
    {
        Alive<SimConsumer>(consumerId);
        Notify(consumerId, Event.CONSUMER_TRACE, NotificationBody.FromConsumer_TraceNotification(new FBS.Consumer.TraceNotificationT
        {
            Type = Enum.Parse<FBS.Consumer.TraceEventType>(type.ToString(), ignoreCase: true),
            Timestamp = TraceTimestamp(),
            Direction = Direction(direction),
        }));
    }

    /// <summary>The worker's clock in ms: here the virtual time since the simulation started.</summary>
    private ulong TraceTimestamp() => (ulong)(backend.Scheduler.Now - backend.Start).TotalMilliseconds;

    private static FBS.Common.TraceDirection Direction(TraceDirection direction)
        => direction == TraceDirection.In ? FBS.Common.TraceDirection.DIRECTION_IN : FBS.Common.TraceDirection.DIRECTION_OUT;
}
