using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A data consumer: a data producer's messages delivered through a transport — over an SCTP stream to the remote
/// endpoint of a WebRTC, plain or pipe transport, or to the application itself on a <see cref="DirectTransport"/>
/// (<see cref="Messages"/>). Create one with <see cref="Transport.ConsumeDataAsync"/>.
/// </summary>
/// <remarks>
/// Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its data producer closes
/// (<see cref="CloseReason.DataProducerClosed"/>, after the data producer's own <see cref="MediasoupEntity.Closed"/>), when
/// its transport closes (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies
/// (<see cref="CloseReason.WorkerClosed"/>, <see cref="CloseReason.WorkerDied"/>). Lifecycle, command and delivery rules:
/// <see cref="MediasoupEntity"/>.
/// </remarks>
public sealed class DataConsumer : MediasoupEntity, INotificationTarget<DataConsumerNotification>
{
    private readonly Transport _transport;
    private readonly DataProducer _dataProducer;
    private readonly StreamSubject<bool> _paused;
    private readonly StreamSubject<bool> _dataProducerPaused;
    private readonly StreamSubject<DataConsumerNotification.Message> _messages;
    private readonly StreamSubject<long> _bufferedAmountLow;
    private readonly StreamSubject<Unit> _sctpSendBufferFull;
    private readonly IObservable<DataMessage> _messageValues;
    private IReadOnlyList<int> _subchannels;
    private long _bufferedAmountLowThreshold;
    private long _droppedMessages;

    internal DataConsumer(Transport transport, DataProducer dataProducer, string id, DataConsumerDump data, int? allocatedStreamId,
        NotificationSink<DataConsumerNotification> sink, IDictionary<string, object?>? appData)
        : base(nameof(DataConsumer), id, transport.Channel, transport.Logger, appData)
    {
        _transport = transport;
        _dataProducer = dataProducer;
        NotificationSink = sink;
        Id = id;
        DataProducerId = data.DataProducerId;
        Type = data.Type;
        SctpStreamParameters = data.SctpStreamParameters;
        Label = data.Label;
        Protocol = data.Protocol;
        _bufferedAmountLowThreshold = data.BufferedAmountLowThreshold;
        _subchannels = data.Subchannels;
        AllocatedSctpStreamId = allocatedStreamId;
        _paused = State("Paused", data.Paused);
        _dataProducerPaused = State("DataProducerPaused", data.DataProducerPaused);
        _messages = Events<DataConsumerNotification.Message>("Messages");
        _bufferedAmountLow = Events<long>("BufferedAmountLow");
        _sctpSendBufferFull = Events<Unit>("SctpSendBufferFull");
        _messageValues = _messages.Select(static m => m.Value);
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

    /// <summary>
    /// The buffered-amount-low threshold in bytes, as last set by <see cref="SetBufferedAmountLowThresholdAsync"/>; initially
    /// the transport's <see cref="SctpTransportOptions.SctpDefaultStreamBufferedAmountLowThreshold"/> (default 1024) for an
    /// SCTP data consumer, 0 for a direct one.
    /// </summary>
    public long BufferedAmountLowThreshold => Interlocked.Read(ref _bufferedAmountLowThreshold);

    /// <summary>The subchannels it is subscribed to, as the worker last reported them.</summary>
    public IReadOnlyList<int> Subchannels => Volatile.Read(ref _subchannels);

    /// <summary>
    /// Whether the data consumer itself is paused: the current value on subscribe, then each change (from
    /// <see cref="PauseAsync"/> and <see cref="ResumeAsync"/>); completes when the data consumer closes. Messages flow
    /// only while both this and <see cref="DataProducerPaused"/> are false. <c>Paused.Value</c> is the current state.
    /// <code>
    /// paused:     false---true----false---|
    /// </code>
    /// </summary>
    public IObservableState<bool> Paused => _paused;

    /// <summary>
    /// Whether its data producer is paused (the worker's dataproducerpause / dataproducerresume notifications): the
    /// current value on subscribe, then each change; completes when the data consumer closes.
    /// <code>
    /// producer:   false-----true---false----|
    /// </code>
    /// </summary>
    public IObservableState<bool> DataProducerPaused => _dataProducerPaused;

    /// <summary>
    /// Messages delivered to this data consumer — only on a <see cref="DirectTransport"/>; an SCTP data consumer
    /// sends them to its remote endpoint instead. Hot (no replay); completes when the data consumer closes.
    /// Payload ownership: each <see cref="DataMessage.Payload"/> is a fresh array that belongs to the subscribers, who
    /// may keep it (see <see cref="DataMessage"/>).
    /// <code>
    /// messages:   --m1--m2-----m3----|      (closed)
    /// </code>
    /// </summary>
    public IObservable<DataMessage> Messages => _messageValues;

    /// <summary>
    /// <see cref="Messages"/> behind an opt-in bounded buffer, for a subscriber slower than the message rate: each
    /// subscription gets its own queue of at most <paramref name="capacity"/> messages, delivered on
    /// <paramref name="scheduler"/> (off the worker's delivery queue). When the queue is full the OLDEST message is
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
    /// <param name="scheduler">Where messages are delivered; a simulated worker's scheduler (RxMediasoup.Testing), else <see cref="TaskPoolScheduler.Default"/>, when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is not positive.</exception>
    public IObservable<DataMessage> BufferedMessages(int capacity, IScheduler? scheduler = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        return new BoundedObservable<DataMessage>(_messageValues, capacity, scheduler ?? Channel.Scheduler ?? TaskPoolScheduler.Default,
            () => Interlocked.Increment(ref _droppedMessages), Logger, nameof(DataConsumer), "DataConsumer.BufferedMessages");
    }

    /// <summary>Messages dropped so far by full <see cref="BufferedMessages"/> queues (all subscriptions).</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    /// <summary>
    /// The buffered amount (bytes) each time it dropped to <see cref="BufferedAmountLowThreshold"/>; hot; completes on close.
    /// <code>
    /// low:        -----a-------b---|
    /// </code>
    /// </summary>
    public IObservable<long> BufferedAmountLow => _bufferedAmountLow;

    /// <summary>
    /// Each time a message was dropped because the SCTP send buffer is full; hot; completes on close.
    /// <code>
    /// full:       ---x------x---|
    /// </code>
    /// </summary>
    public IObservable<Unit> SctpSendBufferFull => _sctpSendBufferFull;

    /// <summary>The SCTP stream id its transport allocated for it (null for a direct data consumer).</summary>
    internal int? AllocatedSctpStreamId { get; }

    /// <summary>The notification sink registered for this data consumer (tests feed it notifications).</summary>
    internal NotificationSink<DataConsumerNotification> NotificationSink { get; }

    /// <summary>Dumps the data consumer's internal state.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataConsumerDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => DataConsumerProtocol.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>Gets the data consumer's statistics (Node returns them as a one-element array; this returns the element).</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataConsumerStats> GetStatsAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => DataConsumerProtocol.GetStatsAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// <see cref="GetStatsAsync"/> every <paramref name="period"/>, shared by all subscribers with the same period and
    /// scheduler (one loop, no overlapping requests; see <see cref="Polling"/>); completes when the data consumer closes.
    /// <code>
    /// stats:      s1---s2---s3---|      (closed)
    /// </code>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<DataConsumerStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "DataConsumer.Stats", GetStatsAsync, period, ClosedSignal, scheduler ?? Channel.Scheduler, Logger);

    /// <summary>Pauses the data consumer; <see cref="Paused"/> changes as the worker answers.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
        => Command(() => DataConsumerProtocol.PauseAsync(Channel, Id, () => _paused.OnNext(true), cancellationToken));

    /// <summary>Resumes the data consumer; <see cref="Paused"/> changes as the worker answers.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
        => Command(() => DataConsumerProtocol.ResumeAsync(Channel, Id, () => _paused.OnNext(false), cancellationToken));

    /// <summary>The bytes queued in its SCTP send buffer (the worker rejects it for a direct data consumer: <see cref="ArgumentException"/>).</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<long> GetBufferedAmountAsync(CancellationToken cancellationToken = default)
        => Command(() => DataConsumerProtocol.GetBufferedAmountAsync(Channel, Id, cancellationToken));

    /// <summary>
    /// Sets the threshold (bytes) under which <see cref="BufferedAmountLow"/> fires; <see cref="BufferedAmountLowThreshold"/>
    /// changes as the worker answers. The worker rejects it for a direct data consumer (<see cref="ArgumentException"/>,
    /// the worker's TypeError "invalid DataConsumer type").
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> outside 0–4294967295.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetBufferedAmountLowThresholdAsync(long threshold, CancellationToken cancellationToken = default)
        => Command(() =>
        {
            if (threshold is < 0 or > uint.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be between 0 and 4294967295");
            return DataConsumerProtocol.SetBufferedAmountLowThresholdAsync(Channel, Id, (uint)threshold,
                () => Interlocked.Exchange(ref _bufferedAmountLowThreshold, threshold), cancellationToken);
        });

    /// <summary>
    /// Sends a text message straight to this data consumer's remote endpoint (SCTP only; the worker rejects it for a direct
    /// data consumer: <see cref="ArgumentException"/>). PPID: 51, or 56 with a single-space payload when empty; an explicit
    /// <paramref name="ppid"/> wins. Completes with the buffered amount.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<long> SendAsync(string message, uint? ppid = null, CancellationToken cancellationToken = default)
        => Command(() => SendCore(DataProducerProtocol.Payload(message ?? throw new ArgumentNullException(nameof(message)), ppid), cancellationToken));

    /// <summary>As <see cref="SendAsync(string, uint?, CancellationToken)"/> with bytes: PPID 53, or 57 with a single zero byte when empty.</summary>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<long> SendAsync(ReadOnlyMemory<byte> message, uint? ppid = null, CancellationToken cancellationToken = default)
        => Command(() => SendCore(DataProducerProtocol.Payload(message, ppid), cancellationToken));

    private Task<long> SendCore((uint Ppid, ReadOnlyMemory<byte> Payload) message, CancellationToken cancellationToken)
        => DataConsumerProtocol.SendAsync(Channel, Id, message.Ppid, message.Payload, cancellationToken);

    /// <summary>
    /// Replaces the subchannels it is subscribed to (duplicates are sent once); <see cref="Subchannels"/> then holds what
    /// the worker reports, set as it answers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task SetSubchannelsAsync(IEnumerable<int> subchannels, CancellationToken cancellationToken = default)
        => Command(() => DataConsumerProtocol.SetSubchannelsAsync(Channel, Id,
            SubchannelRule.CheckAll(subchannels ?? throw new ArgumentNullException(nameof(subchannels)), nameof(subchannels)),
            SetSubchannels, cancellationToken));

    /// <summary>Subscribes to one more subchannel; <see cref="Subchannels"/> then holds what the worker reports.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subchannel"/> outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task AddSubchannelAsync(int subchannel, CancellationToken cancellationToken = default)
        => Command(() => DataConsumerProtocol.AddSubchannelAsync(Channel, Id, SubchannelRule.Check(subchannel, nameof(subchannel)),
            SetSubchannels, cancellationToken));

    /// <summary>Unsubscribes from a subchannel; <see cref="Subchannels"/> then holds what the worker reports.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="subchannel"/> outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data consumer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task RemoveSubchannelAsync(int subchannel, CancellationToken cancellationToken = default)
        => Command(() => DataConsumerProtocol.RemoveSubchannelAsync(Channel, Id, SubchannelRule.Check(subchannel, nameof(subchannel)),
            SetSubchannels, cancellationToken));

    private protected override Task SendCloseAsync() => DataConsumerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None);

    /// <summary>Its data producer closed: close without telling the worker (it closes the data consumer itself).</summary>
    internal void OnDataProducerClosed() => CloseCore(CloseReason.DataProducerClosed);

    private protected override void OnClosing(CloseReason reason)
    {
        _transport.RemoveDataConsumer(this);
        _dataProducer.RemoveDataConsumer(this);
    }

    private void SetSubchannels(IReadOnlyList<int> subchannels) => Volatile.Write(ref _subchannels, subchannels);

    void INotificationTarget<DataConsumerNotification>.OnNotification(DataConsumerNotification notification)
    {
        switch (notification)
        {
            case DataConsumerNotification.Message m: _messages.OnNext(m); break;
            case DataConsumerNotification.BufferedAmountLow b: _bufferedAmountLow.OnNext(b.BufferedAmount); break;
            case DataConsumerNotification.SctpSendBufferFull: _sctpSendBufferFull.OnNext(Unit.Default); break;
            case DataConsumerNotification.DataProducerPaused p: _dataProducerPaused.OnNext(p.Paused); break;
            case DataConsumerNotification.DataProducerClose: OnDataProducerClosed(); break;
        }
    }
}
