using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A data producer: a source of data messages in a router — an SCTP stream sent by the remote endpoint of a WebRTC,
/// plain or pipe transport, or the application itself on a <see cref="DirectTransport"/> (<see cref="Send(string, uint?, IReadOnlyList{int}?, int?, int?)"/>).
/// Create one with <see cref="Transport.ProduceDataAsync"/>; consume it with <see cref="Transport.ConsumeDataAsync"/>.
/// </summary>
/// <remarks>
/// Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its transport closes
/// (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Its data consumers then close with <see cref="CloseReason.DataProducerClosed"/>,
/// after the data producer's own <see cref="MediasoupEntity.Closed"/>, unless their own transport, router or worker is
/// closing them. Lifecycle, command and delivery rules: <see cref="MediasoupEntity"/>.
/// </remarks>
public sealed class DataProducer : MediasoupEntity
{
    private readonly Transport _transport;
    private readonly StreamSubject<bool> _paused;
    private readonly ConcurrentDictionary<string, DataConsumer> _dataConsumers = new(StringComparer.Ordinal);

    internal DataProducer(Transport transport, string id, DataProducerDump data, bool paused, IDictionary<string, object?>? appData)
        : base(nameof(DataProducer), id, transport.Channel, transport.Logger, appData)
    {
        _transport = transport;
        Id = id;
        Type = data.Type;
        SctpStreamParameters = data.SctpStreamParameters;
        Label = data.Label;
        Protocol = data.Protocol;
        _paused = State("Paused", paused);
    }

    /// <summary>The data producer's id (a UUID).</summary>
    public string Id { get; }

    /// <summary><see cref="DataProducerType.Sctp"/>, or <see cref="DataProducerType.Direct"/> on a <see cref="DirectTransport"/>.</summary>
    public DataProducerType Type { get; }

    /// <summary>The SCTP stream parameters as the worker reports them (null for a direct data producer).</summary>
    public SctpStreamParameters? SctpStreamParameters { get; }

    /// <summary>The DataChannel label.</summary>
    public string Label { get; }

    /// <summary>The DataChannel sub-protocol.</summary>
    public string Protocol { get; }

    /// <summary>The transport the data producer belongs to.</summary>
    internal Transport Transport => _transport;

    /// <summary>
    /// Whether the data producer is paused: the current value on subscribe, then each change (from
    /// <see cref="PauseAsync"/> and <see cref="ResumeAsync"/>); completes when the data producer closes.
    /// <c>Paused.Value</c> is the current state.
    /// <code>
    /// paused:     false---true----false---|
    /// </code>
    /// </summary>
    public IObservableState<bool> Paused => _paused;

    /// <summary>Dumps the data producer's internal state.</summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataProducerDump> DumpAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => DataProducerProtocol.DumpAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>Gets the data producer's statistics (Node returns them as a one-element array; this returns the element).</summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataProducerStats> GetStatsAsync(CancellationToken cancellationToken = default)
        => Command((Channel, Id, cancellationToken), static s => DataProducerProtocol.GetStatsAsync(s.Channel, s.Id, s.cancellationToken));

    /// <summary>
    /// <see cref="GetStatsAsync"/> every <paramref name="period"/>, shared by all subscribers with the same period and
    /// scheduler (one loop, no overlapping requests; see <see cref="Polling"/>); completes when the data producer closes.
    /// <code>
    /// stats:      s1---s2---s3---|      (closed)
    /// </code>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<DataProducerStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "DataProducer.Stats", GetStatsAsync, period, ClosedSignal, scheduler ?? Channel.Scheduler, Logger);

    /// <summary>
    /// Pauses the data producer: the worker stops forwarding its messages to its data consumers (which see
    /// <see cref="DataConsumer.DataProducerPaused"/> become true). <see cref="Paused"/> changes as the worker answers.
    /// </summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
        => Command(() => DataProducerProtocol.PauseAsync(Channel, Id, () => _paused.OnNext(true), cancellationToken));

    /// <summary>Resumes the data producer; <see cref="Paused"/> changes as the worker answers.</summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
        => Command(() => DataProducerProtocol.ResumeAsync(Channel, Id, () => _paused.OnNext(false), cancellationToken));

    /// <summary>
    /// Sends a text message as if the remote endpoint had sent it (mediasoup's <c>send()</c>; meant for direct data
    /// producers). An outbound notification: no answer, no completion to await. PPID: 51 (WebRTC String), or 56 (String
    /// Empty, sent with a single space as payload) for an empty message; an explicit <paramref name="ppid"/> wins (56 and
    /// 57 still force their placeholder payloads).
    /// </summary>
    /// <param name="message">The text, sent as UTF-8.</param>
    /// <param name="ppid">The SCTP payload protocol id, or null for the rule above.</param>
    /// <param name="subchannels">Only data consumers subscribed to at least one of these receive it (null or empty: all).</param>
    /// <param name="requiredSubchannel">Only data consumers subscribed to this subchannel receive it.</param>
    /// <param name="ignoredSubchannel">
    /// Data consumers subscribed to this subchannel do not receive it (pipe data consumers ignore this rule, as in mediasoup).
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void Send(string message, uint? ppid = null, IReadOnlyList<int>? subchannels = null, int? requiredSubchannel = null,
        int? ignoredSubchannel = null)
        => SendCore(DataProducerProtocol.Payload(message ?? throw new ArgumentNullException(nameof(message)), ppid), subchannels,
            requiredSubchannel, ignoredSubchannel);

    /// <summary>
    /// Sends a binary message as if the remote endpoint had sent it (an outbound notification: no answer). PPID: 53
    /// (WebRTC Binary), or 57 (Binary Empty, sent as a single zero byte) for an empty message; an explicit
    /// <paramref name="ppid"/> wins. The bytes are copied before this returns: the caller may reuse its buffer.
    /// </summary>
    /// <param name="message">The bytes.</param>
    /// <param name="ppid">The SCTP payload protocol id, or null for the rule above.</param>
    /// <param name="subchannels">Only data consumers subscribed to at least one of these receive it (null or empty: all).</param>
    /// <param name="requiredSubchannel">Only data consumers subscribed to this subchannel receive it.</param>
    /// <param name="ignoredSubchannel">
    /// Data consumers subscribed to this subchannel do not receive it (pipe data consumers ignore this rule, as in mediasoup).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void Send(ReadOnlyMemory<byte> message, uint? ppid = null, IReadOnlyList<int>? subchannels = null, int? requiredSubchannel = null,
        int? ignoredSubchannel = null)
        => SendCore(DataProducerProtocol.Payload(message, ppid), subchannels, requiredSubchannel, ignoredSubchannel);

    private void SendCore((uint Ppid, ReadOnlyMemory<byte> Payload) message, IReadOnlyList<int>? subchannels, int? requiredSubchannel,
        int? ignoredSubchannel)
    {
        if (subchannels is not null)
            for (int i = 0; i < subchannels.Count; i++) SubchannelRule.Check(subchannels[i], nameof(subchannels));
        if (requiredSubchannel is { } required) SubchannelRule.Check(required, nameof(requiredSubchannel));
        if (ignoredSubchannel is { } ignored) SubchannelRule.Check(ignored, nameof(ignoredSubchannel));
        ThrowIfClosed();
        DataProducerProtocol.Send(Channel, Id,
            new DataProducerSendData(message.Ppid, message.Payload, subchannels, requiredSubchannel, ignoredSubchannel));
    }

    private protected override Task SendCloseAsync() => DataProducerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None);

    /// <summary>Registers a data consumer of this data producer (for the close cascade); false if the data producer is closed.</summary>
    internal bool AddDataConsumer(DataConsumer dataConsumer)
    {
        _dataConsumers[dataConsumer.Id] = dataConsumer;
        if (!IsClosed) return true;
        _dataConsumers.TryRemove(dataConsumer.Id, out _);
        return false;
    }

    internal void RemoveDataConsumer(DataConsumer dataConsumer)
        => _dataConsumers.TryRemove(new KeyValuePair<string, DataConsumer>(dataConsumer.Id, dataConsumer));

    private protected override void OnClosing(CloseReason reason) => _transport.RemoveDataProducer(this);

    private protected override void CloseDependents(CloseReason reason)
    {
        // The worker closes the data consumers too (DATACONSUMER_DATAPRODUCER_CLOSE); closing them here makes the cascade
        // synchronous. Not when their router or worker is closing everything: then their transports close them.
        bool cascade = reason is not (CloseReason.WorkerClosed or CloseReason.WorkerDied) && !_transport.Router.IsClosed;
        foreach (var dataConsumer in _dataConsumers.Values)
            if (cascade) dataConsumer.OnDataProducerClosed();
        _dataConsumers.Clear();
    }
}
