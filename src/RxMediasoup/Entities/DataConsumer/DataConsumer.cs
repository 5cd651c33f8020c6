using System.Reactive;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A data consumer: a data producer's messages delivered through a transport — over an SCTP stream to the remote
/// endpoint of a WebRTC, plain or pipe transport, or to the application itself on a <see cref="DirectTransport"/>
/// (<see cref="Messages"/>). Create one with <see cref="Transport.ConsumeDataAsync"/>.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its data producer closes
/// (<see cref="CloseReason.DataProducerClosed"/>), when its transport closes (<see cref="CloseReason.TransportClosed"/>),
/// or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>, <see cref="CloseReason.WorkerDied"/>).
/// Whatever the cause, every stream completes and <see cref="Closed"/> emits the reason.</para>
/// <para>Commands on a closed data consumer throw <see cref="NotFoundException"/>, or <see cref="WorkerClosedException"/>
/// when the worker is gone.</para>
/// <para>Streams deliver synchronously on the channel's dispatch loop, in worker order: put slow work behind
/// <c>ObserveOn</c>. A subscriber that throws is logged and removed.</para>
/// </remarks>
public sealed class DataConsumer : IAsyncDisposable
{
    private readonly Transport _transport;
    private readonly DataConsumerNotificationSink _sink;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly StateStream<bool> _paused;
    private readonly StateStream<bool> _dataProducerPaused;
    private readonly StateStream<DataMessage> _messages;
    private readonly StateStream<long> _bufferedAmountLow;
    private readonly StateStream<Unit> _sctpSendBufferFull;
    private readonly int? _sctpStreamId;
    private readonly ILogger _logger;
    private IReadOnlyList<int> _subchannels;
    private long _droppedMessages;
    private readonly OrderedStateUpdates _pauseUpdates = new();
    private int _isClosed;
    private CloseReason? _closeReason;

    internal DataConsumer(Transport transport, string id, DataConsumerNotificationSink sink, DataConsumerDump data, int? allocatedStreamId,
        IDictionary<string, object?>? appData, ILogger logger)
    {
        _transport = transport;
        _sink = sink;
        _logger = logger;
        Id = id;
        DataProducerId = data.DataProducerId;
        Type = data.Type;
        SctpStreamParameters = data.SctpStreamParameters;
        Label = data.Label;
        Protocol = data.Protocol;
        BufferedAmountLowThreshold = data.BufferedAmountLowThreshold;
        _subchannels = data.Subchannels;
        _sctpStreamId = allocatedStreamId;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>("DataConsumer.Closed", logger);
        _paused = new StateStream<bool>("DataConsumer.Paused", data.Paused, logger);
        _dataProducerPaused = new StateStream<bool>("DataConsumer.DataProducerPaused", data.DataProducerPaused, logger);
        _messages = StateStream<DataMessage>.Events("DataConsumer.Messages", logger);
        _bufferedAmountLow = StateStream<long>.Events("DataConsumer.BufferedAmountLow", logger);
        _sctpSendBufferFull = StateStream<Unit>.Events("DataConsumer.SctpSendBufferFull", logger);
    }

    /// <summary>The data consumer's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>The id of the data producer it consumes.</summary>
    public string DataProducerId { get; }

    /// <summary><see cref="DataConsumerType.Sctp"/>, or <see cref="DataConsumerType.Direct"/> on a <see cref="DirectTransport"/>.</summary>
    public DataConsumerType Type { get; }

    /// <summary>The SCTP stream parameters (with the stream id its transport allocated); null for a direct data consumer.</summary>
    public SctpStreamParameters? SctpStreamParameters { get; }

    /// <summary>The DataChannel label (the data producer's).</summary>
    public string Label { get; }

    /// <summary>The DataChannel sub-protocol (the data producer's).</summary>
    public string Protocol { get; }

    /// <summary>The buffered-amount-low threshold when it was created, in bytes (the worker's default is 0).</summary>
    public long BufferedAmountLowThreshold { get; private set; }

    /// <summary>The subchannels it is subscribed to, as the worker last reported them.</summary>
    public IReadOnlyList<int> Subchannels => Volatile.Read(ref _subchannels);

    /// <summary>True once the data consumer is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Whether the data consumer itself is paused (the current value of <see cref="Paused"/>).</summary>
    public bool IsPaused => _paused.Value;

    /// <summary>Whether its data producer is paused (the current value of <see cref="DataProducerPaused"/>).</summary>
    public bool IsDataProducerPaused => _dataProducerPaused.Value;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>
    /// Whether the data consumer itself is paused: the current value on subscribe, then each change (set when
    /// <see cref="PauseAsync"/> / <see cref="ResumeAsync"/> complete); completes when the data consumer closes. Messages
    /// flow only while both this and <see cref="DataProducerPaused"/> are false.
    /// <code>
    /// paused:     false---true----false---|
    /// </code>
    /// </summary>
    public IObservable<bool> Paused => _paused;

    /// <summary>
    /// Whether its data producer is paused (the worker's dataproducerpause / dataproducerresume notifications): the
    /// current value on subscribe, then each change; completes when the data consumer closes.
    /// <code>
    /// producer:   false-----true---false----|
    /// </code>
    /// </summary>
    public IObservable<bool> DataProducerPaused => _dataProducerPaused;

    /// <summary>
    /// Messages delivered to this data consumer — only on a <see cref="DirectTransport"/>; an SCTP data consumer
    /// sends them to its remote endpoint instead. Hot (no replay); completes when the data consumer closes.
    /// Payload ownership: each <see cref="DataMessage.Payload"/> is a fresh array that belongs to the subscribers, who
    /// may keep it (see <see cref="DataMessage"/>).
    /// <code>
    /// messages:   --m1--m2-----m3----|      (closed)
    /// </code>
    /// </summary>
    public IObservable<DataMessage> Messages => _messages;

    /// <summary>
    /// <see cref="Messages"/> behind an opt-in bounded buffer, for a subscriber slower than the message rate: each
    /// subscription gets its own queue of at most <paramref name="capacity"/> messages, delivered on
    /// <paramref name="scheduler"/> (off the channel's dispatch loop). When the queue is full the OLDEST message is
    /// dropped and counted in <see cref="DroppedMessages"/> — so this trades the data channel's reliability for bounded
    /// memory; use <see cref="Messages"/> (with your own back-pressure) when every message matters. Completes, after the
    /// queued messages, when the data consumer closes.
    /// <code>
    /// messages:   -m1-m2-m3-m4--------|
    /// capacity 2, slow subscriber:
    /// buffered:   -m1--------m3--m4---|     m2 dropped
    /// </code>
    /// Payload ownership: as <see cref="Messages"/> (each payload is its own array, safe to keep and to queue).
    /// </summary>
    /// <param name="capacity">The most messages waiting per subscription; positive.</param>
    /// <param name="scheduler">Where messages are delivered; <see cref="TaskPoolScheduler.Default"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public IObservable<DataMessage> BufferedMessages(int capacity, IScheduler? scheduler = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new BoundedObservable<DataMessage>(_messages, capacity, scheduler ?? TaskPoolScheduler.Default,
            () => Interlocked.Increment(ref _droppedMessages), _logger, "DataConsumer.BufferedMessages");
    }

    /// <summary>Messages dropped so far by full <see cref="BufferedMessages"/> queues (all subscriptions).</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    /// <summary>
    /// The worker's buffered-amount-low events: the buffered amount (bytes) when it dropped to
    /// <see cref="SetBufferedAmountLowThresholdAsync"/>'s threshold. Hot (no replay); completes on close.
    /// <code>
    /// low:        -----a-------b---|
    /// </code>
    /// </summary>
    public IObservable<long> BufferedAmountLow => _bufferedAmountLow;

    /// <summary>
    /// The worker's SCTP send-buffer-full events (a message was dropped because the SCTP send buffer is full). Hot
    /// (no replay); completes on close.
    /// <code>
    /// full:       ---x------x---|
    /// </code>
    /// </summary>
    public IObservable<Unit> SctpSendBufferFull => _sctpSendBufferFull;

    /// <summary>
    /// Emits why the data consumer closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    internal WorkerChannel Channel => _transport.Channel;

    /// <summary>The SCTP stream id its transport allocated for it (null for a direct data consumer).</summary>
    internal int? AllocatedSctpStreamId => _sctpStreamId;

    /// <summary>Total subscribers of this data consumer's streams (a diagnostic for leak checks).</summary>
    internal int SubscriberCount => _closed.SubscriberCount + _paused.SubscriberCount + _dataProducerPaused.SubscriberCount
        + _messages.SubscriberCount + _bufferedAmountLow.SubscriberCount + _sctpSendBufferFull.SubscriberCount;

    /// <summary>Dumps the data consumer's internal state.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataConsumerDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => DataConsumerProtocol.DumpAsync(Channel, Id, cancellationToken));
    }

    /// <summary>Gets the data consumer's statistics (Node returns them as a one-element array; this returns the element).</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataConsumerStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => DataConsumerProtocol.GetStatsAsync(Channel, Id, cancellationToken));
    }

    /// <summary>
    /// <see cref="GetStatsAsync"/> every <paramref name="period"/>, shared by all subscribers with the same period and
    /// scheduler (one loop, no overlapping requests; see <see cref="Polling"/>); completes when the data consumer closes.
    /// <code>
    /// stats:      s1---s2---s3---|      (closed)
    /// </code>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<DataConsumerStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "DataConsumer.Stats", GetStatsAsync, period, Closed, scheduler);

    /// <summary>Pauses the data consumer; <see cref="Paused"/> changes when the worker answered.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => _pauseUpdates.RunAsync(() => DataConsumerProtocol.PauseAsync(Channel, Id, cancellationToken), () => _paused.OnNext(true)));
    }

    /// <summary>Resumes the data consumer; <see cref="Paused"/> changes when the worker answered.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => _pauseUpdates.RunAsync(() => DataConsumerProtocol.ResumeAsync(Channel, Id, cancellationToken), () => _paused.OnNext(false)));
    }

    /// <summary>
    /// The number of bytes queued in the SCTP send buffer for this data consumer. The worker rejects it for a direct
    /// data consumer (<see cref="ArgumentException"/>, the worker's TypeError "invalid DataConsumer type").
    /// </summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public Task<long> GetBufferedAmountAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => DataConsumerProtocol.GetBufferedAmountAsync(Channel, Id, cancellationToken));
    }

    /// <summary>
    /// Sets the threshold (bytes) under which <see cref="BufferedAmountLow"/> fires. The worker rejects it for a direct
    /// data consumer (<see cref="ArgumentException"/>, the worker's TypeError "invalid DataConsumer type").
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> outside 0–4294967295.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public async Task SetBufferedAmountLowThresholdAsync(long threshold, CancellationToken cancellationToken = default)
    {
        if (threshold is < 0 or > uint.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be between 0 and 4294967295");
        ThrowIfClosed();
        await DataConsumerProtocol.SetBufferedAmountLowThresholdAsync(Channel, Id, (uint)threshold, cancellationToken).ConfigureAwait(false);
        BufferedAmountLowThreshold = threshold;
    }

    /// <summary>
    /// Sends a text message straight to this data consumer's remote endpoint (SCTP only; the worker rejects it for a
    /// direct data consumer with <see cref="ArgumentException"/>, mediasoup's TypeError). PPID: 51, or 56 with a
    /// single-space payload when empty; an explicit <paramref name="ppid"/> wins. Completes with the buffered amount.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public Task<long> SendAsync(string message, uint? ppid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (p, payload) = DataProducerProtocol.Payload(message, ppid);
        return WhenOpen(() => DataConsumerProtocol.SendAsync(Channel, Id, p, payload, cancellationToken));
    }

    /// <summary>
    /// Sends a binary message straight to this data consumer's remote endpoint (SCTP only). PPID: 53, or 57 with a
    /// single zero byte when empty; an explicit <paramref name="ppid"/> wins. Completes with the buffered amount.
    /// </summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public Task<long> SendAsync(ReadOnlyMemory<byte> message, uint? ppid = null, CancellationToken cancellationToken = default)
    {
        var (p, payload) = DataProducerProtocol.Payload(message, ppid);
        return WhenOpen(() => DataConsumerProtocol.SendAsync(Channel, Id, p, payload, cancellationToken));
    }

    /// <summary>
    /// Replaces the subchannels it is subscribed to; <see cref="Subchannels"/> then holds what the worker reports.
    /// Duplicates are discarded.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public async Task SetSubchannelsAsync(IEnumerable<int> subchannels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subchannels);
        var valid = NormalizeSubchannels(subchannels, nameof(subchannels));
        ThrowIfClosed();
        var result = await DataConsumerProtocol.SetSubchannelsAsync(Channel, Id, valid, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _subchannels, result);
    }

    /// <summary>Subscribes to one more subchannel; <see cref="Subchannels"/> then holds what the worker reports.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subchannel"/> outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public async Task AddSubchannelAsync(int subchannel, CancellationToken cancellationToken = default)
    {
        CheckSubchannel(subchannel);
        ThrowIfClosed();
        var result = await DataConsumerProtocol.AddSubchannelAsync(Channel, Id, subchannel, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _subchannels, result);
    }

    /// <summary>Unsubscribes from a subchannel; <see cref="Subchannels"/> then holds what the worker reports.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subchannel"/> outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    public async Task RemoveSubchannelAsync(int subchannel, CancellationToken cancellationToken = default)
    {
        CheckSubchannel(subchannel);
        ThrowIfClosed();
        var result = await DataConsumerProtocol.RemoveSubchannelAsync(Channel, Id, subchannel, cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _subchannels, result);
    }

    /// <summary>
    /// Closes the data consumer; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>. Idempotent; completes when
    /// the worker has processed the close (its errors are ignored, as in mediasoup: the worker may already have closed it).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!CloseCore(CloseReason.Explicit)) return;
        try
        {
            await DataConsumerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MediasoupException)
        {
            // Like mediasoup, which ignores the close request's result: the worker may already have closed it
            // (its transport or data producer closed, or the worker is gone).
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"DataConsumer[id:{Id}]";

    internal static int[] NormalizeSubchannels(IEnumerable<int>? subchannels, string field)
        => DataConsumerProtocol.NormalizeSubchannels(subchannels, field);

    private static void CheckSubchannel(int subchannel, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(subchannel))] string? name = null)
    {
        if (subchannel is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(name, subchannel, $"invalid subchannel {subchannel} (must be 0-65535)");
    }

    /// <summary>The notification sink registered for this data consumer (tests feed it notifications).</summary>
    internal INotificationSink NotificationSink => _sink;

    /// <summary>Starts receiving the notifications buffered since the handler was registered.</summary>
    internal void AttachNotifications() => _sink.Attach(this);

    /// <summary>The transport closed (or its worker did): close without telling the worker.</summary>
    internal void OnTransportClosed(CloseReason reason) => CloseCore(reason);

    private bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        Channel.UnregisterHandler(Id);
        _transport.OnDataConsumerClosed(this);
        _paused.Complete();
        _dataProducerPaused.Complete();
        _messages.Complete();
        _bufferedAmountLow.Complete();
        _sctpSendBufferFull.Complete();
        _closed.EmitAndComplete(reason);
        return true;
    }

    private void ThrowIfClosed()
    {
        if (ClosedError() is { } error) throw error;
    }

    /// <summary>The exception a command on this DataConsumer once closed fails with, or null while it is open.</summary>
    private Exception? ClosedError()
    {
        if (Channel.IsClosed || (IsClosed && _closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied))
            return new WorkerClosedException($"Worker closed [dataConsumer:{Id}]");
        return IsClosed ? new NotFoundException($"DataConsumer closed [id:{Id}]") : null;
    }

    /// <summary>Runs a command, or returns a task faulted with <see cref="ClosedError"/> when closed (commands never throw synchronously).</summary>
    private Task<T> WhenOpen<T>(Func<Task<T>> command) => ClosedError() is { } error ? Task.FromException<T>(error) : command();

    /// <summary>Runs a command, or returns a task faulted with <see cref="ClosedError"/> when closed (commands never throw synchronously).</summary>
    private Task WhenOpen(Func<Task> command) => ClosedError() is { } error ? Task.FromException(error) : command();

    // ---------------------------------------------------------------------------------------------
    // Notifications (called by DataConsumerNotificationSink on the dispatch loop)
    // ---------------------------------------------------------------------------------------------

    internal void OnDataProducerClose() => CloseCore(CloseReason.DataProducerClosed);

    internal void OnDataProducerPause() => _dataProducerPaused.OnNext(true);

    internal void OnDataProducerResume() => _dataProducerPaused.OnNext(false);

    internal void OnSctpSendBufferFull() => _sctpSendBufferFull.OnNext(Unit.Default);

    internal void OnBufferedAmountLow(long bufferedAmount) => _bufferedAmountLow.OnNext(bufferedAmount);

    internal void OnMessage(DataMessage message) => _messages.OnNext(message);
}

/// <summary>
/// Routes a data consumer's notifications (handler id: the data consumer id) to the <see cref="DataConsumer"/>.
/// Registered before the consume request is sent: whatever the worker says before the object exists is kept, in order,
/// and delivered when it is attached. Payloads are parsed (copied) synchronously inside <see cref="OnNotification"/>.
/// </summary>
internal sealed class DataConsumerNotificationSink : INotificationSink
{
    private readonly object _gate = new();
    private DataConsumer? _target;
    private List<(FBS.Notification.Event Event, DataMessage Message, long Amount)>? _early;

    /// <summary>Starts delivering to <paramref name="consumer"/>, first whatever arrived before.</summary>
    public void Attach(DataConsumer consumer)
    {
        lock (_gate)
        {
            if (_early is { } early)
                foreach (var (e, m, a) in early) Deliver(consumer, e, m, a);
            _early = null;
            Volatile.Write(ref _target, consumer);
        }
    }

    public void OnNotification(FBS.Notification.Event @event, in FBS.Notification.Notification notification)
    {
        DataMessage message = default;
        long amount = 0;
        switch (@event)
        {
            case FBS.Notification.Event.DATACONSUMER_MESSAGE:
            {
                var m = DataConsumerProtocol.ParseMessageNotification(notification);
                message = new DataMessage(m.Ppid, m.Data);
                break;
            }
            case FBS.Notification.Event.DATACONSUMER_BUFFERED_AMOUNT_LOW:
                amount = DataConsumerProtocol.ParseBufferedAmountLowNotification(notification);
                break;
            case FBS.Notification.Event.DATACONSUMER_DATAPRODUCER_CLOSE:
            case FBS.Notification.Event.DATACONSUMER_DATAPRODUCER_PAUSE:
            case FBS.Notification.Event.DATACONSUMER_DATAPRODUCER_RESUME:
            case FBS.Notification.Event.DATACONSUMER_SCTP_SENDBUFFER_FULL:
                break;
            default:
                return;
        }
        var target = Volatile.Read(ref _target);
        if (target is null)
        {
            lock (_gate)
            {
                target = _target;
                if (target is null)
                {
                    (_early ??= []).Add((@event, message, amount));
                    return;
                }
            }
        }
        Deliver(target, @event, message, amount);
    }

    private static void Deliver(DataConsumer consumer, FBS.Notification.Event @event, DataMessage message, long amount)
    {
        switch (@event)
        {
            case FBS.Notification.Event.DATACONSUMER_MESSAGE: consumer.OnMessage(message); break;
            case FBS.Notification.Event.DATACONSUMER_BUFFERED_AMOUNT_LOW: consumer.OnBufferedAmountLow(amount); break;
            case FBS.Notification.Event.DATACONSUMER_DATAPRODUCER_CLOSE: consumer.OnDataProducerClose(); break;
            case FBS.Notification.Event.DATACONSUMER_DATAPRODUCER_PAUSE: consumer.OnDataProducerPause(); break;
            case FBS.Notification.Event.DATACONSUMER_DATAPRODUCER_RESUME: consumer.OnDataProducerResume(); break;
            case FBS.Notification.Event.DATACONSUMER_SCTP_SENDBUFFER_FULL: consumer.OnSctpSendBufferFull(); break;
        }
    }
}
