using RxMediasoup;

// Starts a worker, prints "WORKER <pid>" and waits forever; the test then kills this host.
var worker = await Worker.CreateAsync();
Console.WriteLine($"WORKER {worker.Pid}");
Console.Out.Flush();
await Task.Delay(Timeout.Infinite);
GC.KeepAlive(worker);
