using System.Reflection;
using System.Runtime.Loader;

/// <summary>
/// Another build of RxMediasoup (scripts/bench-telemetry.sh: the library before telemetry) loaded beside this one in
/// its own <see cref="AssemblyLoadContext"/> (its dependencies — System.Reactive, FlatBuffers… — are shared from the
/// default context), with a worker of its own: PairedBenchmark alternates phases between the two libraries inside
/// one process. Reached by reflection once; the measured calls go through a delegate, as this library's do.
/// </summary>
internal sealed class BaselineLibrary : IAsyncDisposable
{
    private readonly object _worker;
    private readonly Func<Task> _close;

    private BaselineLibrary(object worker, Func<Task> dump, Func<Task> close)
    {
        _worker = worker;
        Dump = dump;
        _close = close;
    }

    /// <summary>worker.DumpAsync() of the other library's worker.</summary>
    public Func<Task> Dump { get; }

    public static async Task<BaselineLibrary> LoadAsync(string dll)
    {
        var context = new AssemblyLoadContext("RxMediasoup baseline");
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(dll));
        var workerType = assembly.GetType("RxMediasoup.Worker", throwOnError: true)!;
        var create = workerType.GetMethod("CreateAsync", BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMethodException("RxMediasoup.Worker.CreateAsync");
        var creating = (Task)create.Invoke(null, [null, CancellationToken.None])!;
        await creating;
        object worker = creating.GetType().GetProperty("Result")!.GetValue(creating)!;
        var dump = (Func<CancellationToken, Task>)Delegate.CreateDelegate(typeof(Func<CancellationToken, Task>), worker,
            workerType.GetMethod("DumpAsync", [typeof(CancellationToken)])!);
        var close = (Func<Task>)Delegate.CreateDelegate(typeof(Func<Task>), worker, workerType.GetMethod("CloseAsync", Type.EmptyTypes)!);
        return new BaselineLibrary(worker, () => dump(CancellationToken.None), close);
    }

    public async ValueTask DisposeAsync() => await _close().ConfigureAwait(false);

    public override string ToString() => _worker.GetType().Assembly.Location;
}
