using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using NetArchTest.Rules;

namespace RxMediasoup.Tests.Architecture;

/// <summary>
/// The layering of the library (issue 7, section 1): the generated FlatBuffers types (namespace <c>FBS.*</c>, in
/// src/RxMediasoup/Protocol/Generated) are used only by <c>RxMediasoup.Protocol</c> and <c>RxMediasoup.Channel</c>
/// (the message envelope), and Protocol does not depend on the entities. Checked twice: in the compiled IL with
/// NetArchTest (a dependency through an alias or a global using is a dependency all the same) and in the sources
/// (so that an alias such as <c>using Event = FBS.Notification.Event;</c> is named with its file and line).
/// </summary>
public partial class LayeringTests
{
    private const string Fbs = "FBS";
    private static readonly string[] FbsAllowedIn = ["RxMediasoup.Protocol", "RxMediasoup.Channel"];

    /// <summary>
    /// The entities, by name (src/RxMediasoup/Entities). The list is also derived from the assembly (every public
    /// class with a public <c>Closed</c> stream of <see cref="CloseReason"/>, which is what makes a type an entity),
    /// and the union is used: a renamed entity fails <see cref="TheEntityListMatchesTheAssembly"/>, a new one is
    /// picked up by the derivation without editing this list.
    /// </summary>
    private static readonly string[] EntityNames =
    [
        "Worker", "WorkerManager", "WebRtcServer", "Router", "Transport", "WebRtcTransport", "PlainTransport",
        "PipeTransport", "DirectTransport", "Producer", "Consumer", "DataProducer", "DataConsumer", "RtpObserver",
        "ActiveSpeakerObserver", "AudioLevelObserver",
    ];

    private static readonly Assembly Library = typeof(Worker).Assembly;

    private static List<Type> EntityTypes()
    {
        var byName = EntityNames.SelectMany(n => Library.GetExportedTypes().Where(t => t.IsClass && t.Name == n));
        var derived = Library.GetExportedTypes().Where(t =>
            t.IsClass && t.GetProperty("Closed", BindingFlags.Public | BindingFlags.Instance)?.PropertyType == typeof(IObservable<CloseReason>));
        return byName.Union(derived).OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
    }

    /// <summary>"Ns.Outer/&lt;M&gt;d__1" (a state machine or closure, as NetArchTest names it) → "Ns.Outer".</summary>
    private static string Declaring(string typeName)
    {
        int nested = typeName.IndexOfAny(['/', '+']);
        return nested < 0 ? typeName : typeName[..nested];
    }

    private static List<string> Offenders(TestResult result) =>
        result.IsSuccessful
            ? []
            : (result.FailingTypeNames ?? []).Select(Declaring).Distinct().Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void TheEntityListMatchesTheAssembly()
    {
        var missing = EntityNames.Where(n => Library.GetExportedTypes().Count(t => t.IsClass && t.Name == n) != 1).ToList();
        Assert.True(missing.Count == 0, "entities not found (exactly once) as public classes: " + string.Join(", ", missing));
        var entities = EntityTypes();
        Assert.True(entities.Count >= EntityNames.Length, string.Join(", ", entities.Select(t => t.Name)));
    }

    [Fact]
    public void OnlyProtocolAndChannelDependOnTheGeneratedFbsTypes()
    {
        var result = Types.InAssembly(Library)
            .That().DoNotResideInNamespace(FbsAllowedIn[0])
            .And().DoNotResideInNamespace(FbsAllowedIn[1])
            .And().DoNotResideInNamespace(Fbs)
            .ShouldNot().HaveDependencyOn(Fbs)
            .GetResult();
        var offenders = Offenders(result);
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} types outside {string.Join(" and ", FbsAllowedIn)} depend on the generated {Fbs}.* types:\n  "
            + string.Join("\n  ", offenders));
    }

    [Fact]
    public void ProtocolDependsOnNoEntity()
    {
        var offenders = new List<string>();
        foreach (var entity in EntityTypes())
        {
            var result = Types.InAssembly(Library)
                .That().ResideInNamespace(FbsAllowedIn[0])
                .ShouldNot().HaveDependencyOn(entity.FullName)
                .GetResult();
            offenders.AddRange(Offenders(result).Select(t => $"{t} -> {entity.FullName}"));
        }
        offenders = offenders.Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} dependencies of {FbsAllowedIn[0]} on entity types:\n  " + string.Join("\n  ", offenders));
    }

    private static string SourceDirectory([CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "..", "src", "RxMediasoup"));

    [GeneratedRegex(@"\bFBS\b")]
    private static partial Regex FbsMention();

    [GeneratedRegex(@"^\s*global\s+using\b[^;]*\bFBS\b")]
    private static partial Regex GlobalUsingOfFbs();

    [GeneratedRegex(@"<Using\s+Include\s*=\s*""FBS\b")]
    private static partial Regex ProjectUsingOfFbs();

    [Fact]
    public void NoSourceOutsideProtocolAndChannelMentionsFbs()
    {
        string root = SourceDirectory();
        var violations = new List<string>();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            string top = relative.Split('/')[0];
            if (top is "bin" or "obj") continue;
            bool allowed = top is "Protocol" or "Channel";
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = StripComment(lines[i]);
                // A global using in any file (Protocol's included) would put FBS in scope of every entity.
                if (GlobalUsingOfFbs().IsMatch(code) || !allowed && FbsMention().IsMatch(code))
                    violations.Add($"src/RxMediasoup/{relative}:{i + 1}: {lines[i].Trim()}");
            }
        }
        foreach (string project in new[] { Path.Combine(root, "RxMediasoup.csproj"), Path.Combine(root, "..", "..", "Directory.Build.props") })
            if (File.Exists(project) && ProjectUsingOfFbs().IsMatch(File.ReadAllText(project)))
                violations.Add($"{Path.GetFileName(project)}: a global <Using> of {Fbs}");
        Assert.True(Directory.Exists(Path.Combine(root, "Entities")), $"not the library's sources: {root}");
        Assert.True(violations.Count == 0,
            $"{violations.Count} mentions of the generated {Fbs} namespace outside src/RxMediasoup/Protocol and Channel:\n  "
            + string.Join("\n  ", violations));
    }

    private static string StripComment(string line)
    {
        int comment = line.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? line : line[..comment];
    }
}
