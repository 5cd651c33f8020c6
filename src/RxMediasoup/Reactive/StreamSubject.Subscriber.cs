using Microsoft.Extensions.Logging;

namespace RxMediasoup.Reactive;

// One subscriber of a StreamSubject: its replay, its own waiting queue and its disposal.
internal sealed partial class StreamSubject<T>
{
    private sealed class Subscriber(StreamSubject<T> owner, IObserver<T> observer, long startVersion, bool replayPending) : IDisposable
    {
        private Queue<(Kind Kind, T Value, Exception? Error)>? _waiting;
        private bool _busy = replayPending;
        private int _disposed;

        public long StartVersion { get; } = startVersion;

        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        /// <summary>Runs the replay (the subscriber is busy until then), then what arrived meanwhile.</summary>
        public void Replay(Replay replay)
        {
            if (replay.HasValue && !IsDisposed) Call(Kind.Next, replay.Value, null);
            if (replay.Terminated && !IsDisposed) Call(replay.Error is null ? Kind.Completed : Kind.Failed, default!, replay.Error);
            DrainWaiting();
        }

        public void Deliver(Delivery d) => Deliver(d.Kind, d.Value, d.Error);

        /// <summary>Calls the observer, one call at a time: a call arriving while another runs waits for it, in order.</summary>
        public void Deliver(Kind kind, T value, Exception? error)
        {
            lock (StripedGates.For(this))
            {
                if (_busy)
                {
                    (_waiting ??= new()).Enqueue((kind, value, error));
                    return;
                }
                _busy = true;
            }
            if (!IsDisposed) Call(kind, value, error);
            DrainWaiting();
        }

        private void DrainWaiting()
        {
            while (true)
            {
                (Kind Kind, T Value, Exception? Error) next;
                lock (StripedGates.For(this))
                {
                    if (_waiting is not { Count: > 0 } w)
                    {
                        _busy = false;
                        return;
                    }
                    next = w.Dequeue();
                }
                if (!IsDisposed) Call(next.Kind, next.Value, next.Error);
            }
        }

        private void Call(Kind kind, T value, Exception? error)
        {
            try
            {
                switch (kind)
                {
                    case Kind.Next: observer.OnNext(value); break;
                    case Kind.Completed: observer.OnCompleted(); break;
                    default: observer.OnError(error!); break;
                }
            }
            catch (Exception e)
            {
                owner._logger.LogError(e, "a subscriber of {Stream} threw; it was removed", owner._name);
                Dispose();
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(this);
        }
    }
}
