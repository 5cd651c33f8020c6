using Google.FlatBuffers;
using FBS.Request;
using MessageBody = FBS.Message.BodyUnion;
using ResponseBody = FBS.Response.BodyUnion;

namespace RxMediasoup.Testing;

/// <summary>
/// What the simulated worker computes: it decodes each request, updates its entity tables and answers like
/// mediasoup-worker 3.27 (bodies, derived notifications, validation errors). Runs only in scheduler actions.
/// </summary>
internal sealed partial class SimulatedEngine(SimulatedBackend backend, int seed)
{
    private readonly Dictionary<string, SimRouter> _routers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _handlers = new(StringComparer.Ordinal);
    private int _nextPort = 40000 + (int)((uint)seed % 10_000);
    private int _nextSecret = seed;

    /// <summary>Handles one incoming message (a request or a notification), answering through the backend.</summary>
    /// <param name="payload">The message.</param>
    /// <param name="request">The request it holds when already decoded, else null.</param>
    public void Handle(byte[] payload, RequestT? request = null)
    {
        if (request is not null)
        {
            _handled++;
            OnRequest(request);
            return;
        }
        var message = FBS.Message.Message.GetRootAsMessage(new ByteBuffer(payload)).UnPack();
        _handled++;
        switch (message.Data?.Type)
        {
            case FBS.Message.Body.Request:
                OnRequest(message.Data.AsRequest());
                break;
            case FBS.Message.Body.Notification when message.Data.AsNotification().Event == FBS.Notification.Event.WORKER_CLOSE:
                // mediasoup-worker closes everything and exits with 0.
                backend.Exit(0, null);
                break;
            case FBS.Message.Body.Notification:
                OnNotification(message.Data.AsNotification());
                break;
        }
    }

    private static readonly string[] LogLevels = ["debug", "warn", "error", "none"];

    /// <summary>Messages handled so far: the simulated worker's CPU time grows with them (and with time).</summary>
    private long _handled;

    /// <summary>
    /// getrusage of the simulated process: CPU time as a function of virtual time (0.5 % user, 0.25 % system) plus
    /// 20 µs user and 10 µs system per message handled, so a busier worker has used more; a resident set of 40 MB
    /// plus 4 KB per entity.
    /// </summary>
    private FBS.Worker.ResourceUsageResponseT ResourceUsage()
    {
        double elapsedMs = (backend.Scheduler.Now - backend.Start).TotalMilliseconds;
        return new FBS.Worker.ResourceUsageResponseT
        {
            RuUtime = (ulong)(elapsedMs * 0.005 + _handled * 0.02),
            RuStime = (ulong)(elapsedMs * 0.0025 + _handled * 0.01),
            RuMaxrss = 40_000 + 4 * (ulong)_handlers.Count,
            RuMinflt = (ulong)_handled,
            RuNvcsw = (ulong)_handled, // the worker's loop sleeps between messages
        };
    }

    private void OnRequest(RequestT request)
    {
        ResponseBody? body;
        try
        {
            body = Answer(request);
        }
        catch (SimulatedError e)
        {
            ReleasePendingPorts();
            Respond(new FBS.Response.ResponseT { Id = request.Id, Accepted = false, Error = e.Error, Reason = e.Message });
            return;
        }
        Respond(new FBS.Response.ResponseT { Id = request.Id, Accepted = true, Body = body });
    }

    private ResponseBody? Answer(RequestT request)
    {
        var method = request.Method;
        if (SimulatedMethods.IsWorkerMethod(method)) return AnswerWorker(request);
        string handlerId = request.HandlerId ?? "";
        // As Worker::HandleRequest in 3.27.1: the reason is what the handler threw, with no method suffix (checked
        // against the worker by DifferentialTests).
        if (!_handlers.TryGetValue(handlerId, out var handler))
            throw new SimulatedError($"Channel request handler with ID {handlerId} not found");
        return handler switch
        {
            SimRouter router => AnswerRouter(router, request),
            SimTransport transport => AnswerTransport(transport, request),
            SimProducer producer => AnswerProducer(producer, request),
            SimConsumer consumer => AnswerConsumer(consumer, request),
            SimDataProducer dataProducer => AnswerDataProducer(dataProducer, request),
            SimDataConsumer dataConsumer => AnswerDataConsumer(dataConsumer, request),
            SimRtpObserver observer => AnswerRtpObserver(observer, request),
            SimWebRtcServer server => AnswerWebRtcServer(server, request),
            _ => throw NotSimulated(method),
        };
    }

    private ResponseBody? AnswerWorker(RequestT request)
    {
        switch (request.Method)
        {
            case Method.WORKER_DUMP:
                return ResponseBody.FromWorker_DumpResponse(new FBS.Worker.DumpResponseT
                {
                    Pid = (uint)backend.Pid,
                    WebRtcServerIds = [.. WebRtcServerIds],
                    RouterIds = [.. _routers.Keys],
                    ChannelMessageHandlers = new FBS.Worker.ChannelMessageHandlersT
                    {
                        ChannelRequestHandlers = [.. _handlers.Keys],
                        // Transports (sendRtcp), producers (send) and data producers (send) also take notifications.
                        ChannelNotificationHandlers = [.. _handlers.Where(h => h.Value is SimTransport or SimProducer or SimDataProducer).Select(h => h.Key)],
                    },
                });
            case Method.WORKER_GET_RESOURCE_USAGE:
                return ResponseBody.FromWorker_ResourceUsageResponse(ResourceUsage());
            case Method.WORKER_UPDATE_SETTINGS:
                if (request.Body.AsWorker_UpdateSettingsRequest().LogLevel is { } level && !LogLevels.Contains(level))
                    throw new SimulatedError($"invalid value '{level}' for logLevel", isTypeError: true);
                return null;
            case Method.WORKER_CREATE_WEBRTCSERVER:
                return CreateWebRtcServer(request.Body.AsWorker_CreateWebRtcServerRequest());
            case Method.WORKER_WEBRTCSERVER_CLOSE:
                CloseWebRtcServer(request.Body.AsWorker_CloseWebRtcServerRequest().WebRtcServerId);
                return null;
            case Method.WORKER_CREATE_ROUTER:
            {
                string id = request.Body.AsWorker_CreateRouterRequest().RouterId;
                if (_routers.ContainsKey(id)) throw new SimulatedError("a Router with same routerId already exists");
                var router = new SimRouter(id);
                Register(id, router);
                _routers[id] = router;
                return null;
            }
            case Method.WORKER_CLOSE_ROUTER:
            {
                string id = request.Body.AsWorker_CloseRouterRequest().RouterId;
                if (!_routers.Remove(id, out var router)) throw new SimulatedError("Router not found");
                foreach (var transport in router.Transports.Values.ToList()) CloseTransport(transport);
                foreach (string observer in router.RtpObservers.Keys.ToList()) CloseRtpObserver(router, observer);
                _handlers.Remove(id);
                return null;
            }
            default:
                throw NotSimulated(request.Method);
        }
    }

    private ResponseBody? AnswerRouter(SimRouter router, RequestT request)
    {
        switch (request.Method)
        {
            case Method.ROUTER_DUMP:
                return ResponseBody.FromRouter_DumpResponse(new FBS.Router.DumpResponseT
                {
                    Id = router.Id,
                    TransportIds = [.. router.Transports.Keys],
                    RtpObserverIds = [.. router.RtpObservers.Keys],
                    MapProducerIdConsumerIds = [.. router.Transports.Values.SelectMany(t => t.Producers.Values).Select(p =>
                        new FBS.Common.StringStringArrayT { Key = p.Id, Values = [.. p.Consumers.Select(c => c.Id)] })],
                    MapConsumerIdProducerId = [.. router.Transports.Values.SelectMany(t => t.Consumers.Values).Select(c =>
                        new FBS.Common.StringStringT { Key = c.Id, Value = c.Producer.Id })],
                    // Every producer has an entry, empty when no observer watches it (Router::mapProducerRtpObservers).
                    MapProducerIdObserverIds = [.. router.Transports.Values.SelectMany(t => t.Producers.Values).Select(p =>
                        new FBS.Common.StringStringArrayT { Key = p.Id, Values = [.. router.RtpObservers.Values.Where(o => o.Producers.Contains(p)).Select(o => o.Id)] })],
                    MapDataProducerIdDataConsumerIds = [.. DataProducersOf(router).Select(p =>
                        new FBS.Common.StringStringArrayT { Key = p.Id, Values = [.. p.Consumers.Select(c => c.Id)] })],
                    MapDataConsumerIdDataProducerId = [.. router.Transports.Values.SelectMany(t => t.DataConsumers.Values).Select(c =>
                        new FBS.Common.StringStringT { Key = c.Id, Value = c.Producer.Id })],
                });
            case Method.ROUTER_CREATE_WEBRTCTRANSPORT or Method.ROUTER_CREATE_WEBRTCTRANSPORT_WITH_SERVER:
                return CreateWebRtcTransport(router, request.Body.AsRouter_CreateWebRtcTransportRequest());
            case Method.ROUTER_CREATE_PLAINTRANSPORT:
                return CreatePlainTransport(router, request.Body.AsRouter_CreatePlainTransportRequest());
            case Method.ROUTER_CREATE_PIPETRANSPORT:
                return CreatePipeTransport(router, request.Body.AsRouter_CreatePipeTransportRequest());
            case Method.ROUTER_CREATE_DIRECTTRANSPORT:
                return CreateDirectTransport(router, request.Body.AsRouter_CreateDirectTransportRequest());
            case Method.ROUTER_CREATE_ACTIVESPEAKEROBSERVER or Method.ROUTER_CREATE_AUDIOLEVELOBSERVER:
                return CreateRtpObserver(router, request);
            case Method.ROUTER_CLOSE_RTPOBSERVER:
                CloseRtpObserver(router, request.Body.AsRouter_CloseRtpObserverRequest().RtpObserverId);
                return null;
            case Method.ROUTER_CLOSE_TRANSPORT:
            {
                string id = request.Body.AsRouter_CloseTransportRequest().TransportId;
                if (!router.Transports.TryGetValue(id, out var transport)) throw new SimulatedError("Transport not found");
                CloseTransport(transport);
                return null;
            }
            default:
                throw NotSimulated(request.Method);
        }
    }

    private void Register(string id, object entity)
    {
        if (!_handlers.TryAdd(id, entity)) throw new SimulatedError($"Channel request handler with ID {id} already exists");
    }

    private static SimulatedError NotSimulated(Method method)
        => new($"not simulated yet by RxMediasoup.Testing (see tests/SIMULATION.md) [method:{SimulatedMethods.Name(method)}]");


    /// <summary>A deterministic secret (ICE ufrag/pwd, fingerprints) of <paramref name="length"/> lowercase letters and digits.</summary>
    private string NextSecret(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        var random = new Random(unchecked(_nextSecret++ * 7919 + 17));
        return string.Create(length, random, static (span, r) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = alphabet[r.Next(alphabet.Length)];
        });
    }

    private void Respond(FBS.Response.ResponseT response)
        => Send(new FBS.Message.MessageT { Data = MessageBody.FromResponse(response) });

    /// <summary>The worker's <c>WORKER_RUNNING</c> notification, as a started mediasoup-worker sends it first.</summary>
    public void NotifyRunning() => Notify(backend.RunningHandlerId, FBS.Notification.Event.WORKER_RUNNING);

    /// <summary>A notification from the worker to the library (e.g. a consumer's producer paused).</summary>
    private void Notify(string handlerId, FBS.Notification.Event @event, FBS.Notification.BodyUnion? body = null)
        => Send(new FBS.Message.MessageT
        {
            Data = MessageBody.FromNotification(new FBS.Notification.NotificationT { HandlerId = handlerId, Event = @event, Body = body }),
        });

    /// <summary>
    /// One builder per thread for every message sent, cleared per message (a message is copied out before it is pushed,
    /// so a script called from inside a push reuses it safely); per thread, as scripts may be called off the scheduler.
    /// </summary>
    [ThreadStatic] private static FlatBufferBuilder? t_builder;

    private void Send(FBS.Message.MessageT message)
    {
        var builder = t_builder ??= new FlatBufferBuilder(1024);
        builder.Clear();
        builder.FinishSizePrefixed(FBS.Message.Message.Pack(builder, message).Value);
        byte[] frame = builder.SizedByteArray();
        backend.Push(frame);
    }
}
