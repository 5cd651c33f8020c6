using System.Runtime.CompilerServices;
using PublicApiGenerator;

namespace RxMediasoup.Orleans.Tests.PublicApi;

/// <summary>
/// RxMediasoup.Orleans' public surface changes only on purpose: it must equal RxMediasoup.Orleans.approved.txt.
/// After an intended change, run the tests with UPDATE_PUBLIC_API=1 and commit the updated file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedBaseline()
    {
        string actual = typeof(IMediasoupRooms).Assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            IncludeAssemblyAttributes = false,
            // Orleans' generated serializers and proxies (public, with hashed names) are not the package's API.
            DenyNamespacePrefixes = ["System", "Microsoft", "OrleansCodeGen"],
        }).ReplaceLineEndings("\n");
        string approvedPath = Path.Combine(SourceDirectory(), "RxMediasoup.Orleans.approved.txt");
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

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
