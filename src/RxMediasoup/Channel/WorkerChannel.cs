using System.Collections.Concurrent;
using Google.FlatBuffers;
using Microsoft.Extensions.Logging;
using FbsBody = FBS.Message.Body;
using FbsEvent = FBS.Notification.Event;
using FbsMethod = FBS.Request.Method;

namespace RxMediasoup.Channel;

/// <summary>
/// The request/response/notification channel to one worker over an <see cref="IWorkerTransport"/> (a subprocess's
/// socket or an in-process worker's callbacks). Each message is a 4-byte little-endian length followed by a
/// FlatBuffers <c>FBS.Message.Message</c>.
/// <list type="bullet">
/// <item>Senders copy their message into one outgoing queue; one thread-pool flush hands everything queued to the
/// transport in one non-blocking send (concurrent senders share it, which cuts the worker's CPU per request
/// several-fold); what a full socket buffer does not take goes out asynchronously.</item>
/// <item>One reader thread (its own, blocking in the transport's receive) parses frames, completes requests by id (the response is parsed on the loop, while
/// it is in the receive buffer), dispatches notifications by handler id, and forwards worker logs.</item>
/// <item>No lock is held while awaiting I/O. Close (explicit, EOF, socket error, protocol fault) fails every
/// pending request at once with <see cref="WorkerClosedException"/>.</item>
/// </list>
/// </summary>
internal sealed partial class WorkerChannel
{
    /// <summary>Largest message, size prefix included (mediasoup 3.27's limit).</summary>
    public const int MessageMaxLength = 8_388_608;

    /// <summary>Largest FlatBuffers payload of a message.</summary>
    public const int PayloadMaxLength = MessageMaxLength - 4;

    private const int MaxBatchBytes = 256 * 1024;

    /// <summary>Largest builder a thread keeps between messages: a bigger one (grown by a big message) is dropped.</summary>
    private const int MaxRetainedBuilderBytes = 64 * 1024;

    /// <summary>Largest frame taken from (and returned to) the shared pool; bigger ones are plain arrays left to the GC.</summary>
    private const int MaxPooledFrameBytes = 1024 * 1024;

    [ThreadStatic] private static FlatBufferBuilder? t_builder;

    private readonly IWorkerTransport _transport;
    private readonly ILogger _logger;
    private readonly ILogger _workerLogger;
    private readonly int _pid;
    private readonly int _timeoutMs;
    private readonly PendingTable _pending = new();
    private readonly ConcurrentDictionary<string, INotificationSink> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, INotificationSink>.AlternateLookup<ReadOnlySpan<char>> _handlersBySpan;
    private readonly TaskCompletionSource<Exception?> _closed;
    private readonly IPushWorkerTransport? _push;
    private Timer? _timeoutTimer;
    private Task _readerLoop = Task.CompletedTask;
    private int _nextId;
    private int _isClosed;

    public WorkerChannel(IWorkerTransport transport, int pid, ILoggerFactory loggerFactory, TimeSpan? requestTimeout,
        TimeSpan? deliveryWarningThreshold = null)
    {
        _transport = transport;
        _push = transport as IPushWorkerTransport;
        _pid = pid;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger("RxMediasoup.Channel");
        // Pushed frames (virtual time): no watchdog timer, and continuations run synchronously on the scheduler's actions.
        _closed = new(_push is null ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
        Deliveries = new DeliveryQueue(loggerFactory.CreateLogger("RxMediasoup.Delivery"), _push is null ? deliveryWarningThreshold : null);
        _workerLogger = loggerFactory.CreateLogger("RxMediasoup.Worker");
        // Requests remember when they were sent as a 32-bit tick count (it keeps them small), good for ~24 days: a
        // longer timeout is none.
        _timeoutMs = requestTimeout is { } t && t > TimeSpan.Zero && t.TotalMilliseconds < int.MaxValue / 2 ? Math.Max(1, (int)t.TotalMilliseconds) : -1;
        _handlersBySpan = _handlers.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The worker's process id (for traces).</summary>
    public int Pid => _pid;

    /// <summary>The factory of the loggers of this worker's entities (<c>RxMediasoup.&lt;EntityKind&gt;</c>).</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>
    /// The worker's delivery queue: every notification is parsed on the reader and delivered through it, so a
    /// subscriber that blocks never stops responses being read and completed.
    /// </summary>
    public DeliveryQueue Deliveries { get; }

    /// <summary>True once the channel is closed; no request or notification can be sent any more.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Completes when the channel closes, with the cause (null for an orderly close).</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Requests awaiting a response.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Starts the reader thread. Register the first handlers before this.</summary>
    public void Start()
    {
        if (_push is not null)
        {
            _push.Attach(this);
            return;
        }
        // The reader is a dedicated thread (see SocketTransport for why).
        var readerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _readerLoop = readerDone.Task;
        new Thread(() =>
        {
            DeliveryQueue.NeverDrainHere();
            try { ReaderLoop(); }
            finally { readerDone.TrySetResult(); }
        })
        {
            IsBackground = true,
            Name = $"mediasoup-worker {_pid} channel",
        }.Start();
        if (_timeoutMs > 0)
        {
            var period = TimeSpan.FromMilliseconds(Math.Clamp(_timeoutMs / 4, 10, 1000));
            _timeoutTimer = new Timer(static s => ((WorkerChannel)s!).ExpireRequests(), this, period, period);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /// <summary>Sends a request without a body.</summary>
    public Task<TResult> RequestAsync<TResult>(FbsMethod method, string? handlerId, ResponseParser<TResult> parse,
        CancellationToken cancellationToken = default)
        => RequestAsync<object?, TResult>(method, handlerId, FBS.Request.Body.NONE, null, null, parse, cancellationToken);

    /// <summary>
    /// Sends a request and completes with the parsed response. Errors: the worker's <c>TypeError</c> →
    /// <see cref="ArgumentException"/>, <c>NotFoundError</c> → <see cref="NotFoundException"/>, other errors →
    /// <see cref="MediasoupException"/>; a closed channel → <see cref="WorkerClosedException"/>; no response in
    /// the request timeout → <see cref="TimeoutException"/>; cancellation → <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<TResult> RequestAsync<TState, TResult>(FbsMethod method, string? handlerId, FBS.Request.Body bodyType,
        TState state, BodyWriter<TState>? writeBody, ResponseParser<TResult> parse, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<TResult>(cancellationToken);
        if (IsClosed) return Task.FromException<TResult>(ClosedError($"cannot send request [method:{method}]"));

        uint id = NextId();
        ArraySegment<byte> frame;
        try
        {
            var b = Builder();
            var handlerOffset = b.CreateString(handlerId ?? string.Empty);
            int bodyOffset = writeBody is null ? 0 : writeBody(b, state);
            var request = FBS.Request.Request.CreateRequest(b, id, method, handlerOffset,
                writeBody is null ? FBS.Request.Body.NONE : bodyType, bodyOffset);
            var message = FBS.Message.Message.CreateMessage(b, FbsBody.Request, request.Value);
            frame = Finish(b, message, "request", "method", method);
        }
        catch (Exception e)
        {
            ReleaseBuilder();
            return Task.FromException<TResult>(e);
        }

        // In the table before it is sent: the response may come at once.
        var pending = PendingRequest<TResult>.Create(method, parse, Deliveries, cancellationToken.CanBeCanceled, asynchronousCompletions: _push is null);
        _pending.Add(id, pending);
        if (cancellationToken.CanBeCanceled)
        {
            pending.SetRegistration(cancellationToken.UnsafeRegister(static (s, ct) =>
            {
                var (channel, id, p) = ((WorkerChannel, uint, IPendingRequest))s!;
                if (channel._pending.TryRemove(id, p)) p.Cancel(ct);
            }, (this, id, (IPendingRequest)pending)));
        }
        if (_push is not null && _timeoutMs > 0) ScheduleTimeout(id);
        bool sent = Send(frame);
        ReleaseBuilder();
        // Closed meanwhile (its close may have failed the pending requests before this one was added): whoever removes it fails it.
        if ((!sent || IsClosed) && _pending.TryRemove(id, pending))
        {
            pending.Unregister();
            pending.Fail(ClosedError($"cannot send request [method:{method}]"));
        }
        return pending.Task;
    }

    /// <summary>Sends a notification (no response) without a body.</summary>
    public void Notify(FbsEvent @event, string? handlerId)
        => Notify<object?>(@event, handlerId, FBS.Notification.Body.NONE, null, null);

    /// <summary>
    /// Sends a notification: a message the worker does not answer (worker close, producer/data-producer
    /// send, RTCP send). Throws <see cref="WorkerClosedException"/> once closed and
    /// <see cref="ArgumentException"/> for a message over the size limit.
    /// </summary>
    public void Notify<TState>(FbsEvent @event, string? handlerId, FBS.Notification.Body bodyType, TState state,
        BodyWriter<TState>? writeBody)
    {
        if (IsClosed) throw ClosedError($"cannot send notification [event:{@event}]");
        bool sent;
        try
        {
            var b = Builder();
            var handlerOffset = b.CreateString(handlerId ?? string.Empty);
            int bodyOffset = writeBody is null ? 0 : writeBody(b, state);
            var notification = FBS.Notification.Notification.CreateNotification(b, handlerOffset, @event,
                writeBody is null ? FBS.Notification.Body.NONE : bodyType, bodyOffset);
            var message = FBS.Message.Message.CreateMessage(b, FbsBody.Notification, notification.Value);
            sent = Send(Finish(b, message, "notification", "event", @event));
        }
        finally
        {
            ReleaseBuilder();
        }
        if (!sent) throw ClosedError($"cannot send notification [event:{@event}]");
    }

    // ---------------------------------------------------------------------------------------------
    // Close
    // ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Closes the channel now: no more sends, every pending request fails with
    /// <see cref="WorkerClosedException"/>, the transport is shut down. Idempotent.
    /// </summary>
    public void Close(Exception? cause = null)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return;
        _ = StopSending();
        _timeoutTimer?.Dispose();
        Deliveries.Dispose();
        FailAllPending(cause);
        _transport.Shutdown();
        _closed.TrySetResult(cause);
    }

    /// <summary>
    /// Closes the channel after the messages already queued (e.g. WORKER_CLOSE) were written, waiting at most
    /// <paramref name="flushTimeout"/> for them. Pending requests fail at once.
    /// </summary>
    public async Task CloseGracefullyAsync(TimeSpan flushTimeout)
    {
        if (IsClosed) return;
        var flushed = StopSending();
        FailAllPending(null);
        try
        {
            await flushed.WaitAsync(flushTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        Close();
    }

    private void FailAllPending(Exception? cause)
    {
        foreach (var (id, pending) in _pending.Where(0, static (_, _) => true) ?? [])
        {
            if (_pending.TryRemove(id, pending))
            {
                pending.Unregister();
                pending.Fail(ClosedError($"pending request aborted [method:{pending.Method}, id:{id}]", cause));
            }
        }
    }

    private static WorkerClosedException ClosedError(string what, Exception? cause = null)
        => new($"Channel closed, {what}", cause);

    /// <summary>Waits for the reader thread to end (after <see cref="Close"/>).</summary>
    public Task Completion => _readerLoop;
}
