using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace RxMediasoup.Tests.PublicApi;

/// <summary>
/// The public surface changes only on purpose: it must equal RxMediasoup.approved.txt. After an intended
/// change, run the tests with UPDATE_PUBLIC_API=1 and commit the updated file.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedBaseline()
    {
        string actual = typeof(RxMediasoup.Worker).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
        }).ReplaceLineEndings("\n");
        string approvedPath = Path.Combine(SourceDirectory(), "RxMediasoup.approved.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_PUBLIC_API") == "1")
        {
            File.WriteAllText(approvedPath, actual);
            return;
        }
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (approved != actual)
        {
            File.WriteAllText(Path.ChangeExtension(approvedPath, ".received.txt"), actual);
            Assert.Fail($"The public API changed. Compare {Path.ChangeExtension(approvedPath, ".received.txt")} with " +
                        $"{approvedPath}; if the change is intended, rerun with UPDATE_PUBLIC_API=1 and commit the file.");
        }
    }

    [Fact]
    public void NoGeneratedFlatBuffersTypeIsPublic()
    {
        var leaked = typeof(RxMediasoup.Worker).Assembly.GetExportedTypes()
            .Where(t => t.Namespace?.StartsWith("FBS", StringComparison.Ordinal) == true)
            .Select(t => t.FullName)
            .ToList();
        Assert.Empty(leaked);
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
