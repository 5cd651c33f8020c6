using System.Reflection;
using System.Reflection.Emit;

namespace RxMediasoup.Tests.Conformance;

/// <summary>
/// <see cref="NodeCaseRules"/> on types emitted at run time (so that no misused attribute sits in this assembly,
/// where <see cref="ConformanceTests"/> would report it): what counts as a ported case and what is an error.
/// </summary>
public class NodeCaseRulesTests
{
    private const string File = "test-Router.js";

    [Fact]
    public void OneNodeCaseOnARunnableFactOrTheoryCounts()
    {
        var type = Emit(
            new M("A", [NodeCase("a"), Attribute<FactAttribute>()]),
            new M("B", [NodeCase("b"), Attribute<TheoryAttribute>()]),
            new M("NotACase", [Attribute<FactAttribute>()]));
        var (ported, errors) = NodeCaseRules.Inspect([type]);
        Assert.Empty(errors);
        Assert.Equal(["Fixture.A"], ported[(File, "a")]);
        Assert.Equal(["Fixture.B"], ported[(File, "b")]);
        Assert.Equal(2, ported.Count);
    }

    [Fact]
    public void MisusedNodeCasesAreErrorsAndNotCounted()
    {
        var type = Emit(
            new M("TwoCases", [NodeCase("two-1"), NodeCase("two-2"), Attribute<FactAttribute>()]),
            new M("NoFact", [NodeCase("no-fact")]),
            new M("Skipped", [NodeCase("skipped"), Attribute<FactAttribute>(skip: "later")]),
            new M("SkippedTheory", [NodeCase("skipped-theory"), Attribute<TheoryAttribute>(skip: "later")]),
            new M("Private", [NodeCase("private"), Attribute<FactAttribute>()], MethodAttributes.Private));
        var (ported, errors) = NodeCaseRules.Inspect([type]);
        Assert.Empty(ported);
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, e => e.Contains("Fixture.TwoCases: 2 [NodeCase] attributes on one method"));
        Assert.Contains(errors, e => e.Contains("Fixture.NoFact: not a test method"));
        Assert.Contains(errors, e => e.Contains("Fixture.Skipped: the test is skipped"));
        Assert.Contains(errors, e => e.Contains("Fixture.SkippedTheory: the test is skipped"));
        Assert.Contains(errors, e => e.Contains("Fixture.Private: the test cannot run"));
    }

    [Fact]
    public void ANodeCaseOnATypeIsAnError()
    {
        // The attribute's usage is Method only, so C# cannot put it on a class; IL can, and the rule still says so.
        var type = Emit([NodeCase("on-type")], new M("A", [NodeCase("a"), Attribute<FactAttribute>()]));
        var (ported, errors) = NodeCaseRules.Inspect([type]);
        Assert.Equal([(File, "a")], ported.Keys);
        Assert.Contains("is on a type, not on a test method", Assert.Single(errors));
    }

    private static CustomAttributeBuilder NodeCase(string name) =>
        new(typeof(NodeCaseAttribute).GetConstructor([typeof(string), typeof(string)])!, [File, name]);

    private static CustomAttributeBuilder Attribute<T>(string? skip = null) where T : FactAttribute =>
        skip is null
            ? new(typeof(T).GetConstructor(Type.EmptyTypes)!, [])
            : new(typeof(T).GetConstructor(Type.EmptyTypes)!, [], [typeof(T).GetProperty(nameof(FactAttribute.Skip))!], [skip]);

    private sealed record M(string Name, CustomAttributeBuilder[] Attributes, MethodAttributes Access = MethodAttributes.Public);

    private static Type Emit(params M[] methods) => Emit([], methods);

    private static Type Emit(CustomAttributeBuilder[] typeAttributes, params M[] methods)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName($"NodeCaseFixture{Guid.NewGuid():N}"), AssemblyBuilderAccess.Run);
        var type = assembly.DefineDynamicModule("Fixture").DefineType("Fixture", TypeAttributes.Public | TypeAttributes.Class);
        foreach (var attribute in typeAttributes) type.SetCustomAttribute(attribute);
        foreach (var (name, attributes, access) in methods)
        {
            var method = type.DefineMethod(name, access, typeof(void), Type.EmptyTypes);
            method.GetILGenerator().Emit(OpCodes.Ret);
            foreach (var attribute in attributes) method.SetCustomAttribute(attribute);
        }
        return type.CreateType();
    }
}
