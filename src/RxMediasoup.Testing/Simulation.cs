using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Google.FlatBuffers;
using FBS.Request;

namespace RxMediasoup.Testing;

/// <summary>
/// A simulated worker with what a test needs around it: the <see cref="Worker"/> handed to the code under test, the
/// entities as they are created (<see cref="Created"/>), a typed log of the requests (<see cref="Requests"/>), fault
/// injection per method (<see cref="Faults"/>), scripts of what the network, the media and the process do
/// (<see cref="SetProducerScores"/>, <see cref="SetIceState"/>, <see cref="Die"/>...), and assertion helpers
/// (<see cref="AssertRequested"/>).
/// </summary>
/// <remarks>
/// Everything runs on <see cref="Scheduler"/> (see <see cref="SimulatedWorker"/>): answers and timeouts in virtual
/// time. Scripts deliver their notification when called, synchronously: call them from a scheduler action
/// (<see cref="At"/>) to place them in virtual time. None of this is thread-safe: use one thread, as with a
/// <c>TestScheduler</c>.
/// </remarks>
public sealed partial class Simulation
{
    private readonly SimulatedBackend _backend;
    private readonly ReplaySubject<MediasoupEntity> _created = new();
    private readonly Subject<SimulatedRequest> _requestSent = new();
    private readonly List<SimulatedRequest> _requests = [];

    private Simulation(SimulatedBackend backend, WorkerSettings? settings)
    {
        _backend = backend;
        backend.Intercept = OnMessage;
        Worker = Worker.OnPushBackend(backend, settings);
        _created.OnNext(Worker);
        Watch(Worker.Routers, router =>
        {
            Watch(router.Transports, transport =>
            {
                Watch(transport.Producers);
                Watch(transport.Consumers);
                Watch(transport.DataProducers);
                Watch(transport.DataConsumers);
            });
            Watch(router.RtpObservers);
        });
        Watch(Worker.WebRtcServers);
        Worker.Closed.Subscribe(_ =>
        {
            _created.OnCompleted();
            _requestSent.OnCompleted();
        });
    }

    /// <summary>Every request method of mediasoup-worker 3.27's schema, by the worker's name (e.g. <c>"router.createWebRtcTransport"</c>).</summary>
    public static IReadOnlySet<string> Methods { get; } = Enum.GetValues<Method>().Select(SimulatedMethods.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The simulated worker: give it to the code under test.</summary>
    public Worker Worker { get; }

    /// <summary>The clock of the simulation.</summary>
    public IScheduler Scheduler => _backend.Scheduler;

    /// <summary>The virtual time since the simulation was created.</summary>
    public TimeSpan Elapsed => Scheduler.Now - _backend.Start;

    /// <summary>
    /// Every entity of the worker as it is created (the worker first, then routers, transports, producers, consumers,
    /// data producers/consumers, RTP observers, WebRTC servers), replayed (synchronously) to a late subscriber: a test can
    /// find the entities its code created without knowing their ids, e.g. <c>sim.Created.OfType&lt;Consumer&gt;()</c>.
    /// Completes when the worker closes or dies (so don't block on it, e.g. with <c>ToEnumerable</c>, while it runs).
    /// </summary>
    public IObservable<MediasoupEntity> Created => _created;

    /// <summary>The requests sent so far, in order (including those a fault rejected or never answered).</summary>
    public IReadOnlyList<SimulatedRequest> Requests => _requests;

    /// <summary>Each request as it is sent (the live form of <see cref="Requests"/>); completes when the worker closes or dies.</summary>
    public IObservable<SimulatedRequest> RequestSent => _requestSent;

    /// <summary>Fault injection per request method.</summary>
    public SimulatedFaults Faults { get; } = new();

    /// <summary>Creates a simulation on <paramref name="scheduler"/> (see <see cref="SimulatedWorker.CreateAsync"/> for the parameters).</summary>
    /// <param name="scheduler">The clock of the simulation (answers, notifications, timeouts).</param>
    /// <param name="seed">Makes ids, ports and ICE parameters deterministic.</param>
    /// <param name="settings">Worker settings (request timeout, logging, app data); the process settings are ignored.</param>
    /// <param name="latency">How long the simulated worker takes to answer each request (virtual time); zero when null.</param>
    /// <returns>The simulation, its worker running (the task has completed).</returns>
    public static Task<Simulation> CreateAsync(IScheduler scheduler, int seed = 0, WorkerSettings? settings = null, TimeSpan? latency = null)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        if (latency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(latency), latency, "a latency cannot be negative");
        return Task.FromResult(Create(scheduler, seed, settings, latency ?? TimeSpan.Zero));
    }

    internal static Simulation Create(IScheduler scheduler, int seed, WorkerSettings? settings, TimeSpan latency)
        => new(new SimulatedBackend(scheduler, seed, latency), settings);

    /// <summary>Runs <paramref name="script"/> in a scheduler action when <see cref="Elapsed"/> reaches <paramref name="elapsed"/>.</summary>
    /// <param name="elapsed">The virtual time since the simulation was created.</param>
    /// <param name="script">What happens then (e.g. <c>() =&gt; sim.SetProducerScores(producer, 3)</c>).</param>
    /// <returns>Cancels it.</returns>
    public IDisposable At(TimeSpan elapsed, Action script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return Scheduler.Schedule(_backend.Start + elapsed, script);
    }

    private void Watch<T>(EntityCollection<T> collection, Action<T>? children = null) where T : MediasoupEntity
        => collection.Connect().Subscribe(changes =>
        {
            foreach (var change in changes)
            {
                if (change.Reason != EntityChangeReason.Add) continue;
                _created.OnNext(change.Current);
                children?.Invoke(change.Current);
            }
        });

    /// <summary>Logs a request, applies the faults and hands it on to the engine decoded; false for a notification (the backend hands it on).</summary>
    private bool OnMessage(byte[] payload)
    {
        var message = FBS.Message.Message.GetRootAsMessage(new ByteBuffer(payload));
        if (message.DataType != FBS.Message.Body.Request) return false;
        var request = message.DataAsRequest().UnPack();
        var entry = SimulatedRequest.Read(request, Scheduler.Now, Elapsed);
        _requests.Add(entry);
        _requestSent.OnNext(entry);
        var rule = Faults.Match(entry);
        if (rule is null)
        {
            _backend.Handle(payload, _backend.Latency, request);
            return true;
        }
        if (rule.Never) return true;
        if (rule.Reason is { } reason)
        {
            string error = rule.Kind == SimulatedErrorKind.Error ? "Error" : rule.Kind.ToString();
            Scheduler.Schedule(_backend.Latency, () =>
            {
                if (!_backend.HasExited) _backend.Engine.Reject(request.Id, error, reason);
            });
            return true;
        }
        _backend.Handle(payload, _backend.Latency + rule.Delay, request);
        return true;
    }
}
