using RxMediasoup.Reactive;

namespace RxMediasoup;

// The entity's streams, created on first use (LazyStream): a consumer with only its Score subscribed keeps one subject,
// not nine. Completion on close covers the subjects that exist; one created later is born completed.
public abstract partial class MediasoupEntity
{
    private IStreamCompletion? _stream0; // the first stream created, then the others: no array for one stream
    private IStreamCompletion[] _streams = [];
    private bool _streamsCompleted;
    private StreamSubject<CloseReason>? _closed;

    /// <summary>
    /// The entity's lock (a striped one: <see cref="StripedGates"/>), held only to read or swap a few fields, never while
    /// calling out (subscribers run through the delivery queue, after it is released) or taking another striped gate.
    /// </summary>
    private protected object Gate => StripedGates.For(this);

    /// <summary>Total subscribers of the entity's streams (a diagnostic for leak checks).</summary>
    internal int SubscriberCount
    {
        get
        {
            int n = Volatile.Read(ref _closed)?.SubscriberCount ?? 0;
            n += Volatile.Read(ref _stream0)?.SubscriberCount ?? 0;
            foreach (var s in Volatile.Read(ref _streams)) n += s.SubscriberCount;
            return n;
        }
    }

    /// <summary>The signal stream behind <see cref="Closed"/> (for shared polls that stop when the entity closes).</summary>
    private protected IObservable<CloseReason> ClosedSignal
    {
        get
        {
            if (Volatile.Read(ref _closed) is { } subject) return subject;
            lock (Gate)
            {
                if (_closed is null)
                {
                    var name = StreamNames.Of(EntityKind, nameof(Closed));
                    // After CompleteStreams the reason is set: a late subject replays it and completes.
                    Volatile.Write(ref _closed, _streamsCompleted
                        ? StreamSubject<CloseReason>.Fired(name, _closeReason!.Value, Channel.Deliveries, Logger)
                        : StreamSubject<CloseReason>.Signal(name, Channel.Deliveries, Logger));
                }
                return _closed;
            }
        }
    }

    /// <summary>Completes the streams that exist, then emits <see cref="Closed"/>; later streams are born completed.</summary>
    private void CompleteStreams(CloseReason reason)
    {
        IStreamCompletion? first;
        IStreamCompletion[] streams;
        StreamSubject<CloseReason>? closed;
        lock (Gate)
        {
            _streamsCompleted = true;
            first = _stream0;
            streams = _streams;
            closed = _closed;
        }
        first?.Complete();
        foreach (var s in streams) s.Complete();
        closed?.OnNext(reason);
    }

    /// <summary>Completes <paramref name="stream"/> with the entity (a signal created eagerly…).</summary>
    private protected TStream Track<TStream>(TStream stream) where TStream : IStreamCompletion
    {
        lock (Gate) AddStream(stream);
        return stream;
    }

    /// <summary>A state stream of this entity created now (completes when it closes); for rare entities.</summary>
    private protected StreamSubject<T> State<T>(string name, T initial)
        => Track(StreamSubject<T>.State(StreamNames.Of(EntityKind, name), initial, Channel.Deliveries, Logger));

    /// <summary>A hot event stream of this entity created now (completes when it closes); for rare entities.</summary>
    private protected StreamSubject<T> Events<T>(string name)
        => Track(StreamSubject<T>.Events(StreamNames.Of(EntityKind, name), Channel.Deliveries, Logger));

    /// <summary>Adds a stream that <see cref="CompleteStreams"/> completes (under the gate).</summary>
    private void AddStream(IStreamCompletion stream)
    {
        if (_stream0 is null) Volatile.Write(ref _stream0, stream);
        else Volatile.Write(ref _streams, [.. _streams, stream]);
    }

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
                if (!_streamsCompleted) AddStream(created);
                stream.Value = default!; // the subject holds it from now on
                Volatile.Write(ref stream.Subject, created);
            }
            return stream.Subject;
        }
    }

    /// <summary>
    /// A hot event stream of this entity, created on first call (completes when the entity closes). Its field is the
    /// subject itself (an event stream has no value to keep meanwhile); publish with <see cref="Publish{T}"/>.
    /// </summary>
    private protected StreamSubject<T> EventStream<T>(ref StreamSubject<T>? stream, string name)
    {
        if (Volatile.Read(ref stream) is { } subject) return subject;
        lock (Gate)
        {
            if (stream is null)
            {
                var created = StreamSubject<T>.Events(StreamNames.Of(EntityKind, name), Channel.Deliveries, Logger, completed: _streamsCompleted);
                if (!_streamsCompleted) AddStream(created);
                Volatile.Write(ref stream, created);
            }
            return stream;
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
        StreamSubject<T>? subject = Volatile.Read(ref stream.Subject);
        if (subject is null)
        {
            lock (Gate)
            {
                subject = stream.Subject;
                if (subject is null) return stream.Value;
            }
        }
        return subject.Value; // outside the gate: striped gates are never nested
    }

    /// <summary>Publishes an event to the subscribers of an event stream (nobody's if it was never subscribed).</summary>
    private protected static void Publish<T>(ref StreamSubject<T>? stream, T value) => Volatile.Read(ref stream)?.OnNext(value);
}
