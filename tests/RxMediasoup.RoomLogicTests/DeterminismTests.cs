using System.Diagnostics;
using Xunit.Abstractions;

namespace RxMediasoup.RoomLogicTests;

/// <summary>
/// Issue 12 §3: the room-logic scenarios give identical results run after run, however many run in parallel. Each of
/// the four <see cref="RoomScenarios"/> runs <see cref="Runs"/> times on all cores at once (Parallel.For, each run on
/// its own harness, TestScheduler and simulated workers); every run's trace — what the scenario observed with its
/// virtual times, then every request each simulation received with its virtual time and body — must equal the first's.
/// </summary>
public sealed class DeterminismTests(WarmUp warmUp, ITestOutputHelper output) : IClassFixture<WarmUp>
{
    private const int Runs = 1_000;

    public static TheoryData<string> Scenarios => ["stall", "active speaker", "consumers follow pause", "worker death"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void A_scenario_run_1000_times_in_parallel_gives_one_trace(string scenario)
    {
        Func<string> run = scenario switch
        {
            "stall" => () => RoomScenarios.Stall().Trace(),
            "active speaker" => () => RoomScenarios.ActiveSpeaker().Trace(),
            "consumers follow pause" => () => RoomScenarios.ConsumersFollowPause().Run.Trace(),
            "worker death" => () => RoomScenarios.WorkerDeath().Run.Trace(),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
        var real = Stopwatch.StartNew();
        var traces = new string[Runs];
        Parallel.For(0, Runs, i => traces[i] = run());
        real.Stop();

        var distinct = traces.Distinct().ToList();
        output.WriteLine($"{scenario}: {Runs} runs in {real.Elapsed.TotalMilliseconds:F0} ms on {Environment.ProcessorCount} cores " +
            $"(warm-up {warmUp.RealTime.TotalMilliseconds:F0} ms); {distinct.Count} distinct trace(s) of {traces[0].Count(c => c == '\n') + 1} lines");
        if (distinct.Count > 1) output.WriteLine(FirstDifference(distinct[0], distinct[1]));
        Assert.Single(distinct);
        Assert.Contains("producer", traces[0], StringComparison.Ordinal); // a real trace: the scenario's requests are in it
    }

    private static string FirstDifference(string a, string b)
    {
        var (x, y) = (a.Split('\n'), b.Split('\n'));
        int i = 0;
        while (i < x.Length && i < y.Length && x[i] == y[i]) i++;
        return $"first difference at line {i}: '{(i < x.Length ? x[i] : "(end)")}' vs '{(i < y.Length ? y[i] : "(end)")}'";
    }
}
