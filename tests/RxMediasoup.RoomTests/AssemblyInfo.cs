// Browser tests measure timings on real processes: nothing else of this assembly may run at the same time.
[assembly: CollectionBehavior(DisableTestParallelization = true, MaxParallelThreads = 1)]
