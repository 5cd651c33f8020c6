using System.Reflection;
using System.Reflection.Emit;
using Xunit.Sdk;

namespace RxMediasoup.Tests.Fidelity;

/// <summary>One test method of the suite: its rows (1 for a fact, one per data row for a theory) and whether it starts a worker.</summary>
public sealed record SuiteTest(MethodInfo Method, int Rows, bool StartsAWorker, string? RealOnlyCategory)
{
    public string Name => $"{Method.DeclaringType!.Name}.{Method.Name}";
}

/// <summary>
/// Finds, by reflection over the suite's IL, the tests that start a worker: a test method whose code (its async state
/// machine, lambdas and local functions included), its class's constructor or <c>InitializeAsync</c>, or a class
/// fixture's, reaches <see cref="Worker.CreateAsync"/> or <see cref="WorkerManager.CreateAsync"/> through calls inside
/// the test assembly. Theory rows are counted with each data attribute's own <see cref="DataAttribute.GetData"/>.
/// </summary>
public static class WorkerStartingTests
{
    private static readonly Assembly Suite = typeof(TestWorkerMode).Assembly;
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);
    private static readonly Dictionary<MethodBase, bool> Memo = [];
    private static readonly Lock Gate = new();

    /// <summary>Every [Fact]/[Theory] method of the suite.</summary>
    public static IReadOnlyList<SuiteTest> All()
    {
        lock (Gate)
        {
            var tests = new List<SuiteTest>();
            foreach (var type in Suite.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && !t.IsNested))
            {
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
                {
                    if (method.GetCustomAttribute<FactAttribute>() is null) continue;
                    bool theory = method.GetCustomAttribute<TheoryAttribute>() is not null;
                    int rows = theory ? method.GetCustomAttributes<DataAttribute>().Sum(d => d.GetData(method).Count()) : 1;
                    bool starts = Reaches(method) || ClassStarts(type);
                    tests.Add(new SuiteTest(method, rows, starts, RealOnlyCategoryOf(method)));
                }
            }
            return [.. tests.OrderBy(t => t.Name, StringComparer.Ordinal)];
        }
    }

    private static string? RealOnlyCategoryOf(MethodInfo method)
    {
        var traits = method.GetCustomAttributesData().Concat(method.DeclaringType!.GetCustomAttributesData())
            .Where(a => a.AttributeType == typeof(TraitAttribute))
            .Select(a => ((string)a.ConstructorArguments[0].Value!, (string)a.ConstructorArguments[1].Value!)).ToList();
        if (!traits.Contains((TestWorkerMode.Backend, TestWorkerMode.RealOnly))) return null;
        return traits.Where(t => t.Item1 == TestWorkerMode.RealOnlyCategory).Select(t => t.Item2).FirstOrDefault() ?? "";
    }

    private static bool ClassStarts(Type type)
    {
        var setup = new List<MethodBase>();
        for (var t = type; t is not null && t.Assembly == Suite; t = t.BaseType)
        {
            setup.AddRange(t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance));
            if (t.GetMethod("InitializeAsync", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance) is { } init) setup.Add(init);
        }
        foreach (var fixture in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)))
        {
            var f = fixture.GetGenericArguments()[0];
            setup.AddRange(f.GetConstructors());
            if (f.GetMethod("InitializeAsync") is { } init) setup.Add(init);
        }
        return setup.Any(Reaches);
    }

    /// <summary>True when <paramref name="method"/> (or what it owns: state machine, lambdas, local functions) reaches a worker start.</summary>
    private static bool Reaches(MethodBase method)
    {
        if (method is MethodInfo { IsGenericMethod: true, IsGenericMethodDefinition: false } generic) method = generic.GetGenericMethodDefinition();
        if (Memo.TryGetValue(method, out bool known)) return known;
        Memo[method] = false; // a cycle reaches nothing new
        bool result = Owned(method).SelectMany(Callees).Any(callee => IsWorkerStart(callee) || (callee.Module.Assembly == Suite && Reaches(callee)));
        Memo[method] = result;
        return result;
    }

    private static bool IsWorkerStart(MethodBase callee)
        => callee.Name == nameof(Worker.CreateAsync) && (callee.DeclaringType == typeof(Worker) || callee.DeclaringType == typeof(WorkerManager));

    /// <summary>The method and the compiler-generated code it owns (named after it: &lt;M&gt;d__, &lt;M&gt;b__, &lt;M&gt;g__).</summary>
    private static IEnumerable<MethodBase> Owned(MethodBase method)
    {
        yield return method;
        var declaring = method.DeclaringType;
        if (declaring is null || declaring.Assembly != Suite) yield break;
        string tag = $"<{method.Name}>";
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in Nested(declaring).Prepend(declaring))
        {
            bool ownedType = type.Name.StartsWith(tag, StringComparison.Ordinal);
            foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
                if (m != method && (ownedType || m.Name.Contains(tag, StringComparison.Ordinal))) yield return m;
        }
    }

    private static IEnumerable<Type> Nested(Type type)
        => type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(n => Nested(n).Prepend(n));

    /// <summary>The methods <paramref name="method"/>'s IL calls, creates or takes the address of.</summary>
    private static IEnumerable<MethodBase> Callees(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception) { il = null; }
        if (il is null) yield break;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        Type[]? methodArgs = method is MethodInfo { IsGenericMethod: true } gm ? gm.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE && i + 1 < il.Length ? (short)(0xFE00 | il[++i]) : il[i];
            i++;
            if (!OpCodesByValue.TryGetValue(value, out var op)) yield break; // not IL we understand: stop, claim nothing more
            int size = op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType == OperandType.InlineMethod)
            {
                MethodBase? callee = null;
                try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, i), typeArgs, methodArgs); }
                catch (ArgumentException) { }
                if (callee is not null) yield return callee;
            }
            i += size;
        }
    }
}
