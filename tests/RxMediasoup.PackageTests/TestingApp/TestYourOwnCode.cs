using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxMediasoup;
using RxMediasoup.Testing;
using Xunit;

public sealed class TestYourOwnCode
{
    [Fact]
    public async Task TheReadmeSnippetRuns()
    {
        // No worker anywhere: the variable names none, the worker build cache is empty.
        Assert.Equal("/nonexistent", Environment.GetEnvironmentVariable("MEDIASOUP_WORKER_BIN"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Environment.GetEnvironmentVariable("RXMEDIASOUP_CACHE_DIR")!));
// README SNIPPET
    }
}
