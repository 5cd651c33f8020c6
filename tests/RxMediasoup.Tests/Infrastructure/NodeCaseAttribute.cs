namespace RxMediasoup.Tests.Infrastructure;

/// <summary>
/// Marks a test as the port of one case of mediasoup's Node test suite (the release in <see cref="Conformance.ConformanceTests.NodeSuiteVersion"/>) (<c>node/lib/test/*.js</c>).
/// tests/CONFORMANCE.md is generated from these attributes.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class NodeCaseAttribute(string file, string name) : Attribute
{
    /// <summary>The Node test file, e.g. <c>test-Worker.js</c>.</summary>
    public string File { get; } = file;

    /// <summary>The Node test's name, verbatim.</summary>
    public string Name { get; } = name;
}
