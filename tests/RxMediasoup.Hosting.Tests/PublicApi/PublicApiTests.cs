using RxMediasoup.TestSupport;
using System.Runtime.CompilerServices;

namespace RxMediasoup.Hosting.Tests.PublicApi;

/// <summary>
/// RxMediasoup.Hosting's public surface changes only on purpose: it must equal RxMediasoup.Hosting.approved.txt.
/// After an intended change, run the tests with UPDATE_PUBLIC_API=1 and commit the updated file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedBaseline()
        => PublicApiApproval.Verify(typeof(MediasoupOptions).Assembly, Path.Combine(SourceDirectory(), "RxMediasoup.Hosting.approved.txt"));

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
