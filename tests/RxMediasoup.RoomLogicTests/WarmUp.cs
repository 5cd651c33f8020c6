using RxMediasoup.Samples.Room;

namespace RxMediasoup.RoomLogicTests;

/// <summary>
/// Runs the room logic once before the timed tests (a room, peers with audio, video and chat, a consumer, a pause, a
/// worker death and the move): the JIT compiles the library, the simulation and the room once here, so each test's
/// 500 ms budget measures the test, not the process's first use of the code.
/// </summary>
public sealed class WarmUp
{
    public WarmUp()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var h = RoomHarness.Create(workers: 2, new RoomServerOptions { StallThreshold = TimeSpan.FromSeconds(2) });
        var room = h.Room("warm-up");
        var alice = h.Join(room, "alice", audio: true, video: true, chat: true);
        h.Join(room, "bob");
        var recv = h.RecvTransport(room);
        var router = room.Router.Value;
        using var consuming = RoomConsumption.Consume(room, "bob", router, recv, router.RtpCapabilities, TimeSpan.FromSeconds(1), (_, _) => { })
            .Subscribe(_ => { });
        h.Run(() => alice.Audio.PauseAsync());
        h.Scheduler.AdvanceBy(5 * RoomHarness.Second);
        h.SimulationOf(room).Die();
        h.Scheduler.AdvanceBy(5 * RoomHarness.Second);
        h.Run(() => h.Rooms.DisposeAsync().AsTask());
        RealTime = started.Elapsed;
    }

    public TimeSpan RealTime { get; }
}
