using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace RxMediasoup.Tests.Architecture;

/// <summary>
/// Every test source file's namespace is its folder path: <c>tests/RxMediasoup.Tests/A/B/X.cs</c> declares
/// <c>namespace RxMediasoup.Tests.A.B</c> (and the acceptance tests likewise). A folder is never named like a type of
/// the library's root namespace: inside <c>RxMediasoup.Tests.*</c> a namespace <c>RxMediasoup.Tests.Worker</c> would
/// shadow the <c>Worker</c> class, which is why the entity folders are plural (<c>Workers</c>, <c>Routers</c>,
/// <c>Producers</c>…) and the ORTC and model tests live in <c>OrtcModel</c>.
/// </summary>
public partial class TestNamespaceTests
{
    private static readonly string[] Projects = ["RxMediasoup.Tests", "RxMediasoup.AcceptanceTests"];

    private static string TestsDirectory([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    [GeneratedRegex(@"^\s*namespace\s+([A-Za-z_][\w.]*)\s*[;{]?", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    /// <summary>The (file, declared, expected) of every test source file, relative to tests/.</summary>
    private static IEnumerable<(string File, string? Declared, string Expected)> Files()
    {
        foreach (string project in Projects)
        {
            string root = Path.Combine(TestsDirectory(), project);
            foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
                    continue;
                string folder = Path.GetDirectoryName(relative)!.Replace('\\', '/');
                string expected = folder.Length == 0 ? project : project + "." + folder.Replace('/', '.');
                var declared = NamespaceDeclaration().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).ToList();
                yield return ($"{project}/{relative}", declared.Count == 1 ? declared[0] : null, expected);
            }
        }
    }

    [Fact]
    public void EveryTestFileNamespaceIsItsFolderPath()
    {
        var files = Files().ToList();
        Assert.True(files.Count > 50, $"found only {files.Count} test files under {TestsDirectory()}");
        var wrong = files
            .Where(f => f.Declared != f.Expected)
            .Select(f => $"{f.File}: namespace {f.Declared ?? "(none, or more than one)"}, expected {f.Expected}")
            .ToList();
        Assert.True(wrong.Count == 0, "test namespaces that do not match their folder:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void NoTestNamespaceSegmentIsNamedLikeALibraryType()
    {
        var library = typeof(Worker).Assembly;
        var shadowing = Files()
            .Select(f => f.Expected)
            .Distinct()
            .SelectMany(ns => ns.Split('.').Skip(2).Select(segment => (ns, segment)))
            .Where(x => library.GetType($"{nameof(RxMediasoup)}.{x.segment}") is not null)
            .Select(x => $"{x.ns}: '{x.segment}' shadows the type RxMediasoup.{x.segment} in the tests")
            .ToList();
        Assert.True(shadowing.Count == 0, string.Join("\n", shadowing));
    }
}
