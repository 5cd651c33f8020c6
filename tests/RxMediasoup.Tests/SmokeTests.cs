namespace RxMediasoup.Tests;

public class SmokeTests
{
    [Fact]
    public void WorkerVersionIs3220() => Assert.Equal("3.22.0", MediasoupInfo.WorkerVersion);
}
