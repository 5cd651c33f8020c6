// RxMediasoup's first sample: start a mediasoup worker, print its dump, stream its resource usage every
// second for a few seconds with Rx, then close it.
using System.Reactive.Linq;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RxMediasoup;
using RxMediasoup.Samples;

int seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 5;

using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
var log = loggerFactory.CreateLogger("WorkerStats");

// First run: builds mediasoup-worker into the per-user cache (5–12 minutes), its progress on this terminal.
string workerBin = await WorkerBootstrap.EnsureWorkerAsync();

await using var worker = await Worker.CreateAsync(new WorkerSettings
{
    WorkerBin = workerBin,
    LogLevel = WorkerLogLevel.Warn,
    LoggerFactory = loggerFactory,
});
worker.Died.Subscribe(death => log.LogError("worker died: {Death}", death));
log.LogInformation("worker running, pid {Pid}", worker.Pid);

var dump = await worker.DumpAsync();
Console.WriteLine(JsonSerializer.Serialize(dump, new JsonSerializerOptions { WriteIndented = true }));

// One resource-usage request per second; Concat keeps at most one in flight.
await Observable.Interval(TimeSpan.FromSeconds(1))
    .Take(seconds)
    .Select(_ => Observable.FromAsync(ct => worker.GetResourceUsageAsync(ct)))
    .Concat()
    .Scan((Previous: (WorkerResourceUsage?)null, Current: (WorkerResourceUsage?)null), (acc, usage) => (acc.Current, usage))
    .Do(pair =>
    {
        var u = pair.Current!;
        var cpu = pair.Previous is { } p ? (u.UserCpuTime + u.SystemCpuTime - p.UserCpuTime - p.SystemCpuTime).TotalMilliseconds : 0;
        Console.WriteLine($"user {u.UserCpuTime.TotalMilliseconds,6:0} ms  system {u.SystemCpuTime.TotalMilliseconds,6:0} ms  " +
                          $"cpu last second {cpu,4:0} ms  max RSS {u.MaxResidentSetSize / 1024.0,6:0.0} MiB  " +
                          $"context switches {u.VoluntaryContextSwitches + u.InvoluntaryContextSwitches}");
    })
    .LastOrDefaultAsync();

await worker.CloseAsync();
log.LogInformation("worker closed (subprocess closed: {Closed})", worker.IsSubprocessClosed);
