using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using RxMediasoup.Channel;

namespace RxMediasoup.Testing;

/// <summary>
/// A simulated worker read like a real one: its frames are queued and read by the channel's own reader thread
/// (<see cref="IWorkerTransport.Receive"/>), and the channel writes with its writer loop and times requests out on
/// the real clock. For a simulation on a real-time scheduler (e.g. an <c>EventLoopScheduler</c>): the library's
/// delivery machinery is then the one a subprocess worker gets, so a subscriber that blocks inside
/// <c>OnNext</c> blocks the delivery thread, never the simulation's. In virtual time use the push backend
/// (<see cref="SimulatedBackend"/> directly): it needs no thread at all.
/// </summary>
internal sealed class ThreadedSimulatedBackend : IWorkerBackend, IWorkerTransport
{
    private readonly BlockingCollection<byte[]> _incoming = [];
    private readonly object _sendLock = new();
    private byte[] _partial = [];
    private byte[]? _reading;
    private int _readOffset;

    public ThreadedSimulatedBackend(SimulatedBackend inner)
    {
        Inner = inner;
        inner.Capture = frame =>
        {
            // Frames after the end of the channel are dropped, as a closed socket drops them.
            if (!_incoming.IsAddingCompleted)
                try { _incoming.Add(frame); } catch (InvalidOperationException) { }
        };
        // A process that exits closes its end of the socket: the reader sees the end of the stream.
        inner.Exited.ContinueWith(_ => _incoming.CompleteAdding(), TaskScheduler.Default);
    }

    /// <summary>The simulation behind this backend.</summary>
    public SimulatedBackend Inner { get; }

    public int Pid => Inner.Pid;

    public string RunningHandlerId => Inner.RunningHandlerId;

    public IWorkerTransport Transport => this;

    public Task<ProcessExit> Exited => Inner.Exited;

    public bool HasExited => Inner.HasExited;

    public Task OutputDrained => Inner.OutputDrained;

    public IReadOnlyList<string> RecentStderr => Inner.RecentStderr;

    /// <summary>Starts the run: the worker's first message, <c>WORKER_RUNNING</c>, on the simulation's scheduler.</summary>
    public void Start() => Inner.Scheduler.Schedule(() => Inner.Engine.NotifyRunning());

    public bool Kill() => Inner.Kill();

    /// <summary>Takes bytes from the writer loop (a frame may span calls) and hands each whole frame to the simulation.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        lock (_sendLock)
        {
            byte[] bytes = _partial.Length == 0 ? frames.ToArray() : [.. _partial, .. frames.Span];
            int whole = 0;
            while (bytes.Length - whole >= 4)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(whole, 4));
                if (bytes.Length - whole - 4 < length) break;
                whole += 4 + length;
            }
            _partial = bytes[whole..];
            return whole == 0 ? ValueTask.CompletedTask : Inner.SendAsync(bytes.AsMemory(0, whole));
        }
    }

    public int Receive(Span<byte> buffer)
    {
        if (_reading is null || _readOffset == _reading.Length)
        {
            try
            {
                _reading = _incoming.Take();
            }
            catch (InvalidOperationException)
            {
                return 0; // the end of the stream: the simulated process exited or the channel shut down
            }
            _readOffset = 0;
        }
        int count = Math.Min(buffer.Length, _reading.Length - _readOffset);
        _reading.AsSpan(_readOffset, count).CopyTo(buffer);
        _readOffset += count;
        return count;
    }

    public void Shutdown()
    {
        Inner.Shutdown();
        _incoming.CompleteAdding();
    }

    public void Dispose()
    {
        Inner.Dispose();
        _incoming.CompleteAdding();
    }
}
