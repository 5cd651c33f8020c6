// ffmpeg encodes in real time and the browser tests measure decode progress: tests of this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
