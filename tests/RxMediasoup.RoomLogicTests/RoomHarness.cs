using System.Diagnostics;
using Microsoft.Reactive.Testing;
using RxMediasoup.Samples.Room;
using RxMediasoup.Testing;

namespace RxMediasoup.RoomLogicTests;

/// <summary>
/// The room logic on simulated workers in virtual time: a <see cref="TestScheduler"/>, a <see cref="WorkerManager"/>
/// of simulated workers and <see cref="Rooms"/> on both. <see cref="Run{T}"/> drives async code tick by tick.
/// </summary>
internal sealed class RoomHarness
{
    public static readonly long Second = TimeSpan.FromSeconds(1).Ticks;

    private readonly Stopwatch _real = Stopwatch.StartNew();

    private RoomHarness(int workers, RoomServerOptions options, int seed)
    {
        // The test thread drives the scheduler: without xunit's context on it, the room's awaits that a scheduler action
        // completes continue inside that action (.NET does not inline a continuation on a thread with a custom context).
        SynchronizationContext.SetSynchronizationContext(null);
        Workers = new SimulatedWorkerFactory(Scheduler, seed);
        Options = options;
        Manager = Run(() => Workers.CreateManagerAsync(new WorkerManagerOptions { NumWorkers = workers }));
        Rooms = Rooms.Create(Manager, options, Log, Scheduler);
    }

    public TestScheduler Scheduler { get; } = new();

    /// <summary>The rooms' log.</summary>
    public ListLoggerFactory Log { get; } = new();

    public SimulatedWorkerFactory Workers { get; }

    public WorkerManager Manager { get; }

    public Rooms Rooms { get; }

    public RoomServerOptions Options { get; }

    /// <summary>Real time since the harness was created (the tests' budget is 500 ms each).</summary>
    public TimeSpan RealTime => _real.Elapsed;

    public static RoomHarness Create(int workers = 2, RoomServerOptions? options = null, int seed = 1)
        => new(workers, options ?? new RoomServerOptions(), seed);

    /// <summary>Runs <paramref name="body"/> in virtual time (its awaits continue in scheduler actions), one tick at a time until it completes.</summary>
    public T Run<T>(Func<Task<T>> body, int maxTicks = 10_000)
    {
        var task = VirtualTime.Run(Scheduler, body);
        for (int i = 0; !task.IsCompleted && i < maxTicks; i++) Scheduler.AdvanceBy(1);
        Assert.True(task.IsCompleted, $"not completed within {maxTicks} ticks of virtual time");
        return task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Run{T}"/>
    public void Run(Func<Task> body) => Run(async () =>
    {
        await body();
        return true;
    });

    public Room Room(string id = "demo") => Run(() => Rooms.GetOrCreateAsync(id));

    /// <summary>The simulation of the worker hosting the room's current router.</summary>
    public Simulation SimulationOf(Room room) => Workers.Of(room.Router.Value);

    /// <summary>A server peer with a send transport on the room's router and the media asked for, published to the room.</summary>
    public TestPeer Join(Room room, string peerId, bool audio = true, bool video = false, bool chat = false)
        => Run(async () =>
        {
            var peer = await room.JoinServerPeerAsync(peerId);
            var router = room.Router.Value;
            var transport = await router.CreateWebRtcTransportAsync(TestMedia.TransportOptions(sctp: chat));
            var producers = new List<Producer>();
            if (audio) producers.Add(await transport.ProduceAsync(TestMedia.Audio(peerId)));
            if (video) producers.Add(await transport.ProduceAsync(TestMedia.SimulcastVideo(peerId)));
            foreach (var producer in producers) peer.AddProducer(producer);
            DataProducer? data = null;
            if (chat)
            {
                data = await transport.ProduceDataAsync(TestMedia.Chat);
                peer.AddDataProducer(data);
            }
            return new TestPeer(peer, transport, producers, data);
        });

    /// <summary>A recv transport on the room's router (what a browser peer consumes on).</summary>
    public WebRtcTransport RecvTransport(Room room, bool sctp = false)
        => Run(() => room.Router.Value.CreateWebRtcTransportAsync(TestMedia.TransportOptions(sctp)));
}

/// <summary>A server peer of a test and its entities.</summary>
internal sealed record TestPeer(ServerPeer Peer, WebRtcTransport Transport, IReadOnlyList<Producer> Producers, DataProducer? Chat)
{
    public Producer Audio => Producers.Single(p => p.Kind == MediaKind.Audio);

    public Producer Video => Producers.Single(p => p.Kind == MediaKind.Video);
}
