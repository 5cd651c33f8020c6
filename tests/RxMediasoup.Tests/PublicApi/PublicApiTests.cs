using RxMediasoup.TestSupport;
using System.Runtime.CompilerServices;

namespace RxMediasoup.Tests.PublicApi;

/// <summary>
/// The public surface changes only on purpose: it must equal RxMediasoup.approved.txt. After an intended
/// change, run the tests with UPDATE_PUBLIC_API=1 and commit the updated file.
/// </summary>
public class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedBaseline()
        => PublicApiApproval.Verify(typeof(RxMediasoup.Worker).Assembly, Path.Combine(SourceDirectory(), "RxMediasoup.approved.txt"));

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
