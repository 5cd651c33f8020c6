using System.Reflection;

namespace RxMediasoup.Tests.Conformance;

/// <summary>
/// Which <see cref="NodeCaseAttribute"/>s count as ported cases: one on a public, runnable xUnit test method
/// (<c>[Fact]</c> or <c>[Theory]</c>, not skipped), and only one per method. Everything else is an error that
/// <see cref="ConformanceTests"/> reports and the generated CONFORMANCE.md does not count.
/// </summary>
internal static class NodeCaseRules
{
    private const BindingFlags AllDeclared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static (Dictionary<(string File, string Name), List<string>> Ported, List<string> Errors) Inspect(IEnumerable<Type> types)
    {
        var ported = new Dictionary<(string, string), List<string>>();
        var errors = new List<string>();
        foreach (var type in types)
        {
            foreach (var attribute in type.GetCustomAttributes<NodeCaseAttribute>(inherit: false))
                errors.Add($"{type.FullName}: [NodeCase(\"{attribute.File}\", \"{attribute.Name}\")] is on a type, not on a test method");

            foreach (var method in type.GetMethods(AllDeclared))
            {
                var cases = method.GetCustomAttributes<NodeCaseAttribute>(inherit: false).ToList();
                if (cases.Count == 0) continue;
                string where = $"{type.Name}.{method.Name}";
                string? problem = Problem(type, method, cases.Count);
                if (problem is not null)
                {
                    errors.Add($"{type.FullName}.{method.Name}: {problem} ({string.Join("; ", cases.Select(c => $"{c.File}: {c.Name}"))})");
                    continue;
                }
                var key = (cases[0].File, cases[0].Name);
                if (!ported.TryGetValue(key, out var list)) ported[key] = list = [];
                list.Add(where);
            }
        }
        return (ported, errors);
    }

    private static string? Problem(Type type, MethodInfo method, int caseCount)
    {
        if (caseCount > 1) return $"{caseCount} [NodeCase] attributes on one method (one case per test method)";
        var facts = method.GetCustomAttributes<FactAttribute>(inherit: false).ToList(); // [Theory] derives from [Fact]
        if (facts.Count == 0) return "not a test method ([Fact] or [Theory])";
        if (facts.Any(f => !string.IsNullOrEmpty(f.Skip))) return "the test is skipped";
        if (!method.IsPublic || !type.IsPublic && !type.IsNestedPublic || type.IsAbstract && !method.IsStatic)
            return "the test cannot run (xUnit runs public methods of public, non-abstract classes)";
        return null;
    }
}
