namespace RxMediasoup.Tests.Infrastructure;

/// <summary>
/// Tests that measure process-wide state (the managed heap, <see cref="TaskScheduler.UnobservedTaskException"/>):
/// xunit runs this collection alone, after the parallel ones, so no other test's allocations or garbage blur them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide measurements)";
}
