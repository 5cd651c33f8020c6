// The tests start real Room processes with mediasoup workers and assert wall-clock bounds (SIGINT → exit within
// 10 s): one at a time, so that they do not compete with each other for the two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
