namespace RxMediasoup.Tests.Workers;

/// <summary>
/// WorkerBinary's search order (explicit, MEDIASOUP_WORKER_BIN, next to the app flat, next to the app under
/// runtimes/linux-x64/native, the cache) and its execute-bit fix, on files in a temporary folder.
/// </summary>
public sealed class WorkerBinaryTests : IDisposable
{
    private const UnixFileMode ReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = ReadWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly string _dir = Directory.CreateTempSubdirectory("rxms-locator-").FullName;

    private string App => Path.Combine(_dir, "app");
    private string Flat => Path.Combine(App, "mediasoup-worker");
    private string Runtimes => Path.Combine(App, "runtimes", "linux-x64", "native", "mediasoup-worker");
    private string Cache => Path.Combine(_dir, "cache", "mediasoup-worker", MediasoupInfo.WorkerVersion, "mediasoup-worker");
    private string Explicit => Path.Combine(_dir, "explicit", "mediasoup-worker");
    private string FromEnv => Path.Combine(_dir, "env", "mediasoup-worker");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Create(string path, UnixFileMode mode = Executable)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private string Locate(string? explicitPath = null, string? fromEnv = null) =>
        WorkerBinary.LocateIn(explicitPath, fromEnv, App, Cache);

    [Fact]
    public void EachPlaceWinsOverTheOnesAfterIt()
    {
        Create(Cache);
        Assert.Equal(Cache, Locate());
        Create(Runtimes);
        Assert.Equal(Runtimes, Locate());
        Create(Flat);
        Assert.Equal(Flat, Locate());
        Create(FromEnv);
        Assert.Equal(FromEnv, Locate(fromEnv: FromEnv));
        Create(Explicit);
        Assert.Equal(Explicit, Locate(Explicit, FromEnv));
    }

    [Fact]
    public void PackagedPathsAreTheFlatOneThenTheRuntimesOne()
    {
        Assert.Equal([Flat, Runtimes], WorkerBinary.PackagedPaths(App));
    }

    [Fact]
    public void NothingFoundListsEveryPlaceAndHowToGetAWorker()
    {
        var e = Assert.Throws<WorkerBinaryNotFoundException>(() => Locate());
        Assert.Equal([Flat, Runtimes, Cache], e.SearchedPaths);
        Assert.Contains("RxMediasoup.Worker.linux-x64", e.Message);
        Assert.Contains(WorkerBinary.BuildCommand, e.Message);
        // An explicit path or MEDIASOUP_WORKER_BIN that does not exist is an error, not a reason to look further.
        Create(Flat);
        Assert.Throws<WorkerBinaryNotFoundException>(() => Locate(Explicit));
        Assert.Throws<WorkerBinaryNotFoundException>(() => Locate(fromEnv: FromEnv));
    }

    [Fact]
    public void APackagedWorkerWithoutExecuteBitsGetsThem()
    {
        // NuGet extracts files 0744 or 0644; group and others get x where they may read.
        Create(Runtimes, ReadWrite);
        Assert.Equal(Runtimes, Locate());
        Assert.Equal(Executable, File.GetUnixFileMode(Runtimes));

        Create(Flat, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(Flat, Locate());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Flat));
    }

    [Fact]
    public void AnExecutableWorkerIsLeftAlone()
    {
        Create(Flat, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var calls = 0;
        WorkerBinary.EnsureExecutable(Flat, _ => true, (_, _) => calls++);
        Assert.Equal(0, calls);
        Assert.Equal(Flat, Locate());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute, File.GetUnixFileMode(Flat));
    }

    [Fact]
    public void AModeThatCannotBeChangedThrowsNamingTheChmod()
    {
        // The refusal the OS gives a user who does not own the file (root may chmod anything, so it is simulated here;
        // the package tests run the real case as a non-root user).
        Create(Flat, ReadWrite);
        var e = Assert.Throws<WorkerBinaryNotExecutableException>(() => WorkerBinary.EnsureExecutable(Flat, _ => false,
            (_, _) => throw new UnauthorizedAccessException("Operation not permitted")));
        Assert.Equal(Flat, e.Path);
        Assert.Contains($"chmod a+x '{Flat}'", e.Message);
        Assert.Contains("Operation not permitted", e.Message);
        Assert.IsAssignableFrom<MediasoupException>(e);
    }

    [Fact]
    public void AFileStillNotExecutableAfterTheFixThrows()
    {
        // e.g. a noexec mount: the mode is set, execution is still refused.
        Create(Flat, ReadWrite);
        var e = Assert.Throws<WorkerBinaryNotExecutableException>(() => WorkerBinary.EnsureExecutable(Flat, _ => false, (_, _) => { }));
        Assert.Contains("still not executable", e.Message);
    }

    [Fact]
    [Trait("WorkerMode", TestWorkerMode.SubprocessOnly)] // about the executable; an in-process worker loads the library
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Process)]
    public async Task TheLocatedPackagedWorkerStarts()
    {
        // A copy of the real worker next to the "app", mode 0644 as NuGet may leave it: located, fixed, and it runs.
        Create(Runtimes, ReadWrite);
        File.Copy(WorkerBinary.Locate(), Runtimes, overwrite: true);
        File.SetUnixFileMode(Runtimes, ReadWrite);
        await using var worker = await RxMediasoup.Worker.CreateAsync(new WorkerSettings { WorkerBin = Locate() });
        Assert.Equal(Runtimes, File.ReadAllText($"/proc/{worker.Pid}/cmdline").Split('\0')[0]);
        await worker.CloseAsync();
        Assert.False(Processes.IsAlive(worker.Pid));
    }
}
