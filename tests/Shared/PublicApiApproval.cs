using System.Reflection;
using PublicApiGenerator;

namespace RxMediasoup.TestSupport;

/// <summary>
/// The approval check every package's PublicApiTests share (compiled into each test project as a linked file): a
/// package's public surface must equal its committed <c>*.approved.txt</c>. After an intended change, run the tests with
/// <c>UPDATE_PUBLIC_API=1</c> and commit the file; a mismatch writes the new surface beside it as <c>*.received.txt</c>.
/// </summary>
internal static class PublicApiApproval
{
    public static void Verify(Assembly assembly, string approvedPath, params string[] denyNamespacePrefixes)
    {
        var options = new ApiGeneratorOptions { IncludeAssemblyAttributes = false };
        if (denyNamespacePrefixes.Length > 0) options.DenyNamespacePrefixes = denyNamespacePrefixes;
        string actual = assembly.GeneratePublicApi(options).ReplaceLineEndings("\n");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(approvedPath, actual);
            return;
        }
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved == actual) return;
        string received = Path.ChangeExtension(approvedPath, ".received.txt");
        File.WriteAllText(received, actual);
        Assert.Fail($"The public API changed. Compare {received} with {approvedPath}; if the change is intended, rerun with " +
                    "UPDATE_PUBLIC_API=1 and commit the file.");
    }
}
