namespace RxMediasoup.Channel;

/// <summary>How a worker ended: an exit code (a process's, or what the in-process run returned), or the signal that killed its process.</summary>
internal readonly record struct ProcessExit(int? ExitCode, int? Signal);

/// <summary>
/// The byte channel to one worker, as <see cref="WorkerChannel"/> uses it. Both directions carry frames: a 4-byte
/// little-endian length followed by one FlatBuffers <c>FBS.Message.Message</c>, back to back.
/// </summary>
/// <remarks>
/// The one seam between the channel and what runs the worker: a socket to a subprocess
/// (<see cref="SocketTransport"/>), callbacks into a library on a native thread (<see cref="InProcessWorker"/>),
/// or anything else that speaks frames (a simulated worker).
/// </remarks>
internal interface IWorkerTransport
{
    /// <summary>
    /// Sends bytes of frames and completes when all of them are handed over. A frame may span calls (the writer sends
    /// one bigger than its batch in pieces). Called by one writer at a time; the memory may be reused once the task
    /// completed.
    /// </summary>
    /// <exception cref="System.IO.IOException">The channel is broken.</exception>
    /// <exception cref="ObjectDisposedException">The transport was shut down.</exception>
    ValueTask SendAsync(ReadOnlyMemory<byte> frames);

    /// <summary>
    /// Sends as many of the bytes of frames as can go without blocking and returns how many went (the channel sends
    /// the rest with <see cref="SendAsync"/>). Called by one sender at a time, never while a <see cref="SendAsync"/> runs.
    /// The default takes none.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The channel is broken.</exception>
    /// <exception cref="ObjectDisposedException">The transport was shut down.</exception>
    int TrySend(ReadOnlySpan<byte> frames) => 0;

    /// <summary>
    /// Blocks until incoming bytes are available and copies up to <paramref name="buffer"/>'s length of them
    /// (frames may be split across calls). Returns 0 at the end of the stream. Called by one reader thread.
    /// </summary>
    /// <exception cref="System.Net.Sockets.SocketException">The channel is broken.</exception>
    /// <exception cref="ObjectDisposedException">The transport was shut down.</exception>
    int Receive(Span<byte> buffer);

    /// <summary>Ends both directions: a blocked <see cref="Receive"/> returns (0 or an exception). Idempotent.</summary>
    void Shutdown();
}

/// <summary>
/// What runs one worker, as <see cref="Worker"/> manages it: its channel (<see cref="Transport"/>) and its
/// lifetime — an id for logs, the end of its run with how it ended, a forced stop, recent diagnostics output.
/// </summary>
internal interface IWorkerBackend : IDisposable
{
    /// <summary>The id shown as <see cref="Worker.Pid"/>: the process id, or the native thread id of an in-process worker.</summary>
    int Pid { get; }

    /// <summary>The handler id of the worker's <c>WORKER_RUNNING</c> notification (its <c>getpid()</c>).</summary>
    string RunningHandlerId { get; }

    /// <summary>Frames to and from the worker.</summary>
    IWorkerTransport Transport { get; }

    /// <summary>Completes once the worker has ended (process reaped, or run returned).</summary>
    Task<ProcessExit> Exited { get; }

    /// <summary>True once <see cref="Exited"/> completed.</summary>
    bool HasExited { get; }

    /// <summary>Completes when the worker's own output (stdout/stderr) was read to the end.</summary>
    Task OutputDrained { get; }

    /// <summary>The last lines the worker wrote to stderr (at most 20), e.g. to explain a start-up failure.</summary>
    IReadOnlyList<string> RecentStderr { get; }

    /// <summary>
    /// Stops the worker without its cooperation as far as the backend can: SIGKILL for a process; an in-process
    /// worker is told to end its run. False when it has already ended.
    /// </summary>
    bool Kill();
}

/// <summary>
/// A transport that pushes the worker's frames into the channel itself, synchronously, from its own scheduler's
/// actions (a simulated worker in virtual time). The channel then starts no reader thread, no writer loop and no
/// timer: it sends each frame inline through <see cref="IWorkerTransport.SendAsync"/> (which must copy what it keeps
/// and complete synchronously), runs request timeouts and deliveries on <see cref="Scheduler"/>, and completes
/// commands synchronously. <see cref="IWorkerTransport.Receive"/> is never called.
/// </summary>
internal interface IPushWorkerTransport : IWorkerTransport
{
    /// <summary>The clock of the worker: request timeouts run on it.</summary>
    System.Reactive.Concurrency.IScheduler Scheduler { get; }

    /// <summary>A new entity id (what the library would take from <see cref="Guid.NewGuid"/>): deterministic in a simulation.</summary>
    string NewId();

    /// <summary>Where the SSRCs the library generates (consumers, RTP mappings) come from: seeded in a simulation.</summary>
    Random SsrcSource { get; }

    /// <summary>Called once by <see cref="WorkerChannel.Start"/>: from then on, frames go to <see cref="WorkerChannel.OnFrames(byte[])"/>.</summary>
    void Attach(WorkerChannel channel);
}
