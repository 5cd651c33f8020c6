using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RxMediasoup.PackageTests;

/// <summary>
/// RxMediasoup.Testing as a user gets it: a fresh xunit project (TestingApp/) outside the repository, restored from the
/// local feed, runs the package README's "test your own code" snippet with no worker anywhere (MEDIASOUP_WORKER_BIN
/// names a missing file, the worker build cache is empty), and gets no native worker from the package.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed partial class TestingPackageTests(PackageFeed feed)
{
    private const string Native = "RxMediasoup.Worker.linux-x64";

    [Fact]
    public async Task TheTestingPackageDependsOnRxMediasoupWithoutItsNativeWorker()
    {
        await feed.Packed;
        using var zip = ZipFile.OpenRead(feed.Package("RxMediasoup.Testing"));
        using var nuspec = zip.GetEntry("RxMediasoup.Testing.nuspec")!.Open();
        var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
        var core = Assert.Single(dependencies); // RxMediasoup only: the native package is RxMediasoup's dependency
        Assert.Equal("RxMediasoup", (string?)core.Attribute("id"));
        Assert.Equal(feed.Version, (string?)core.Attribute("version"));
        // NuGet intersects these flags along the path to RxMediasoup.Worker.linux-x64: its native files and build targets stop here.
        var excluded = ((string?)core.Attribute("exclude") ?? "").Split(',');
        Assert.Contains("Native", excluded);
        Assert.Contains("Build", excluded);
        Assert.Contains("BuildTransitive", excluded);
        Assert.DoesNotContain("Compile", excluded);
        Assert.DoesNotContain("Runtime", excluded);
    }

    [Fact]
    public async Task TheReadmeSnippetRunsInAFreshXunitProjectWithNoWorker()
    {
        await feed.Packed;
        string dir = Path.Combine(feed.Root, "testing-app");
        string cache = Path.Combine(feed.Root, "testing-empty-worker-cache");
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(cache);
        string template = Path.Combine(AppContext.BaseDirectory, "TestingApp");
        var versions = PackageVersions();
        await File.WriteAllTextAsync(Path.Combine(dir, "TestingApp.csproj"), (await File.ReadAllTextAsync(Path.Combine(template, "TestingApp.csproj")))
            .Replace("$(RxMediasoupVersion)", feed.Version).Replace("$(TestSdkVersion)", versions["Microsoft.NET.Test.Sdk"])
            .Replace("$(XunitVersion)", versions["xunit"]).Replace("$(XunitRunnerVersion)", versions["xunit.runner.visualstudio"]));
        await File.WriteAllTextAsync(Path.Combine(dir, "TestYourOwnCode.cs"), (await File.ReadAllTextAsync(Path.Combine(template, "TestYourOwnCode.cs")))
            .Replace("// README SNIPPET", Snippet()));
        feed.NuGetConfig().Save(Path.Combine(dir, "nuget.config")); // RxMediasoup* from the feed only

        var environment = new Dictionary<string, string?>(feed.ConsumerEnvironment)
        {
            ["MEDIASOUP_WORKER_BIN"] = "/nonexistent",
            ["RXMEDIASOUP_CACHE_DIR"] = cache,
        };
        var test = await Cli.DotnetAsync(dir, environment, "test", "-c", "Release");
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Matches(@"Passed!\s+-\s+Failed:\s+0,\s+Passed:\s+1,", test.Stdout);

        // No worker reached the project: no native file in its output, none of the native package's assets in the restore.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir, "bin"), "*mediasoup-worker*", SearchOption.AllDirectories));
        using var assets = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "obj", "project.assets.json")));
        var targets = assets.RootElement.GetProperty("targets").EnumerateObject().Single().Value;
        Assert.True(targets.TryGetProperty($"RxMediasoup/{feed.Version}", out _));
        // The native package is restored (RxMediasoup depends on it) but inert: each of its asset groups holds only
        // NuGet's "_._" placeholder (excluded), none of its files.
        var native = targets.GetProperty($"{Native}/{feed.Version}");
        var files = native.EnumerateObject().Where(group => group.Value.ValueKind == JsonValueKind.Object)
            .SelectMany(group => group.Value.EnumerateObject().Select(file => file.Name)).ToList();
        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.EndsWith("/_._", file));
    }

    /// <summary>The csharp block after the marker in src/RxMediasoup.Testing/README.md (the package's README).</summary>
    private static string Snippet()
    {
        string readme = File.ReadAllText(Path.Combine(PackageFeed.RepoRoot, "src", "RxMediasoup.Testing", "README.md"));
        var match = SnippetBlock().Match(readme);
        Assert.True(match.Success, "no ```csharp block after <!-- test-your-own-code --> in the package README");
        return match.Groups[1].Value;
    }

    /// <summary>The repository's own versions (Directory.Packages.props) of the test packages.</summary>
    private static Dictionary<string, string> PackageVersions()
        => XDocument.Load(Path.Combine(PackageFeed.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

    [GeneratedRegex(@"<!-- test-your-own-code[^>]*-->\s*```csharp\n(.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex SnippetBlock();
}
