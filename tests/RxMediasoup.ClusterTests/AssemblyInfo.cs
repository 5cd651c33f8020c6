// Real processes (redis-server, Room processes with their workers, Chromium) and timing assertions on a 2-core
// machine: nothing else of this assembly may run at the same time.
[assembly: CollectionBehavior(DisableTestParallelization = true, MaxParallelThreads = 1)]
