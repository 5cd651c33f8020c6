using System.Buffers;
using System.Net.Sockets;
using Google.FlatBuffers;

namespace RxMediasoup.Channel;

// The sending half: message building (a per-thread FlatBuffers builder) and the outgoing queue. A sender copies its
// message straight from its builder into the queue (no per-frame buffer); the sender that finds nobody flushing queues
// one flush on the thread pool, which hands everything queued by then to the transport without blocking (one socket
// send for all of them, or the in-process worker's queue); only what a full socket buffer does not take goes out
// asynchronously.
internal sealed partial class WorkerChannel
{
    /// <summary>Size of a fresh queue buffer; it doubles as needed.</summary>
    private const int InitialQueueBytes = 16 * 1024;

    /// <summary>Largest queue buffer kept for reuse once sent: a bigger one (grown by a big message or a burst) is dropped.</summary>
    private const int MaxRetainedQueueBytes = 256 * 1024;

    private readonly Lock _sendLock = new();
    private byte[] _queued = new byte[InitialQueueBytes]; // under _sendLock: frames not yet handed to the transport
    private int _queuedLength;
    private byte[]? _spare;          // under _sendLock: the other buffer, free while no flush holds it
    private bool _flushing;          // under _sendLock: a thread (or an asynchronous send) is flushing
    private bool _sendClosed;        // under _sendLock: nothing more is queued
    private TaskCompletionSource? _flushed; // under _sendLock: completed when a flush ends (a graceful close waits)
    private byte[]? _asyncChunk;     // the flusher's: what an asynchronous send sends from

    private uint NextId()
    {
        while (true)
        {
            uint id = (uint)Interlocked.Increment(ref _nextId);
            if (id != 0) return id;
        }
    }

    private static FlatBufferBuilder Builder()
    {
        var b = t_builder ??= new FlatBufferBuilder(1024);
        b.Clear();
        return b;
    }

    /// <summary>
    /// Drops this thread's builder if a big message grew it past <see cref="MaxRetainedBuilderBytes"/> (a builder
    /// only grows): the next message starts a new small one. Called after every message, sent or failed.
    /// </summary>
    private static void ReleaseBuilder()
    {
        if (t_builder is { } b && b.DataBuffer.Length > MaxRetainedBuilderBytes) t_builder = null;
    }

    /// <summary>Finishes the message as a frame in the builder; <paramref name="kind"/>, <paramref name="label"/> and
    /// <paramref name="name"/> name it in the error for one over the size limit ("request too big [method:…]").</summary>
    private static ArraySegment<byte> Finish<TName>(FlatBufferBuilder b, Offset<FBS.Message.Message> message, string kind, string label, TName name)
        where TName : struct, Enum
    {
        b.FinishSizePrefixed(message.Value);
        var data = b.DataBuffer;
        int start = data.Position;
        int length = data.Length - start;
        if (length > MessageMaxLength)
        {
            b.Clear();
            throw new ArgumentException(
                $"{kind} too big [{label}:{name}]: {length} bytes, the worker accepts at most {MessageMaxLength} bytes per message");
        }
        return data.ToArraySegment(start, length);
    }

    /// <summary>Sends a finished frame (still in the sender's builder); false once the channel is closed.</summary>
    private bool Send(ArraySegment<byte> frame)
    {
        if (_push is not null)
        {
            if (IsClosed) return false;
            SendPushed(frame);
            return true;
        }
        lock (_sendLock)
        {
            if (_sendClosed) return false;
            if (_queued.Length - _queuedLength < frame.Count)
            {
                var bigger = new byte[Math.Max(_queued.Length * 2, _queuedLength + frame.Count)];
                _queued.AsSpan(0, _queuedLength).CopyTo(bigger);
                _queued = bigger;
            }
            frame.AsSpan().CopyTo(_queued.AsSpan(_queuedLength));
            _queuedLength += frame.Count;
            if (_flushing) return true; // the flushing thread takes it
            _flushing = true;
        }
        // Not on this thread: a caller that cancels right after the call (a create's WaitAsync) must still find the
        // request unanswered — an inline send let a fast worker answer first (CancelledProduceLeavesNothingBehind).
        ThreadPool.UnsafeQueueUserWorkItem(_flushItem ??= new FlushItem(this), preferLocal: false);
        return true;
    }

    private FlushItem? _flushItem;

    /// <summary>A flush as a thread-pool item (one per channel: queuing it allocates nothing).</summary>
    private sealed class FlushItem(WorkerChannel channel) : IThreadPoolWorkItem
    {
        public void Execute() => channel.Flush();
    }

    /// <summary>
    /// Hands the queued bytes to the transport until none are left (the caller set <see cref="_flushing"/>). When the
    /// transport takes only part of them (a full socket buffer), the rest goes out asynchronously, and the flush goes on
    /// after it on the thread pool.
    /// </summary>
    private void Flush()
    {
        while (true)
        {
            byte[] buffer;
            int length;
            lock (_sendLock)
            {
                if (_queuedLength == 0 || IsClosed)
                {
                    EndFlush();
                    return;
                }
                buffer = _queued;
                length = _queuedLength;
                _queued = _spare ?? new byte[InitialQueueBytes];
                _spare = null;
                _queuedLength = 0;
            }
            int sent;
            try
            {
                sent = _transport.TrySend(buffer.AsSpan(0, length));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                FailSend(e);
                return;
            }
            if (sent < length)
            {
                _ = FlushAsync(buffer, sent, length);
                return;
            }
            Recycle(buffer);
        }
    }

    private async Task FlushAsync(byte[] buffer, int offset, int length)
    {
        try
        {
            // Through a fixed chunk: the socket's cached send arguments keep the last memory sent referenced, and a
            // big queue buffer must not outlive its messages.
            var chunk = _asyncChunk ??= new byte[MaxRetainedQueueBytes];
            while (offset < length)
            {
                int n = Math.Min(chunk.Length, length - offset);
                buffer.AsSpan(offset, n).CopyTo(chunk);
                await _transport.SendAsync(chunk.AsMemory(0, n)).ConfigureAwait(false);
                offset += n;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            FailSend(e);
            return;
        }
        Recycle(buffer);
        Flush();
    }

    private void FailSend(Exception e)
    {
        lock (_sendLock) EndFlush();
        Close(new IOException($"writing to the worker channel failed: {e.Message}", e));
    }

    // Under _sendLock.
    private void EndFlush()
    {
        _flushing = false;
        if (IsClosed) _queuedLength = 0;
        _flushed?.TrySetResult();
        _flushed = null;
    }

    /// <summary>Keeps a sent buffer as the spare, unless it grew big (it would stay referenced for good).</summary>
    private void Recycle(byte[] buffer)
    {
        if (buffer.Length > MaxRetainedQueueBytes) return;
        lock (_sendLock) _spare ??= buffer;
    }

    /// <summary>Stops queuing; the returned task completes once what was queued has been handed to the transport.</summary>
    private Task StopSending()
    {
        lock (_sendLock)
        {
            _sendClosed = true;
            if (!_flushing) return Task.CompletedTask;
            return (_flushed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>A copy of a frame for a push transport (it may answer inline, and the answer's awaiter may reuse this thread's builder).</summary>
    private static byte[] RentCopy(ArraySegment<byte> frame)
    {
        // A big frame is a plain array: the shared pool would keep it (and its power-of-two bucket) for good.
        var buffer = frame.Count > MaxPooledFrameBytes ? new byte[frame.Count] : ArrayPool<byte>.Shared.Rent(frame.Count);
        frame.AsSpan().CopyTo(buffer);
        return buffer;
    }

    /// <summary>Gives a copy's buffer back: to the shared pool if it came from there (see <see cref="RentCopy"/>).</summary>
    private static void ReturnCopy(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledFrameBytes) ArrayPool<byte>.Shared.Return(buffer);
    }
}
