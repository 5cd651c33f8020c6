using Microsoft.Reactive.Testing;

namespace RxMediasoup.Testing.Tests;

/// <summary>
/// <see cref="RoomScenario"/> on a simulated worker: every command is answered by advancing the scheduler one tick, and
/// must have completed then (nothing runs elsewhere).
/// </summary>
internal sealed class SimulatedRoom : RoomScenario
{
    public TestScheduler Scheduler { get; } = new();

    public static SimulatedRoom Create(int seed = 0, WorkerSettings? settings = null)
        => Build(new SimulatedRoom(), room => SimulatedWorker.CreateAsync(room.Scheduler, seed, settings));

    /// <summary>The room on a <see cref="Testing.Simulation"/> (its log, faults and scripts), created before the room.</summary>
    public static SimulatedRoom OnSimulation(Action<Simulation>? before = null, int seed = 0, WorkerSettings? settings = null)
        => Build(new SimulatedRoom(), async room =>
        {
            room.Simulation = await Simulation.CreateAsync(room.Scheduler, seed, settings);
            before?.Invoke(room.Simulation);
            return room.Simulation.Worker;
        });

    public Simulation Simulation { get; private set; } = null!;

    private static SimulatedRoom Build(SimulatedRoom room, Func<SimulatedRoom, Task<Worker>> worker)
    {
        var created = worker(room);
        Assert.True(created.IsCompletedSuccessfully);
        var built = room.BuildAsync(created.Result);
        Assert.True(built.IsCompletedSuccessfully); // every step answered within its tick
        return room;
    }

    protected override Task<T> Settle<T>(Task<T> command) => Task.FromResult(Answer(command));

    /// <summary>Checks the command waits for the simulated worker, advances one tick, returns its result.</summary>
    public T Answer<T>(Task<T> command)
    {
        Assert.False(command.IsCompleted, "answered before the scheduler advanced");
        Scheduler.AdvanceBy(1);
        Assert.True(command.IsCompleted, "not answered within the tick");
        return command.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Answer{T}(Task{T})"/>
    public void Answer(Task command)
    {
        Assert.False(command.IsCompleted, "answered before the scheduler advanced");
        Scheduler.AdvanceBy(1);
        Assert.True(command.IsCompleted, "not answered within the tick");
        command.GetAwaiter().GetResult();
    }
}
