using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RxMediasoup.PackageTests;

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "packages";
}

/// <summary>
/// Once per test run: packs the five packages into a temporary folder feed (<c>scripts/pack.sh</c>), then, on demand,
/// creates the consumer app (tests' ConsumerApp/) in a temporary folder outside the repository, restores it from that
/// feed only (packageSourceMapping RxMediasoup* → the feed, everything else → the machine's usual sources) into a
/// private NUGET_PACKAGES folder, builds it and publishes it for linux-x64. Deletes it all at the end.
/// </summary>
public sealed partial class PackageFeed : IAsyncLifetime
{
    private readonly Lazy<Task> _packed;
    private readonly Lazy<Task> _app;
    private readonly Lazy<Task> _built;
    private readonly Lazy<Task> _published;

    public PackageFeed()
    {
        Root = Directory.CreateTempSubdirectory("rxms-packages-").FullName;
        _packed = new(PackAsync);
        _app = new(CreateAppAsync);
        _built = new(BuildAsync);
        _published = new(PublishAsync);
    }

    /// <summary>The temporary folder everything lives in (outside the repository).</summary>
    public string Root { get; }
    public string Feed => Path.Combine(Root, "feed");
    public string AppDir => Path.Combine(Root, "app");
    public string PublishDir => Path.Combine(Root, "publish");
    /// <summary>The consumer's private NuGet cache: a package restored from an older run cannot make a test pass.</summary>
    public string NuGetPackages => Path.Combine(Root, "nuget-packages");
    /// <summary>An empty worker build cache: the app must use the packaged worker.</summary>
    public string EmptyWorkerCache => Path.Combine(Root, "empty-worker-cache");
    public string Version { get; private set; } = "";
    public CliResult? PackResult { get; private set; }

    public static string RepoRoot { get; } = FindRepoRoot();

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");
    public string SymbolPackage(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    public Task Packed => _packed.Value;
    public Task Built => _built.Value;
    public Task Published => _published.Value;

    /// <summary>The consumer's environment: private NuGet cache, empty worker cache, no MEDIASOUP_WORKER_BIN.</summary>
    public IReadOnlyDictionary<string, string?> ConsumerEnvironment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = NuGetPackages,
        ["RXMEDIASOUP_CACHE_DIR"] = EmptyWorkerCache,
        ["MEDIASOUP_WORKER_BIN"] = null,
    };

    private async Task PackAsync()
    {
        PackResult = await Cli.RunAsync("bash", [Path.Combine(RepoRoot, "scripts", "pack.sh"), Feed, "-nodeReuse:false", "-p:UseSharedCompilation=false"],
            RepoRoot, timeout: TimeSpan.FromMinutes(4));
        Assert.True(PackResult.ExitCode == 0, PackResult.ToString());
        Version = Directory.GetFiles(Feed, "RxMediasoup.*.nupkg").Select(f => VersionOf().Match(Path.GetFileName(f)))
            .Single(m => m.Success).Groups[1].Value;
    }

    private async Task CreateAppAsync()
    {
        await Packed;
        Directory.CreateDirectory(AppDir);
        Directory.CreateDirectory(EmptyWorkerCache);
        string template = Path.Combine(AppContext.BaseDirectory, "ConsumerApp");
        foreach (string file in Directory.GetFiles(template))
        {
            string text = (await File.ReadAllTextAsync(file)).Replace("$(RxMediasoupVersion)", Version);
            await File.WriteAllTextAsync(Path.Combine(AppDir, Path.GetFileName(file)), text);
        }
        NuGetConfig().Save(Path.Combine(AppDir, "nuget.config"));
    }

    private async Task BuildAsync()
    {
        await _app.Value;
        var build = await Cli.DotnetAsync(AppDir, ConsumerEnvironment, "build", "-c", "Release");
        Assert.True(build.ExitCode == 0, build.ToString());
    }

    private async Task PublishAsync()
    {
        await _app.Value;
        var publish = await Cli.DotnetAsync(AppDir, ConsumerEnvironment, "publish", "-c", "Release", "-r", "linux-x64", "-o", PublishDir);
        Assert.True(publish.ExitCode == 0, publish.ToString());
    }

    /// <summary>
    /// The feed for RxMediasoup*, the machine's own package sources (~/.nuget/NuGet/NuGet.Config) for everything else.
    /// </summary>
    public XDocument NuGetConfig()
    {
        string userConfig = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        var machineSources = File.Exists(userConfig)
            ? XDocument.Load(userConfig).Descendants("packageSources").Elements("add")
                .Select(e => (Key: (string)e.Attribute("key")!, Value: (string)e.Attribute("value")!)).ToList()
            : [];
        if (machineSources.Count == 0) machineSources.Add(("nuget.org", "https://api.nuget.org/v3/index.json"));
        var sources = new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "rxmediasoup-feed"), new XAttribute("value", Feed)));
        var mapping = new XElement("packageSourceMapping", new XElement("packageSource", new XAttribute("key", "rxmediasoup-feed"),
            new XElement("package", new XAttribute("pattern", "RxMediasoup")), new XElement("package", new XAttribute("pattern", "RxMediasoup.*"))));
        foreach (var (key, value) in machineSources)
        {
            sources.Add(new XElement("add", new XAttribute("key", key), new XAttribute("value", value)));
            mapping.Add(new XElement("packageSource", new XAttribute("key", key), new XElement("package", new XAttribute("pattern", "*"))));
        }
        return new XDocument(new XElement("configuration", sources, mapping));
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RxMediasoup.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no RxMediasoup.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^RxMediasoup\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex VersionOf();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }
}
