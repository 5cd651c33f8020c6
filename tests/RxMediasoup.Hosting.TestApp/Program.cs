using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxMediasoup;
using RxMediasoup.Hosting;

// Configuration from the command line (e.g. --Mediasoup:NumWorkers=2); prints "WORKERS <pid>,<pid>" once the
// host has started, "STOPPED" once it has stopped (SIGTERM), then exits 0.
var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole();
builder.Logging.SetMinimumLevel(LogLevel.Information);
builder.Services.AddMediasoup(builder.Configuration.GetSection("Mediasoup"));
using var host = builder.Build();
await host.StartAsync();
var manager = host.Services.GetRequiredService<WorkerManager>();
Console.WriteLine($"WORKERS {string.Join(",", manager.Workers.Items.Select(w => w.Pid))}");
Console.Out.Flush();
await host.WaitForShutdownAsync();
Console.WriteLine("STOPPED");
return 0;
