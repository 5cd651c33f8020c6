// A console app that knows RxMediasoup only from its NuGet packages: the generic host with AddMediasoup, one worker
// (from the packaged binary), a router created and closed. Prints what the package tests check.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RxMediasoup;
using RxMediasoup.Hosting;

try
{
    Console.WriteLine($"worker-bin: {WorkerBinary.Locate()}");
    var builder = Host.CreateApplicationBuilder(args);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    bool inProcess = args.Contains("--in-process");
    builder.Services.AddMediasoup(o =>
    {
        o.NumWorkers = 1;
        if (inProcess) o.WorkerSettings.Mode = "InProcess"; // libmediasoup-worker.so from the package, on a thread of this app
    });
    using var host = builder.Build();
    await host.StartAsync();
    var worker = await host.Services.GetRequiredService<WorkerManager>().GetLeastLoadedWorkerAsync();
    Console.WriteLine($"worker-pid: {worker.Pid}");
    Console.WriteLine($"worker-mode: {(inProcess ? "in-process" : "subprocess")}");
    var router = await worker.CreateRouterAsync();
    Console.WriteLine($"router-id: {router.Id}");
    await router.CloseAsync();
    Console.WriteLine($"router-closed: {router.IsClosed}");
    await host.StopAsync();
    Console.WriteLine($"worker-closed: {worker.IsClosed}");
    return 0;
}
catch (MediasoupException e)
{
    Console.Error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
    return 3;
}
