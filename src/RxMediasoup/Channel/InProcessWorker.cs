using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Google.FlatBuffers;
using RxMediasoup.Channel.Native;
using FbsBody = FBS.Message.Body;
using FbsEvent = FBS.Notification.Event;

namespace RxMediasoup.Channel;

/// <summary>
/// A worker running inside this process: <c>mediasoup_worker_run</c> of <c>libmediasoup-worker.so</c> on a
/// dedicated thread, with channel read/write callbacks instead of a socket (as the Rust crate does). The worker
/// keeps its state thread-local, so several run at once.
/// <para>The callbacks run on the worker's thread and only move bytes: a read hands over the next queued message
/// (native memory, freed by the worker through <see cref="FreeMessage"/>); a write copies the worker's message into
/// an inbox that <see cref="WorkerChannel"/>'s reader thread drains. No user code ever runs on the worker's thread,
/// so a slow subscriber cannot stall the SFU. Sending wakes the worker with <c>uv_async_send</c> on the handle it
/// passes to the read callback.</para>
/// <para>The reader sleeps on an eventfd, woken outside the inbox lock (a wake under the lock made the woken reader
/// preempt the worker and block on the lock: two more context switches on one CPU). Messages the worker writes while
/// it handles what it read (its responses) wake the reader once, when its read callback finds no more messages — the
/// end of its batch — rather than once per message (measured pinned to one CPU, 1 request in flight: 9.8 context
/// switches per request before, see docs/profiles/dump.md).</para>
/// <para>The run ends when the worker handles <c>WORKER_CLOSE</c>: sent by <see cref="Worker"/>'s close, or by
/// <see cref="Kill"/> / <see cref="IWorkerTransport.Shutdown"/> (as a subprocess exits when its channel closes).
/// Once that message is queued no further wake-up is sent: the worker frees its async handle while closing.</para>
/// </summary>
internal sealed unsafe class InProcessWorker : IWorkerBackend, IWorkerTransport
{
    private static readonly byte[] CloseFrame = BuildCloseFrame();

    private readonly WorkerLibrary _library;
    private readonly ConcurrentQueue<(nint Message, int Length)> _toWorker = new();
    private readonly TaskCompletionSource<ProcessExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _sendLock = new();
    private readonly Lock _inboxLock = new();
    private readonly Lock _wakeLock = new(); // guards _wakeFd against its close
    private int _wakeFd = -1;      // eventfd the reader sleeps on; -1 once closed
    private bool _inReadBatch;     // the worker's thread only: inside its read loop (between a message read and the empty read)
    private bool _wakeOwed;        // the worker's thread only: a message came during the batch while the reader slept
    private readonly ManualResetEventSlim _threadStarted = new();
    private GCHandle _self;
    private nint _asyncHandle;
    private bool _wakesStopped;    // under _sendLock: WORKER_CLOSE queued, or the run ended (the async handle may be gone)
    private volatile bool _runEnded;
    private byte[] _inbox = new byte[64 * 1024];
    private int _inStart, _inEnd;
    private bool _inboxEnded, _readerWaiting, _readerBlocked; // _readerWaiting: it wants a wake; _readerBlocked: it is in (or about to enter) read()
    private byte[] _carry = new byte[256]; // under _sendLock: the start of a frame split across sends
    private int _carryLength;
    private readonly byte[] _scanArray = new byte[64]; // under _sendLock: more than a WORKER_CLOSE message takes
    private ByteBuffer? _scan;

    public int Pid { get; private set; }

    public string RunningHandlerId { get; } = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public IWorkerTransport Transport => this;

    public Task<ProcessExit> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>The worker writes to this process's own stdout/stderr: nothing to drain.</summary>
    public Task OutputDrained => Task.CompletedTask;

    public IReadOnlyList<string> RecentStderr => [];

    private InProcessWorker(WorkerLibrary library)
    {
        _library = library;
        _wakeFd = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        if (_wakeFd < 0) throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Starts a worker from <paramref name="libraryPath"/> with <paramref name="args"/> (the worker's options).</summary>
    public static InProcessWorker Start(string libraryPath, IReadOnlyList<string> args)
    {
        var worker = new InProcessWorker(WorkerLibrary.Load(libraryPath));
        worker._self = GCHandle.Alloc(worker);
        // A process's main thread gets 8 MiB of stack; so does the worker's.
        new Thread(worker.RunThread, maxStackSize: 8 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "mediasoup-worker (in-process)",
        }.Start(args);
        worker._threadStarted.Wait();
        return worker;
    }

    private void RunThread(object? state)
    {
        var args = (IReadOnlyList<string>)state!;
        Pid = LibC.gettid();
        _threadStarted.Set();
        var owned = new List<nint>();
        int code;
        try
        {
            var argv = (byte**)NativeMemory.AllocZeroed((nuint)(args.Count + 2), (nuint)sizeof(byte*));
            owned.Add((nint)argv);
            argv[0] = LibC.Utf8Z("mediasoup-worker", owned);
            for (int i = 0; i < args.Count; i++) argv[i + 1] = LibC.Utf8Z(args[i], owned);
            byte* version = LibC.Utf8Z(MediasoupInfo.WorkerVersion, owned);
            nint ctx = GCHandle.ToIntPtr(_self);
            code = _library.Run(args.Count + 1, argv, version, -1, -1,
                (nint)(delegate* unmanaged[Cdecl]<byte**, uint*, nuint*, nint, nint, nint>)&OnRead, ctx,
                (nint)(delegate* unmanaged[Cdecl]<byte*, uint, nint, void>)&OnWrite, ctx);
        }
        finally
        {
            foreach (var p in owned) NativeMemory.Free((void*)p);
        }
        lock (_sendLock) _wakesStopped = true;
        _runEnded = true;
        FreeUnread();
        lock (_inboxLock) _inboxEnded = true;
        WakeReader();
        // The worker calls nothing of ours any more. Nothing else runs here: Worker logs the exit from a continuation
        // (RunContinuationsAsynchronously), never on this thread.
        _self.Free();
        _exited.TrySetResult(new ProcessExit(code, null));
    }

    // ---------------------------------------------------------------------------------------------
    // Host → worker
    // ---------------------------------------------------------------------------------------------

    public ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        Enqueue(frames.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Takes every byte: queuing a message for the worker never blocks.</summary>
    public int TrySend(ReadOnlySpan<byte> frames) => Enqueue(frames);

    /// <summary>Ends the worker's run (it handles <c>WORKER_CLOSE</c>); a no-op once that was queued. The test hook for deaths.</summary>
    public bool Kill()
    {
        if (HasExited) return false;
        Enqueue(CloseFrame);
        return true;
    }

    /// <summary>
    /// Takes bytes of frames — the writer sends a frame bigger than its batch in pieces, so a frame may span calls (its
    /// start is kept in <see cref="_carry"/>) — and queues each whole message for the worker, then wakes it once. Takes all.
    /// </summary>
    private int Enqueue(ReadOnlySpan<byte> frames)
    {
        lock (_sendLock)
        {
            // After WORKER_CLOSE the worker reads nothing more: later messages go nowhere (as to an exited process).
            if (_wakesStopped) return frames.Length;
            bool closing = false;
            int offset = 0, end = frames.Length;
            while (offset < end && !closing)
            {
                if (_carryLength == 0 && end - offset >= 4)
                {
                    int length = BinaryPrimitives.ReadInt32LittleEndian(frames.Slice(offset, 4));
                    if (end - offset - 4 >= length)
                    {
                        closing = QueueMessage(frames.Slice(offset + 4, length));
                        offset += 4 + length;
                        continue;
                    }
                }
                // A partial frame: first its 4-byte length, then the rest, gathered in _carry.
                int want = _carryLength < 4 ? 4 : 4 + BinaryPrimitives.ReadInt32LittleEndian(_carry.AsSpan(0, 4));
                if (_carry.Length < want) Array.Resize(ref _carry, Math.Max(want, _carry.Length * 2));
                int n = Math.Min(want - _carryLength, end - offset);
                frames.Slice(offset, n).CopyTo(_carry.AsSpan(_carryLength));
                _carryLength += n;
                offset += n;
                if (_carryLength >= 4 && _carryLength == 4 + BinaryPrimitives.ReadInt32LittleEndian(_carry.AsSpan(0, 4)))
                {
                    closing = QueueMessage(_carry.AsSpan(4, _carryLength - 4));
                    _carryLength = 0;
                    if (_carry.Length > 64 * 1024) _carry = new byte[256];
                }
            }
            // Before its first read the worker has not given its handle: it reads everything queued when it starts.
            nint handle = Volatile.Read(ref _asyncHandle);
            if (handle != 0) _library.AsyncSend(handle);
            if (closing) _wakesStopped = true;
        }
        if (_runEnded) FreeUnread();
        return frames.Length;
    }

    /// <summary>Copies one message into native memory for the worker's read callback; true if it is <c>WORKER_CLOSE</c>.</summary>
    private bool QueueMessage(ReadOnlySpan<byte> message)
    {
        var copy = (byte*)NativeMemory.Alloc((nuint)Math.Max(message.Length, 1));
        message.CopyTo(new Span<byte>(copy, message.Length));
        _toWorker.Enqueue(((nint)copy, message.Length));
        return IsWorkerClose(message);
    }

    /// <summary>True for <c>WORKER_CLOSE</c> (no body, empty handler id: only a short message is parsed, in a small copy).</summary>
    private bool IsWorkerClose(ReadOnlySpan<byte> message)
    {
        if (message.Length > _scanArray.Length) return false;
        message.CopyTo(_scanArray);
        _scan ??= new ByteBuffer(_scanArray);
        _scan.Position = 0;
        var parsed = FBS.Message.Message.GetRootAsMessage(_scan);
        return parsed.DataType == FbsBody.Notification && parsed.DataAsNotification().Event == FbsEvent.WORKER_CLOSE;
    }

    private void FreeUnread()
    {
        while (_toWorker.TryDequeue(out var m)) NativeMemory.Free((void*)m.Message);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static nint OnRead(byte** message, uint* length, nuint* messageCtx, nint handle, nint ctx)
    {
        var self = (InProcessWorker)GCHandle.FromIntPtr(ctx).Target!;
        // A full fence between publishing the handle and looking at the queue (Enqueue then reads the handle): a
        // message is either seen here or woken for.
        if (self._asyncHandle == 0) Interlocked.CompareExchange(ref self._asyncHandle, handle, 0);
        if (!self._toWorker.TryDequeue(out var m))
        {
            // The end of the worker's batch: what it wrote meanwhile goes to the reader now.
            self._inReadBatch = false;
            if (self._wakeOwed)
            {
                self._wakeOwed = false;
                self.WakeReader();
            }
            return 0;
        }
        self._inReadBatch = true;
        *message = (byte*)m.Message;
        *length = (uint)m.Length;
        *messageCtx = 0;
        return (nint)(delegate* unmanaged[Cdecl]<byte*, uint, nuint, void>)&FreeMessage;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void FreeMessage(byte* message, uint length, nuint ctx) => NativeMemory.Free(message);

    // ---------------------------------------------------------------------------------------------
    // Worker → host
    // ---------------------------------------------------------------------------------------------

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWrite(byte* message, uint length, nint ctx)
        => ((InProcessWorker)GCHandle.FromIntPtr(ctx).Target!).Deliver(new ReadOnlySpan<byte>(message, (int)length));

    /// <summary>
    /// Appends one message of the worker to the inbox. The worker hands over its frames size-prefixed (it builds them
    /// with <c>FinishSizePrefixed</c> for the socket and passes the same bytes to the callback): copied as they are.
    /// </summary>
    private void Deliver(ReadOnlySpan<byte> frame)
    {
        bool wake;
        lock (_inboxLock)
        {
            if (_inboxEnded) return; // nobody reads any more (the channel closed)
            if (_inbox.Length - _inEnd < frame.Length)
            {
                int used = _inEnd - _inStart;
                var target = used + frame.Length <= _inbox.Length ? _inbox : new byte[Math.Max(_inbox.Length * 2, used + frame.Length)];
                Buffer.BlockCopy(_inbox, _inStart, target, 0, used);
                _inbox = target;
                _inStart = 0;
                _inEnd = used;
            }
            frame.CopyTo(_inbox.AsSpan(_inEnd));
            _inEnd += frame.Length;
            wake = _readerWaiting;
            _readerWaiting = false;
        }
        if (!wake) return;
        if (_inReadBatch) _wakeOwed = true; // the end of the batch wakes it (OnRead)
        else WakeReader();
    }

    /// <summary>Wakes the reader sleeping in <see cref="Receive"/> (or makes its next sleep return at once).</summary>
    private void WakeReader()
    {
        ulong one = 1;
        lock (_wakeLock)
        {
            if (_wakeFd >= 0) LibC.write(_wakeFd, &one, sizeof(ulong));
        }
    }

    public int Receive(Span<byte> buffer)
    {
        while (true)
        {
            lock (_inboxLock)
            {
                if (_inStart != _inEnd)
                {
                    int n = Math.Min(buffer.Length, _inEnd - _inStart);
                    _inbox.AsSpan(_inStart, n).CopyTo(buffer);
                    _inStart += n;
                    if (_inStart == _inEnd) _inStart = _inEnd = 0;
                    return n;
                }
                if (_inboxEnded)
                {
                    CloseWakeFd(); // the reader is done: nobody sleeps on it any more
                    return 0;
                }
                _readerWaiting = true;
                _readerBlocked = true;
            }
            ulong count;
            nint r = LibC.read(_wakeFd, &count, sizeof(ulong)); // blocks until woken; EINTR: look again
            lock (_inboxLock) _readerBlocked = false;
            if (r < 0 && Marshal.GetLastPInvokeError() != LibC.EINTR)
                throw new IOException($"waiting for the in-process worker failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private void CloseWakeFd()
    {
        lock (_wakeLock)
        {
            if (_wakeFd < 0) return;
            LibC.close(_wakeFd);
            _wakeFd = -1;
        }
    }

    /// <summary>The channel is gone: the reader sees the end of the stream, and the worker is told to end its run.</summary>
    public void Shutdown()
    {
        lock (_inboxLock) _inboxEnded = true;
        WakeReader();
        Kill();
    }

    public void Dispose()
    {
        _threadStarted.Dispose();
        // A reader in read() closes the eventfd on its way out; otherwise nobody will read it again.
        bool blocked;
        lock (_inboxLock)
        {
            _inboxEnded = true;
            blocked = _readerBlocked;
        }
        if (blocked) WakeReader();
        else CloseWakeFd();
    }

    private static byte[] BuildCloseFrame()
    {
        var b = new FlatBufferBuilder(64);
        var handlerId = b.CreateString(string.Empty);
        var notification = FBS.Notification.Notification.CreateNotification(b, handlerId, FbsEvent.WORKER_CLOSE,
            FBS.Notification.Body.NONE, 0);
        b.FinishSizePrefixed(FBS.Message.Message.CreateMessage(b, FbsBody.Notification, notification.Value).Value);
        return b.SizedByteArray();
    }
}
