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
    public void OnFrames(ReadOnlySpan<byte> frames) => OnFrames(frames.ToArray());

    /// <summary>
    /// As <see cref="OnFrames(ReadOnlySpan{byte})"/>, reading <paramref name="frames"/> in place (no copy): the caller
    /// hands the array over and never changes it afterwards (parsed messages may still refer to it).
    /// </summary>
    /// <exception cref="InvalidOperationException">The transport does not push.</exception>
    /// <exception cref="InvalidDataException">A frame is truncated or over the size limit (the channel closes).</exception>
    public void OnFrames(byte[] frames)
    {
        if (_push is null) throw new InvalidOperationException("this channel reads its transport on its own thread");
        if (IsClosed) return;
        if (_timeoutMs > 0) ExpireDue();
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

    private void DispatchFrames(byte[] buffer)
    {
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

    // Request timeouts on the push path: every request has the same timeout, so deadlines come in send order. One
    // scheduler action at the earliest deadline that is still pending (re-armed at the next one), instead of one action
    // per request left on the scheduler's queue until its deadline (~72,000 in a simulated hour of stats polling).
    private readonly Queue<(long Due, uint Id)> _deadlines = new();
    private bool _deadlineArmed;                       // under _deadlines: an action is scheduled for the head
    private long _earliestDeadline = long.MaxValue;    // the head's due time (UtcTicks), read without the lock

    private void ScheduleTimeout(uint id)
    {
        var scheduler = _push!.Scheduler;
        long due = (scheduler.Now + TimeSpan.FromMilliseconds(_timeoutMs)).UtcTicks;
        lock (_deadlines)
        {
            _deadlines.Enqueue((due, id));
            if (_deadlines.Count == 1) Volatile.Write(ref _earliestDeadline, due);
            if (_deadlineArmed) return;
            _deadlineArmed = true;
        }
        ArmDeadline(scheduler, due);
    }

    private void ArmDeadline(System.Reactive.Concurrency.IScheduler scheduler, long due)
        => scheduler.Schedule(this, new DateTimeOffset(due, TimeSpan.Zero), static (_, channel) =>
        {
            channel.ExpireDue();
            long next;
            lock (channel._deadlines)
            {
                channel.DropAnswered();
                if (channel._deadlines.Count == 0)
                {
                    channel._deadlineArmed = false;
                    return Disposable.Empty;
                }
                next = channel._deadlines.Peek().Due;
            }
            channel.ArmDeadline(channel._push!.Scheduler, next);
            return Disposable.Empty;
        });

    /// <summary>
    /// Fails the pending requests whose deadline has come, in send order: from the deadline's action, and before a
    /// frame is dispatched (a request times out before an answer arriving at its deadline, as with one action each).
    /// </summary>
    private void ExpireDue()
    {
        long now = _push!.Scheduler.Now.UtcTicks;
        if (Volatile.Read(ref _earliestDeadline) > now) return;
        List<uint>? due = null;
        lock (_deadlines)
        {
            while (_deadlines.TryPeek(out var head) && head.Due <= now)
            {
                _deadlines.Dequeue();
                (due ??= []).Add(head.Id);
            }
            DropAnswered();
        }
        if (due is null) return;
        var context = WithoutSynchronizationContext();
        try
        {
            foreach (uint id in due)
                if (_pending.TryGet(id, out var pending)) Expire(id, pending);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    // Under _deadlines: drops the answered (or cancelled) requests at the head; updates the earliest deadline.
    private void DropAnswered()
    {
        while (_deadlines.TryPeek(out var head) && !_pending.TryGet(head.Id, out _)) _deadlines.Dequeue();
        Volatile.Write(ref _earliestDeadline, _deadlines.TryPeek(out var first) ? first.Due : long.MaxValue);
    }
}
