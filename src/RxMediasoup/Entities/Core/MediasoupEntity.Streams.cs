using System.Runtime.CompilerServices;
using RxMediasoup.Reactive;

namespace RxMediasoup;

// The entity's streams, created on first use (LazyStream): a consumer with only its Score subscribed keeps one subject,
// not nine. Completion on close covers the subjects that exist; one created later is born completed.
public abstract partial class MediasoupEntity
{
    // Striped gates instead of a lock object per entity: held only to read or swap a few fields, never while calling
    // out (subscribers run through the delivery queue, after the gate is released), so sharing one between entities costs
    // nothing but saves 24 bytes per entity; and unlike lock (this) user code cannot take them.
    private static readonly object[] Gates = CreateGates(64);

    private IStreamCompletion[] _streams = [];
    private bool _streamsCompleted;
    private LazyStream<CloseReason> _closed;

    private object Gate => Gates[RuntimeHelpers.GetHashCode(this) & (Gates.Length - 1)];

    /// <summary>Total subscribers of the entity's streams (a diagnostic for leak checks).</summary>
    internal int SubscriberCount
    {
        get
        {
            int n = Volatile.Read(ref _closed.Subject)?.SubscriberCount ?? 0;
            foreach (var s in Volatile.Read(ref _streams)) n += s.SubscriberCount;
            return n;
        }
    }

    /// <summary>The signal stream behind <see cref="Closed"/> (for shared polls that stop when the entity closes).</summary>
    private protected IObservable<CloseReason> ClosedSignal
    {
        get
        {
            if (Volatile.Read(ref _closed.Subject) is { } subject) return subject;
            lock (Gate)
            {
                if (_closed.Subject is null)
                {
                    var name = StreamNames.Of(EntityKind, nameof(Closed));
                    // After CompleteStreams the reason is set: a late subject replays it and completes.
                    Volatile.Write(ref _closed.Subject, _streamsCompleted
                        ? StreamSubject<CloseReason>.Fired(name, _closeReason!.Value, Channel.Deliveries, Logger)
                        : StreamSubject<CloseReason>.Signal(name, Channel.Deliveries, Logger));
                }
                return _closed.Subject;
            }
        }
    }

    /// <summary>Completes the streams that exist, then emits <see cref="Closed"/>; later streams are born completed.</summary>
    private void CompleteStreams(CloseReason reason)
    {
        IStreamCompletion[] streams;
        StreamSubject<CloseReason>? closed;
        lock (Gate)
        {
            _streamsCompleted = true;
            streams = _streams;
            closed = _closed.Subject;
        }
        foreach (var s in streams) s.Complete();
        closed?.OnNext(reason);
    }

    /// <summary>Completes <paramref name="stream"/> with the entity (a signal created eagerly…).</summary>
    private protected TStream Track<TStream>(TStream stream) where TStream : IStreamCompletion
    {
        lock (Gate) _streams = [.. _streams, stream];
        return stream;
    }

    /// <summary>A state stream of this entity created now (completes when it closes); for rare entities.</summary>
    private protected StreamSubject<T> State<T>(string name, T initial)
        => Track(StreamSubject<T>.State(StreamNames.Of(EntityKind, name), initial, Channel.Deliveries, Logger));

    /// <summary>A hot event stream of this entity created now (completes when it closes); for rare entities.</summary>
    private protected StreamSubject<T> Events<T>(string name)
        => Track(StreamSubject<T>.Events(StreamNames.Of(EntityKind, name), Channel.Deliveries, Logger));

    /// <summary>
    /// A state stream of this entity, created on first call with the current value (completes when the entity closes;
    /// created after that, it replays the final value and completes).
    /// </summary>
    private protected StreamSubject<T> StateStream<T>(ref LazyStream<T> stream, string name, IEqualityComparer<T>? comparer = null)
    {
        if (Volatile.Read(ref stream.Subject) is { } subject) return subject;
        lock (Gate)
        {
            if (stream.Subject is null)
            {
                var created = StreamSubject<T>.State(StreamNames.Of(EntityKind, name), stream.Value, Channel.Deliveries, Logger,
                    comparer, completed: _streamsCompleted);
                if (!_streamsCompleted) _streams = [.. _streams, created];
                stream.Value = default!; // the subject holds it from now on
                Volatile.Write(ref stream.Subject, created);
            }
            return stream.Subject;
        }
    }

    /// <summary>A hot event stream of this entity, created on first call (completes when the entity closes).</summary>
    private protected StreamSubject<T> EventStream<T>(ref LazyStream<T> stream, string name)
    {
        if (Volatile.Read(ref stream.Subject) is { } subject) return subject;
        lock (Gate)
        {
            if (stream.Subject is null)
            {
                var created = StreamSubject<T>.Events(StreamNames.Of(EntityKind, name), Channel.Deliveries, Logger, completed: _streamsCompleted);
                if (!_streamsCompleted) _streams = [.. _streams, created];
                Volatile.Write(ref stream.Subject, created);
            }
            return stream.Subject;
        }
    }

    /// <summary>
    /// Publishes a state's new value, as <see cref="StreamSubject{T}.OnNext"/> (no change after the entity's streams
    /// completed); with no subject yet, only stores it.
    /// </summary>
    private protected void SetState<T>(ref LazyStream<T> stream, T value)
    {
        var subject = Volatile.Read(ref stream.Subject);
        if (subject is null)
        {
            lock (Gate)
            {
                subject = stream.Subject;
                if (subject is null)
                {
                    if (!_streamsCompleted) stream.Value = value;
                    return;
                }
            }
        }
        subject.OnNext(value);
    }

    /// <summary>A state's current value (without creating its subject).</summary>
    private protected T StateValue<T>(ref LazyStream<T> stream)
    {
        if (Volatile.Read(ref stream.Subject) is { } subject) return subject.Value;
        lock (Gate) return stream.Subject is { } created ? created.Value : stream.Value;
    }

    /// <summary>Publishes an event to the subscribers of an event stream (nobody's if it was never subscribed).</summary>
    private protected static void Publish<T>(ref LazyStream<T> stream, T value) => Volatile.Read(ref stream.Subject)?.OnNext(value);

    private static object[] CreateGates(int count)
    {
        var gates = new object[count];
        for (int i = 0; i < count; i++) gates[i] = new object();
        return gates;
    }
}
