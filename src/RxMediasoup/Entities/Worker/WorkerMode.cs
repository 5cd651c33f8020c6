namespace RxMediasoup;

/// <summary>How a <see cref="Worker"/> runs the mediasoup worker (<see cref="WorkerSettings.Mode"/>).</summary>
public enum WorkerMode
{
    /// <summary>
    /// A <c>mediasoup-worker</c> child process, talking over a socket pair (the default). A worker crash cannot
    /// take the application down; <see cref="Worker.Pid"/> is its process id.
    /// </summary>
    Subprocess,

    /// <summary>
    /// <c>libmediasoup-worker.so</c> (built by <c>scripts/build-worker.sh --lib</c>, found through
    /// <c>MEDIASOUP_WORKER_LIB</c> or beside the worker binary) loaded into this process, the worker running on its
    /// own native thread and exchanging messages through in-memory callbacks: no socket, no process. Same API and
    /// lifecycle as <see cref="Subprocess"/>, and several workers run at once; but a crash (or an abort) in the
    /// worker ends the whole application, and the worker's resource usage is the process's.
    /// <see cref="Worker.Pid"/> is the worker thread's kernel thread id; <see cref="Worker.Died"/> fires when the
    /// worker's run ends without <see cref="MediasoupEntity.CloseAsync"/>, with what the run returned as its exit code.
    /// </summary>
    InProcess,
}
