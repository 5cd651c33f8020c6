/// <summary>
/// scripts/bench.sh's workloads besides dump (issue 10 §2): <c>suite create|fanout|direct|close [--option N …]</c>.
/// Each prints one JSON line (SuiteKit.Head + "measures": one measured window per name) and exits 0; bad options
/// exit 2 naming the option. The Node twin of every workload is tests/benchmarks-node/suite-bench.mjs.
/// </summary>
internal static class Suite
{
    public static async Task<int> RunAsync(string[] args)
    {
        string workload = args.Length > 0 ? args[0] : "";
        try
        {
            return workload switch
            {
                "create" => await CreateBenchmark.RunAsync(args[1..]),
                "fanout" => await FanoutBenchmark.RunAsync(args[1..]),
                "direct" => await DirectBenchmark.RunAsync(args[1..]),
                "close" => await CloseBenchmark.RunAsync(args[1..]),
                _ => throw new ArgumentException($"unknown workload '{workload}' (create, fanout, direct, close)"),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"suite: {e.Message}");
            return 2;
        }
    }
}
