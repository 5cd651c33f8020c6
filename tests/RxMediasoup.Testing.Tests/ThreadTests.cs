namespace RxMediasoup.Testing.Tests;

/// <summary>Tests that count this process's threads: serial with the one test that starts a real worker.</summary>
[CollectionDefinition(Name)]
public sealed class ThreadCountingCollection
{
    public const string Name = "thread counting";
}

[Collection(ThreadCountingCollection.Name)]
public sealed class ThreadTests
{
    [Fact]
    public void NoThreadServesASimulatedWorker()
    {
        // Every command of SimulatedRoom completes inside the tick that answered it (SimulatedRoom.Answer checks this):
        // nothing runs elsewhere. And no channel thread is started: the real backends name theirs
        // "mediasoup-worker <pid> channel" (comm keeps 15 characters). A real worker closed just before (DifferentialTests)
        // may still be ending its thread, hence "no more than before".
        int before = ChannelThreads();
        var rooms = Enumerable.Range(0, 3).Select(seed => SimulatedRoom.Create(seed)).ToList();
        Assert.True(ChannelThreads() <= before, "a simulated worker started a channel thread");
        Assert.All(rooms, room => Assert.Equal(0, room.Worker.Diagnostics.PendingRequests));
    }

    private static int ChannelThreads() => Directory.GetDirectories("/proc/self/task")
        .Select(task => { try { return File.ReadAllText(Path.Combine(task, "comm")).Trim(); } catch (IOException) { return ""; } })
        .Count(name => name.StartsWith("mediasoup-worke", StringComparison.Ordinal));
}
