namespace RxMediasoup.PackageTests;

/// <summary>
/// The consumer app built and published from the packages runs a worker from the packaged binary, creates and closes a
/// router, and leaves no worker behind: after `dotnet build`, after `dotnet publish -r linux-x64`, and as a non-root user.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConsumerAppTests(PackageFeed feed)
{
    private const string TestUser = "rxms-pkgtest";

    [Fact]
    public async Task BuiltAppRunsTheWorkerFromThePackage()
    {
        await feed.Built;
        string appDll = Path.Combine(feed.AppDir, "bin", "Release", "net10.0", "ConsumerApp.dll");
        var run = await Cli.RunAsync("dotnet", [appDll], feed.Root, feed.ConsumerEnvironment, TimeSpan.FromMinutes(1));
        // A portable build: the package's runtimes/linux-x64/native/ folder, next to the app.
        AssertRanAndClosed(run, Path.Combine(feed.AppDir, "bin", "Release", "net10.0", "runtimes", "linux-x64", "native", "mediasoup-worker"));
    }

    [Fact]
    public async Task PublishedAppRunsTheWorkerFromThePackage()
    {
        await feed.Published;
        var run = await Cli.RunAsync(Path.Combine(feed.PublishDir, "ConsumerApp"), [], feed.Root, feed.ConsumerEnvironment, TimeSpan.FromMinutes(1));
        // A RID-specific publish puts the native file next to the app.
        AssertRanAndClosed(run, Path.Combine(feed.PublishDir, "mediasoup-worker"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                     UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
            File.GetUnixFileMode(Path.Combine(feed.PublishDir, "mediasoup-worker")));
    }

    [Fact]
    public async Task PublishedAppRunsAnInProcessWorkerFromThePackage()
    {
        await feed.Published;
        var run = await Cli.RunAsync(Path.Combine(feed.PublishDir, "ConsumerApp"), ["--in-process"], feed.Root, feed.ConsumerEnvironment,
            TimeSpan.FromMinutes(1));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("in-process", run.Line("worker-mode"));
        Assert.True(File.Exists(Path.Combine(feed.PublishDir, "libmediasoup-worker.so")), "the library was not published next to the app");
        Assert.True(Guid.TryParse(run.Line("router-id"), out _), run.ToString());
        Assert.Equal("True", run.Line("worker-closed"));
    }

    [Fact]
    public async Task PublishedAppRunsAsANonRootUser()
    {
        await feed.Published;
        var (uid, gid) = await NonRootUserAsync();

        // 1. Deployed as root would deploy it (root-owned copy, modes as published): the user runs it.
        string deployed = await DeployAsync("deployed");
        AssertRanAndClosed(await RunAsUserAsync(deployed), Path.Combine(deployed, "mediasoup-worker"));

        // 2. The user's own copy whose worker lost its execute bits (as NuGet extracts it for another user): fixed, runs.
        string own = await DeployAsync("own");
        string ownWorker = Path.Combine(own, "mediasoup-worker");
        File.SetUnixFileMode(ownWorker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await ChownAsync(own, uid, gid);
        AssertRanAndClosed(await RunAsUserAsync(own), ownWorker);
        Assert.True(File.GetUnixFileMode(ownWorker).HasFlag(UnixFileMode.OtherExecute), "the locator did not add the execute bits");

        // 3. Root's copy, executable by its owner only: the user cannot fix it, the error says what to run.
        string locked = await DeployAsync("locked");
        string lockedWorker = Path.Combine(locked, "mediasoup-worker");
        File.SetUnixFileMode(lockedWorker, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                           UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = await RunAsUserAsync(locked);
        Assert.True(refused.ExitCode == 3, refused.ToString());
        Assert.Contains("WorkerBinaryNotExecutableException", refused.Stderr);
        Assert.Contains($"chmod a+x '{lockedWorker}'", refused.Stderr);
    }

    [Fact]
    public async Task PackingWithoutABuiltWorkerFailsSayingHowToBuildIt()
    {
        await feed.Packed; // not concurrently with the fixture's pack of the same project
        string empty = Directory.CreateDirectory(Path.Combine(feed.Root, "no-worker-cache")).FullName;
        var pack = await Cli.DotnetAsync(PackageFeed.RepoRoot, new Dictionary<string, string?> { ["RXMEDIASOUP_CACHE_DIR"] = empty },
            "pack", Path.Combine(PackageFeed.RepoRoot, "src", "RxMediasoup.Worker.linux-x64", "RxMediasoup.Worker.linux-x64.csproj"),
            "-c", "Release", "-o", Path.Combine(feed.Root, "no-worker-feed"));
        Assert.NotEqual(0, pack.ExitCode);
        Assert.Contains("mediasoup-worker 3.27.1 is not built", pack.Stdout);
        Assert.Contains("bash scripts/build-worker.sh", pack.Stdout);
        Assert.False(Directory.Exists(Path.Combine(feed.Root, "no-worker-feed")) &&
                     Directory.EnumerateFiles(Path.Combine(feed.Root, "no-worker-feed"), "*.nupkg").Any(), "a package was written anyway");
    }

    private static void AssertRanAndClosed(CliResult run, string expectedWorker)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(expectedWorker, run.Line("worker-bin"));
        Assert.True(Guid.TryParse(run.Line("router-id"), out _), run.ToString());
        Assert.Equal("True", run.Line("router-closed"));
        Assert.Equal("True", run.Line("worker-closed"));
        int pid = int.Parse(run.Line("worker-pid")!);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "),
            $"worker {pid} is still running after the app exited");
    }

    /// <summary>A copy of the published app in a folder everyone may read (what a deployment does as root).</summary>
    private async Task<string> DeployAsync(string name)
    {
        string dir = Path.Combine(feed.Root, "deploy", name);
        Directory.CreateDirectory(Path.GetDirectoryName(dir)!);
        var copy = await Cli.RunAsync("cp", ["-r", "--preserve=mode", feed.PublishDir, dir], feed.Root);
        Assert.True(copy.ExitCode == 0, copy.ToString());
        var search = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead |
                     UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        for (var d = new DirectoryInfo(dir); d is not null && d.FullName != "/"; d = d.Parent)
        {
            if (d.FullName.StartsWith(feed.Root, StringComparison.Ordinal) || d.FullName == feed.Root)
                File.SetUnixFileMode(d.FullName, search);
        }
        return dir;
    }

    private async Task<CliResult> RunAsUserAsync(string appDir)
    {
        // HOME and the (empty) worker cache in a folder the user owns.
        string home = Path.Combine(feed.Root, "home-" + Path.GetFileName(appDir));
        Directory.CreateDirectory(home);
        var (uid, gid) = await NonRootUserAsync();
        await ChownAsync(home, uid, gid);
        var env = new Dictionary<string, string?>(feed.ConsumerEnvironment)
        {
            ["HOME"] = home,
            ["RXMEDIASOUP_CACHE_DIR"] = Path.Combine(home, "cache"),
            ["NUGET_PACKAGES"] = null,
            ["DOTNET_CLI_HOME"] = home,
        };
        // runuser resets HOME to the user's passwd entry (which does not exist): env sets it again.
        return await Cli.RunAsync("runuser", ["-u", TestUser, "--", "env", $"HOME={home}", Path.Combine(appDir, "ConsumerApp")],
            home, env, TimeSpan.FromMinutes(1));
    }

    private static async Task ChownAsync(string path, int uid, int gid)
    {
        var chown = await Cli.RunAsync("chown", ["-R", $"{uid}:{gid}", path], "/");
        Assert.True(chown.ExitCode == 0, chown.ToString());
    }

    /// <summary>The test user (created when missing). Running as root is required: runuser and useradd need it.</summary>
    private static async Task<(int Uid, int Gid)> NonRootUserAsync()
    {
        var me = await Cli.RunAsync("id", ["-u"], "/");
        Assert.True(me.Stdout.Trim() == "0",
            $"this test runs the published app as the non-root user '{TestUser}' through runuser and must run as root " +
            $"(it is uid {me.Stdout.Trim()}): run the package tests as root (CI does)");
        var uid = await Cli.RunAsync("id", ["-u", TestUser], "/");
        if (uid.ExitCode != 0)
        {
            var add = await Cli.RunAsync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TestUser], "/");
            Assert.True(add.ExitCode == 0, $"could not create the non-root user {TestUser}: {add}");
            uid = await Cli.RunAsync("id", ["-u", TestUser], "/");
        }
        var gid = await Cli.RunAsync("id", ["-g", TestUser], "/");
        return (int.Parse(uid.Stdout.Trim()), int.Parse(gid.Stdout.Trim()));
    }
}
