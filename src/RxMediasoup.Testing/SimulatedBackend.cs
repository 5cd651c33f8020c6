using System.Buffers.Binary;
using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxMediasoup.Channel;

namespace RxMediasoup.Testing;

/// <summary>
/// The backend of a simulated worker: a push transport (frames in, decoded and answered by the
/// <see cref="SimulatedEngine"/> in scheduler actions; frames out, pushed synchronously into the channel) and a
/// lifetime (exit, kill) — all on one <see cref="IScheduler"/>, with no thread and no real-clock timer.
/// </summary>
internal sealed class SimulatedBackend : IWorkerBackend, IPushWorkerTransport
{
    /// <summary>Fake pids start above Linux's largest pid_max (2^22), so no real process is ever named.</summary>
    private const int FirstFakePid = 5_000_000;

    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.None);
    private readonly Random _ids;
    private WorkerChannel? _channel;
    private bool _shutdown;

    public SimulatedBackend(IScheduler scheduler, int seed, TimeSpan latency)
    {
        Scheduler = scheduler;
        Start = scheduler.Now;
        Latency = latency;
        _ids = new Random(seed);
        SsrcSource = new Random(unchecked(seed * 31 + 1));
        Pid = FirstFakePid + (int)((uint)seed % 1_000_000);
        Engine = new SimulatedEngine(this, seed);
    }

    /// <summary>What the simulated worker takes to answer a request (virtual time).</summary>
    public TimeSpan Latency { get; }

    public IScheduler Scheduler { get; }

    /// <summary>When the simulation started (the scheduler's time).</summary>
    public DateTimeOffset Start { get; }

    public SimulatedEngine Engine { get; }

    public int Pid { get; }

    public string RunningHandlerId => Pid.ToString(CultureInfo.InvariantCulture);

    public IWorkerTransport Transport => this;

    public Task<ProcessExit> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public Task OutputDrained => Task.CompletedTask;

    public IReadOnlyList<string> RecentStderr => [];

    public Random SsrcSource { get; }

    public string NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        _ids.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4, as Guid.NewGuid (little-endian field layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes).ToString();
    }

    public void Attach(WorkerChannel channel) => _channel = channel;

    /// <summary>Takes whole frames from the channel; each is handled in its own scheduler action, after <see cref="Latency"/>.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        ObjectDisposedException.ThrowIf(_shutdown || HasExited, this);
        var span = frames.Span;
        for (int start = 0; start < span.Length;)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(start, 4));
            byte[] payload = span.Slice(start + 4, length).ToArray();
            start += 4 + length;
            if (Intercept?.Invoke(payload) != true) Handle(payload, Latency);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Sees each message first (the <see cref="Simulation"/>'s log and faults); true when it took care of it.</summary>
    public Func<byte[], bool>? Intercept { get; set; }

    /// <summary>
    /// Has the engine handle a message <paramref name="due"/> from now; <paramref name="request"/>: the request it
    /// holds, already decoded (by the <see cref="Simulation"/>'s log), so that it is not decoded twice.
    /// </summary>
    public void Handle(byte[] payload, TimeSpan due, FBS.Request.RequestT? request = null)
        => Scheduler.Schedule((this, payload, request), due, static (_, s) =>
        {
            if (s.Item1.HasExited) return Disposable.Empty;
            if (s.Item1._stopped is { } held) held.Add(s.payload);
            else s.Item1.Engine.Handle(s.payload, s.request);
            return Disposable.Empty;
        });

    /// <summary>Messages received while stopped (SIGSTOP), handled in order on SIGCONT; null while running.</summary>
    private List<byte[]>? _stopped;

    /// <summary>
    /// A signal to the simulated process, as mediasoup-worker handles it, in the next scheduler action: SIGSTOP holds
    /// every message until SIGCONT; SIGKILL, SIGINT and SIGTERM end the run with the signal (a death); the signals the
    /// worker ignores (SIGPIPE, SIGHUP, SIGALRM, SIGUSR1, SIGUSR2) change nothing.
    /// </summary>
    /// <returns>False when the run has already ended.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A signal the simulation does not model.</exception>
    public bool Signal(int signal)
    {
        if (signal is not (Sigkill or Sigint or Sigterm or Sigstop or Sigcont or 1 or 10 or 12 or 13 or 14))
            throw new ArgumentOutOfRangeException(nameof(signal), signal, "signal not modelled by the simulation");
        if (HasExited) return false;
        Scheduler.Schedule((this, signal), TimeSpan.Zero, static (_, s) =>
        {
            var backend = s.Item1;
            switch (s.signal)
            {
                case Sigstop:
                    backend._stopped ??= [];
                    break;
                case Sigcont when backend._stopped is { } held:
                    backend._stopped = null;
                    foreach (var payload in held) if (!backend.HasExited) backend.Engine.Handle(payload);
                    break;
                case Sigkill or Sigint or Sigterm:
                    backend.Exit(null, s.signal);
                    break;
            }
            return Disposable.Empty;
        });
        return true;
    }

    private const int Sigint = 2, Sigkill = 9, Sigterm = 15, Sigcont = 18, Sigstop = 19;

    public int Receive(Span<byte> buffer) => throw new NotSupportedException("a simulated worker pushes its frames");

    /// <summary>The channel closed: like a worker whose channel reached its end, the simulated worker exits (code 0).</summary>
    public void Shutdown()
    {
        _shutdown = true;
        Exit(0, null);
    }

    /// <summary>Takes every frame the engine sends instead of the channel (replaying a recorded run on the engine alone).</summary>
    public Action<byte[]>? Capture { get; set; }

    /// <summary>Pushes one message (a size-prefixed frame, handed over: never reused) into the channel, synchronously.</summary>
    public void Push(byte[] frame)
    {
        if (Capture is { } capture)
        {
            capture(frame);
            return;
        }
        if (_shutdown || HasExited || _channel is null) return;
        _channel.OnFrames(frame);
    }

    /// <summary>Ends the run as a killed process would, in the next scheduler action.</summary>
    public bool Kill()
    {
        if (HasExited) return false;
        return Signal(Sigkill);
    }

    /// <summary>Ends the run now (a death when the worker was not closed): the worker's exit handling runs before this returns.</summary>
    public void Exit(int? exitCode, int? signal) => _exited.TrySetResult(new ProcessExit(exitCode, signal));

    public void Dispose()
    {
    }
}
