[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace RxMediasoup.Orleans.Tests.Infrastructure;

/// <summary>The test classes that share one three-silo cluster (the silo-death tests have their own).</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "shared three-silo cluster";
}
