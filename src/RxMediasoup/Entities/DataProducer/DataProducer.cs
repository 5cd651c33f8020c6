using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// A data producer: a source of data messages in a router — an SCTP stream sent by the remote endpoint of a WebRTC,
/// plain or pipe transport, or the application itself on a <see cref="DirectTransport"/> (<see cref="Send(string, uint?, IReadOnlyList{int}?, int?)"/>).
/// Create one with <see cref="Transport.ProduceDataAsync"/>; consume it with <see cref="Transport.ConsumeDataAsync"/>.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its transport closes
/// (<see cref="CloseReason.TransportClosed"/>), or when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>). Its data consumers then close with <see cref="CloseReason.DataProducerClosed"/>
/// (the worker tells each of them). Whatever the cause, every stream completes and <see cref="Closed"/> emits the reason.</para>
/// <para>Commands on a closed data producer throw <see cref="NotFoundException"/>, or <see cref="WorkerClosedException"/>
/// when the worker is gone. Streams deliver synchronously on the channel's dispatch loop (or the thread whose command
/// completed): put slow work behind <c>ObserveOn</c>. A subscriber that throws is logged and removed.</para>
/// </remarks>
public sealed class DataProducer : IAsyncDisposable
{
    private readonly Transport _transport;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly StateStream<bool> _paused;
    private readonly SctpStreamParameters? _sctpStreamParameters;
    private readonly OrderedStateUpdates _pauseUpdates = new();
    private int _isClosed;
    private CloseReason? _closeReason;

    internal DataProducer(Transport transport, string id, DataProducerDump data, bool paused, IDictionary<string, object?>? appData,
        ILogger logger)
    {
        _transport = transport;
        Id = id;
        Type = data.Type;
        _sctpStreamParameters = data.SctpStreamParameters;
        Label = data.Label;
        Protocol = data.Protocol;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>("DataProducer.Closed", logger);
        _paused = new StateStream<bool>("DataProducer.Paused", paused, logger);
    }

    /// <summary>The data producer's id (a UUID).</summary>
    public string Id { get; }

    /// <summary><see cref="DataProducerType.Sctp"/>, or <see cref="DataProducerType.Direct"/> on a <see cref="DirectTransport"/>.</summary>
    public DataProducerType Type { get; }

    /// <summary>The SCTP stream parameters as the worker reports them (null for a direct data producer).</summary>
    public SctpStreamParameters? SctpStreamParameters => _sctpStreamParameters;

    /// <summary>The DataChannel label.</summary>
    public string Label { get; }

    /// <summary>The DataChannel sub-protocol.</summary>
    public string Protocol { get; }

    /// <summary>True once the data producer is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Whether the data producer is paused (the current value of <see cref="Paused"/>).</summary>
    public bool IsPaused => _paused.Value;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>
    /// Whether the data producer is paused: the current value on subscribe, then each change (set when
    /// <see cref="PauseAsync"/> / <see cref="ResumeAsync"/> complete); completes when the data producer closes.
    /// <code>
    /// paused:     false---true----false---|
    /// </code>
    /// </summary>
    public IObservable<bool> Paused => _paused;

    /// <summary>
    /// Emits why the data producer closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    internal WorkerChannel Channel => _transport.Channel;

    internal Transport Transport => _transport;

    /// <summary>Total subscribers of this data producer's streams (a diagnostic for leak checks).</summary>
    internal int SubscriberCount => _closed.SubscriberCount + _paused.SubscriberCount;

    /// <summary>Dumps the data producer's internal state.</summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataProducerDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => DataProducerProtocol.DumpAsync(Channel, Id, cancellationToken));
    }

    /// <summary>Gets the data producer's statistics (Node returns them as a one-element array; this returns the element).</summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<DataProducerStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => DataProducerProtocol.GetStatsAsync(Channel, Id, cancellationToken));
    }

    /// <summary>
    /// <see cref="GetStatsAsync"/> every <paramref name="period"/>, shared by all subscribers with the same period and
    /// scheduler (one loop, no overlapping requests; see <see cref="Polling"/>); completes when the data producer closes.
    /// <code>
    /// stats:      s1---s2---s3---|      (closed)
    /// </code>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<DataProducerStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "DataProducer.Stats", GetStatsAsync, period, Closed, scheduler);

    /// <summary>
    /// Pauses the data producer: the worker stops forwarding its messages to its data consumers (which see
    /// <see cref="DataConsumer.DataProducerPaused"/> become true). <see cref="Paused"/> changes when the worker answered.
    /// </summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    public Task PauseAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => _pauseUpdates.RunAsync(() => DataProducerProtocol.PauseAsync(Channel, Id, cancellationToken), () => _paused.OnNext(true)));
    }

    /// <summary>Resumes the data producer; <see cref="Paused"/> changes when the worker answered.</summary>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    public Task ResumeAsync(CancellationToken cancellationToken = default)
    {
        return WhenOpen(() => _pauseUpdates.RunAsync(() => DataProducerProtocol.ResumeAsync(Channel, Id, cancellationToken), () => _paused.OnNext(false)));
    }

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
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void Send(string message, uint? ppid = null, IReadOnlyList<int>? subchannels = null, int? requiredSubchannel = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (p, payload) = DataProducerProtocol.Payload(message, ppid);
        SendCore(p, payload, subchannels, requiredSubchannel);
    }

    /// <summary>
    /// Sends a binary message as if the remote endpoint had sent it (an outbound notification: no answer). PPID: 53
    /// (WebRTC Binary), or 57 (Binary Empty, sent as a single zero byte) for an empty message; an explicit
    /// <paramref name="ppid"/> wins. The bytes are copied before this returns: the caller may reuse its buffer.
    /// </summary>
    /// <param name="message">The bytes.</param>
    /// <param name="ppid">The SCTP payload protocol id, or null for the rule above.</param>
    /// <param name="subchannels">Only data consumers subscribed to at least one of these receive it (null or empty: all).</param>
    /// <param name="requiredSubchannel">Only data consumers subscribed to this subchannel receive it.</param>
    /// <exception cref="ArgumentOutOfRangeException">A subchannel outside 0–65535.</exception>
    /// <exception cref="NotFoundException">The data producer is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public void Send(ReadOnlyMemory<byte> message, uint? ppid = null, IReadOnlyList<int>? subchannels = null, int? requiredSubchannel = null)
    {
        var (p, payload) = DataProducerProtocol.Payload(message, ppid);
        SendCore(p, payload, subchannels, requiredSubchannel);
    }

    private void SendCore(uint ppid, ReadOnlyMemory<byte> payload, IReadOnlyList<int>? subchannels, int? requiredSubchannel)
    {
        if (subchannels is not null)
            foreach (int s in subchannels)
                if (s is < 0 or > ushort.MaxValue)
                    throw new ArgumentOutOfRangeException(nameof(subchannels), s, $"invalid subchannel {s} (must be 0-65535)");
        if (requiredSubchannel is < 0 or > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(requiredSubchannel), requiredSubchannel,
                $"invalid requiredSubchannel {requiredSubchannel} (must be 0-65535)");
        ThrowIfClosed();
        DataProducerProtocol.Send(Channel, Id, new DataProducerSendData(ppid, payload, subchannels, requiredSubchannel));
    }

    /// <summary>
    /// Closes the data producer (its data consumers close with <see cref="CloseReason.DataProducerClosed"/>);
    /// <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>. Idempotent; completes when the worker has processed
    /// the close (its errors are ignored, as in mediasoup: the worker may already have closed it).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!CloseCore(CloseReason.Explicit)) return;
        try
        {
            await DataProducerProtocol.CloseAsync(Channel, _transport.Id, Id, CancellationToken.None).ConfigureAwait(false);
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
    public override string ToString() => $"DataProducer[id:{Id}]";

    /// <summary>The transport closed (or its worker did): close without telling the worker.</summary>
    internal void OnTransportClosed(CloseReason reason) => CloseCore(reason);

    private bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        _transport.OnDataProducerClosed(this);
        _paused.Complete();
        _closed.EmitAndComplete(reason);
        return true;
    }

    private void ThrowIfClosed()
    {
        if (ClosedError() is { } error) throw error;
    }

    /// <summary>The exception a command on this DataProducer once closed fails with, or null while it is open.</summary>
    private Exception? ClosedError()
    {
        if (Channel.IsClosed || (IsClosed && _closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied))
            return new WorkerClosedException($"Worker closed [dataProducer:{Id}]");
        return IsClosed ? new NotFoundException($"DataProducer closed [id:{Id}]") : null;
    }

    /// <summary>Runs a command, or returns a task faulted with <see cref="ClosedError"/> when closed (commands never throw synchronously).</summary>
    private Task<T> WhenOpen<T>(Func<Task<T>> command) => ClosedError() is { } error ? Task.FromException<T>(error) : command();

    /// <summary>Runs a command, or returns a task faulted with <see cref="ClosedError"/> when closed (commands never throw synchronously).</summary>
    private Task WhenOpen(Func<Task> command) => ClosedError() is { } error ? Task.FromException(error) : command();
}
