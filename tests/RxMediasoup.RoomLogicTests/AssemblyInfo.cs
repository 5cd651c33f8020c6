// One test at a time: the scripted hour counts the library's notifications with a process-wide MeterListener, and each
// test's real-time budget is measured without another test competing for the 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
