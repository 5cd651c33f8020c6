using System.Buffers.Binary;
using System.Reactive.Disposables;
using Google.FlatBuffers;

namespace RxMediasoup.Channel;

// Pushed frames (an IPushWorkerTransport, e.g. a simulated worker in virtual time): no thread and no timer; frames
// are sent inline, received synchronously, and request timeouts run on the transport's scheduler.
internal sealed partial class WorkerChannel
{
    /// <summary>
    /// Receives whole frames (each a 4-byte little-endian length and a message) from a push transport, on the
    /// calling thread: responses complete their requests and notifications are delivered before this returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">The transport does not push.</exception>
    /// <exception cref="InvalidDataException">A frame is truncated or over the size limit (the channel closes).</exception>
    public void OnFrames(ReadOnlySpan<byte> frames)
    {
        if (_push is null) throw new InvalidOperationException("this channel reads its transport on its own thread");
        if (IsClosed) return;
        var context = WithoutSynchronizationContext();
        try
        {
            DispatchFrames(frames);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>
    /// Clears the calling thread's synchronization context and returns it (to restore): a task completes its awaiters
    /// inline only where none is current (a test framework's usually is), so that every awaiter of what completes
    /// meanwhile has resumed when the scheduler action returns.
    /// </summary>
    private static SynchronizationContext? WithoutSynchronizationContext()
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        return context;
    }

    private void DispatchFrames(ReadOnlySpan<byte> frames)
    {
        var buffer = frames.ToArray();
        var bb = new ByteBuffer(buffer);
        for (int start = 0; start < buffer.Length;)
        {
            int length = buffer.Length - start >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start, 4)) : -1;
            if (length < 0 || length > PayloadMaxLength || length > buffer.Length - start - 4)
            {
                var fault = new InvalidDataException($"protocol fault: a truncated or oversized frame at byte {start} of {buffer.Length}");
                Close(fault);
                throw fault;
            }
            bb.Position = start + 4;
            Dispatch(bb);
            start += 4 + length;
        }
    }

    /// <summary>A new entity id: a random GUID, or the push transport's (deterministic ids in a simulation).</summary>
    public string NewId() => _push?.NewId() ?? Guid.NewGuid().ToString();

    /// <summary>The scheduler of a push transport (a simulated worker's virtual clock), or null: the default for its entities' timers.</summary>
    public System.Reactive.Concurrency.IScheduler? Scheduler => _push?.Scheduler;

    /// <summary>The source of generated SSRCs: null (<see cref="Random.Shared"/>), or the push transport's.</summary>
    public Random? SsrcSource => _push?.SsrcSource;

    private void SendPushed(ArraySegment<byte> frame)
    {
        var copy = RentCopy(frame);
        try
        {
            var sent = _transport.SendAsync(copy.AsMemory(0, frame.Count));
            if (!sent.IsCompletedSuccessfully)
                throw new InvalidOperationException("a push transport must take frames synchronously");
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            Close(new IOException($"writing to the worker channel failed: {e.Message}", e));
        }
        finally
        {
            ReturnCopy(copy);
        }
    }

    private void ScheduleTimeout(uint id)
        => _push!.Scheduler.Schedule((this, id), TimeSpan.FromMilliseconds(_timeoutMs), static (_, state) =>
        {
            var (channel, requestId) = state;
            if (!channel._pending.TryGet(requestId, out var pending)) return Disposable.Empty;
            var context = WithoutSynchronizationContext();
            try
            {
                channel.Expire(requestId, pending);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(context);
            }
            return Disposable.Empty;
        });
}
