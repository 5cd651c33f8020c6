using RxMediasoup.TestSupport;
using System.Runtime.CompilerServices;

namespace RxMediasoup.Orleans.Tests.PublicApi;

/// <summary>
/// RxMediasoup.Orleans' public surface changes only on purpose: it must equal RxMediasoup.Orleans.approved.txt.
/// After an intended change, run the tests with UPDATE_PUBLIC_API=1 and commit the updated file.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApiMatchesTheApprovedBaseline()
        => PublicApiApproval.Verify(typeof(IMediasoupRooms).Assembly, Path.Combine(SourceDirectory(), "RxMediasoup.Orleans.approved.txt"),
            // Orleans' generated serializers and proxies (public, with hashed names) are not the package's API.
            "System", "Microsoft", "OrleansCodeGen");

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
