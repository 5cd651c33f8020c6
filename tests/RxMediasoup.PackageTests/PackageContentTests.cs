using System.IO.Compression;
using System.Reflection.Metadata;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;

namespace RxMediasoup.PackageTests;

/// <summary>What the packages hold: metadata, dependencies, README, LICENSE, XML docs, the worker and its notices, symbols
/// with SourceLink.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageContentTests(PackageFeed feed)
{
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");
    private const string Native = "RxMediasoup.Worker.linux-x64";

    [Theory]
    [InlineData("RxMediasoup")]
    [InlineData("RxMediasoup.Hosting")]
    [InlineData("RxMediasoup.Testing")]
    [InlineData("RxMediasoup.Orleans")]
    [InlineData(Native)]
    public async Task EveryPackageHasItsMetadataReadmeAndLicense(string id)
    {
        await feed.Packed;
        using var zip = ZipFile.OpenRead(feed.Package(id));
        var meta = Metadata(zip, id);
        Assert.Equal(feed.Version, Value(meta, "version"));
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", feed.Version); // SemVer
        Assert.Equal("ISC", Value(meta, "license"));
        Assert.Equal("README.md", Value(meta, "readme"));
        Assert.Equal("RxMediasoup contributors", Value(meta, "authors"));
        var repository = meta.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal(RepositoryUrl, (string?)repository.Attribute("url"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
        Assert.Contains("mediasoup", Text(zip, "README.md"));
        Assert.Contains("ISC License", Text(zip, "LICENSE"));
        Assert.Contains("Copyright (c) 2026 RxMediasoup contributors", Text(zip, "LICENSE"));
    }

    [Theory]
    [InlineData("RxMediasoup")]
    [InlineData("RxMediasoup.Hosting")]
    [InlineData("RxMediasoup.Testing")]
    [InlineData("RxMediasoup.Orleans")]
    public async Task ManagedPackagesHaveXmlDocsAndSymbolPackages(string id)
    {
        await feed.Packed;
        using var zip = ZipFile.OpenRead(feed.Package(id));
        Assert.NotNull(zip.GetEntry($"lib/net10.0/{id}.dll"));
        Assert.Contains("<member name=", Text(zip, $"lib/net10.0/{id}.xml"));
        using var symbols = ZipFile.OpenRead(feed.SymbolPackage(id));
        Assert.NotNull(symbols.GetEntry($"lib/net10.0/{id}.pdb"));
    }

    [Fact]
    public async Task DependenciesBringTheWorkerWithRxMediasoup()
    {
        await feed.Packed;
        var core = Dependencies(feed.Package("RxMediasoup"), "RxMediasoup");
        // include="All": the native package's build targets (the execute bits) reach the application too.
        Assert.Equal((feed.Version, "All"), core[Native]);
        Assert.Contains("System.Reactive", core.Keys);
        var hosting = Dependencies(feed.Package("RxMediasoup.Hosting"), "RxMediasoup.Hosting");
        Assert.Equal(feed.Version, hosting["RxMediasoup"].Version);
        Assert.Empty(Dependencies(feed.Package(Native), Native));
    }

    [Fact]
    public async Task TheNativePackageCarriesTheCachedWorkerItsInfoAndNotices()
    {
        await feed.Packed;
        using var zip = ZipFile.OpenRead(feed.Package(Native));
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal)); // no managed code
        var worker = zip.GetEntry("runtimes/linux-x64/native/mediasoup-worker");
        Assert.NotNull(worker);
        string cached = (await Cli.RunAsync("bash", [Path.Combine(PackageFeed.RepoRoot, "scripts", "build-worker.sh"), "--print-path"],
            PackageFeed.RepoRoot)).Stdout.Trim();
        await using (var packed = worker.Open())
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(cached))), Convert.ToHexStringLower(SHA256.HashData(packed)));
        }
        // The library for WorkerMode.InProcess, beside it (the locator looks next to the binary it found).
        var library = zip.GetEntry("runtimes/linux-x64/native/libmediasoup-worker.so");
        Assert.NotNull(library);
        await using (var packed = library.Open())
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(cached)!, "libmediasoup-worker.so")))),
                Convert.ToHexStringLower(SHA256.HashData(packed)));
        }
        Assert.NotNull(zip.GetEntry("buildTransitive/RxMediasoup.Worker.linux-x64.targets"));

        string info = Text(zip, "WORKER-INFO.txt");
        Assert.Contains("mediasoup-worker version: 3.27.1", info);
        Assert.Contains("(operationType & BIO_CB_RETURN)", info); // the applied patch itself
        Assert.Matches(@"minimum glibc: 2\.\d+ ", info);
        Assert.Contains("linked statically", info);

        string notices = Text(zip, "THIRD-PARTY-NOTICES.txt");
        foreach (string component in new[] { "OpenSSL", "libuv", "libsrtp", "abseil", "flatbuffers", "unordered_dense", "libwebrtc",
                     "Apache License", "pull request #790" })
            Assert.Contains(component, notices);
    }

    [Fact]
    public async Task SourceLinkInThePdbMapsTheSourcesToTheRepository()
    {
        await feed.Packed;
        using var symbols = ZipFile.OpenRead(feed.SymbolPackage("RxMediasoup"));
        using var pdb = new MemoryStream();
        await using (var entry = symbols.GetEntry("lib/net10.0/RxMediasoup.pdb")!.Open()) await entry.CopyToAsync(pdb);
        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();

        string json = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind)
            .Select(c => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value))).Single();
        var map = JsonDocument.Parse(json).RootElement.GetProperty("documents").EnumerateObject().Single();
        string source = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name))
            .Single(n => n.EndsWith("/src/RxMediasoup/Hosting/WorkerBinary.cs", StringComparison.Ordinal));

        Assert.EndsWith("*", map.Name);
        string prefix = map.Name.TrimEnd('*');
        Assert.StartsWith(prefix, source);
        string commit = (await Cli.RunAsync("git", ["rev-parse", "HEAD"], PackageFeed.RepoRoot)).Stdout.Trim();
        string url = map.Value.GetString()!.Replace("*", source[prefix.Length..]);
        Assert.Equal($"https://raw.githubusercontent.com{new Uri(RepositoryUrl).AbsolutePath}/{commit}/src/RxMediasoup/Hosting/WorkerBinary.cs", url);
    }

    private static string RepositoryUrl =>
        XDocument.Load(Path.Combine(PackageFeed.RepoRoot, "src", "Directory.Build.props")).Descendants("RepositoryUrl").Single().Value;

    private static XElement Metadata(ZipArchive zip, string id)
    {
        using var nuspec = zip.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    private static Dictionary<string, (string Version, string? Include)> Dependencies(string package, string id)
    {
        using var zip = ZipFile.OpenRead(package);
        return Metadata(zip, id).Descendants().Where(e => e.Name.LocalName == "dependency")
            .ToDictionary(e => (string)e.Attribute("id")!, e => ((string)e.Attribute("version")!, (string?)e.Attribute("include")));
    }

    private static string Text(ZipArchive zip, string entry)
    {
        using var reader = new StreamReader(zip.GetEntry(entry)?.Open() ?? throw new Xunit.Sdk.XunitException($"no {entry} in the package"));
        return reader.ReadToEnd();
    }
}
