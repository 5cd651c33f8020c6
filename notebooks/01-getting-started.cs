#:project ../src/RxMediasoup/RxMediasoup.csproj
#:project NotebookKit/NotebookKit.csproj
#:property PublishAot=false
#:property ImplicitUsings=disable

// %% [markdown]
// # Getting started: a worker, a router and its capabilities
//
// A `Worker` is one mediasoup-worker process (C++), driven over a pipe with FlatBuffers. Everything the library
// knows about it is a stream: `Died`, `Closed`, resource usage polled on a timer. Run this notebook with
// `dotnet run notebooks/01-getting-started.cs` or open the generated `.dib` (both need `bash scripts/build-worker.sh`
// once; `bash scripts/run-notebooks.sh` runs every notebook both ways).

// %%
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.Json;
using RxMediasoup;
using RxMediasoup.Notebooks;

var worker = await Worker.CreateAsync(new WorkerSettings { LogLevel = WorkerLogLevel.Warn });
worker.Died.Subscribe(d => Console.WriteLine($"worker died: {d}"));
Console.WriteLine($"mediasoup-worker {MediasoupInfo.WorkerVersion}, pid {worker.Pid}, binary {WorkerBinary.Locate()}");
var dump = await worker.DumpAsync();
Console.WriteLine(JsonSerializer.Serialize(dump, MediasoupJson.Options));

// %% [markdown]
// ## Resource usage as a stream
//
// `PollResourceUsage(period)` sends one request per period, never two at once, and is shared by every subscriber
// while one is subscribed. CPU time is cumulative: the chart shows how much the worker used between two samples,
// while this notebook creates and closes routers to give it something to do.

// %%
var cpu = new List<(double T, double CpuMs, double RssMiB)>();
var started = DateTime.UtcNow;
var busy = Observable.Interval(TimeSpan.FromMilliseconds(50))
    .SelectMany(async _ => { var r = await worker.CreateRouterAsync(); await r.CloseAsync(); return 0; })
    .Subscribe();
await worker.PollResourceUsage(TimeSpan.FromMilliseconds(100))
    .Take(30)
    .Do(u => cpu.Add(((DateTime.UtcNow - started).TotalSeconds, (u.UserCpuTime + u.SystemCpuTime).TotalMilliseconds, u.MaxResidentSetSize / 1024.0)))
    .LastAsync();
busy.Dispose();
var cpuPerSample = cpu.Zip(cpu.Skip(1), (a, b) => b.CpuMs - a.CpuMs).ToList();
Charts.Line("01-worker-cpu", "mediasoup-worker CPU per 100 ms sample (creating and closing routers)", "CPU ms",
    new Series("user+system CPU ms", cpu.Skip(1).Select(s => s.T).ToList(), cpuPerSample));
Console.WriteLine($"{cpu.Count} samples, max RSS {cpu[^1].RssMiB:F1} MiB, routers left: {worker.Routers.Count}");

// %% [markdown]
// ## A router and its RTP capabilities
//
// A router is given the codecs it may route; its `RtpCapabilities` add RTX for each video codec, pick payload types
// and list the header extensions. This JSON is what mediasoup-client's `device.load({ routerRtpCapabilities })`
// takes (the library's records serialize with mediasoup's JSON shapes through `MediasoupJson.Options`).

// %%
var router = await worker.CreateRouterAsync(new RouterOptions
{
    MediaCodecs =
    [
        new RtpCodecCapability { Kind = MediaKind.Audio, MimeType = "audio/opus", ClockRate = 48000, Channels = 2 },
        new RtpCodecCapability { Kind = MediaKind.Video, MimeType = "video/VP8", ClockRate = 90000 },
    ],
});
foreach (var c in router.RtpCapabilities.Codecs)
    Console.WriteLine($"{c.Kind,-6} {c.MimeType,-11} pt {c.PreferredPayloadType,3} {c.ClockRate,6} Hz {string.Join(";", c.Parameters.Select(p => $"{p.Key}={p.Value}"))}");
foreach (var h in router.RtpCapabilities.HeaderExtensions)
    Console.WriteLine($"{h.Kind,-6} id {h.PreferredId,2} {h.Direction,-9} {h.Uri}");
if (router.RtpCapabilities.Codecs.Count != 3) throw new Exception("expected opus, VP8 and VP8's RTX");
var json = JsonSerializer.Serialize(router.RtpCapabilities, MediasoupJson.Options);
Console.WriteLine(json[..Math.Min(json.Length, 300)] + " …");

// %% [markdown]
// ## Closing cascades
//
// Closing the worker closes its routers (their `Closed` stream says why) and the process exits.

// %%
var routerClosed = router.Closed.FirstAsync().ToTask();
await worker.CloseAsync();
var reason = await routerClosed;
await worker.SubprocessClosed.FirstOrDefaultAsync().Timeout(TimeSpan.FromSeconds(5)).ToTask();
if (reason != CloseReason.WorkerClosed || !worker.IsSubprocessClosed) throw new Exception($"close did not cascade: {reason}, exited {worker.IsSubprocessClosed}");
Console.WriteLine($"router closed with {reason}; worker process exited: {worker.IsSubprocessClosed}");
