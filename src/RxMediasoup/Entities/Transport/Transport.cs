using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using RxMediasoup.Channel;
using RxMediasoup.Protocol;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// The base of every transport: <see cref="WebRtcTransport"/>, <see cref="PlainTransport"/>,
/// <see cref="PipeTransport"/> and <see cref="DirectTransport"/>. A transport connects an endpoint to a
/// <see cref="Router"/>; producers and consumers live in it. Create one with the router's
/// <c>Create…TransportAsync</c> methods.
/// </summary>
/// <remarks>
/// <para>Closing: explicitly (<see cref="CloseReason.Explicit"/>), when its router closes
/// (<see cref="CloseReason.RouterClosed"/>), when its worker closes or dies (<see cref="CloseReason.WorkerClosed"/>,
/// <see cref="CloseReason.WorkerDied"/>), or — for a WebRTC transport listening through a <see cref="WebRtcServer"/> —
/// when that server closes (<see cref="CloseReason.ListenServerClosed"/>). Whatever the cause, every stream of the
/// transport completes and <see cref="Closed"/> emits the reason.</para>
/// <para>Commands on a closed transport throw <see cref="NotFoundException"/> (as the worker does), or
/// <see cref="WorkerClosedException"/> when the worker is gone.</para>
/// <para>Streams deliver synchronously on the channel's dispatch loop, in worker order: put slow work behind
/// <c>ObserveOn</c>. A subscriber that throws is logged and removed.</para>
/// </remarks>
public abstract partial class Transport : IAsyncDisposable, IEntityParent
{
    private readonly Router _router;
    private readonly EntityNotificationSink<Transport> _sink;
    private readonly LifecycleSignal<CloseReason> _closed;
    private readonly StateStream<TransportTraceEvent> _trace;
    private int _isClosed;
    private CloseReason? _closeReason;

    /// <summary>The SCTP state (null without SCTP); exposed by the transport types that have SCTP.</summary>
    private protected readonly StateStream<SctpState?> SctpStateStream;

    /// <summary>The negotiated SCTP capabilities (null until negotiated); exposed by the transport types that have SCTP.</summary>
    private protected readonly StateStream<SctpNegotiatedCapabilities?> SctpNegotiatedCapabilitiesStream;

    private protected Transport(Router router, string id, EntityNotificationSink<Transport> sink, IDictionary<string, object?>? appData,
        SctpState? sctpState, ILogger logger)
    {
        _router = router;
        _sink = sink;
        Id = id;
        Logger = logger;
        AppData = appData ?? new Dictionary<string, object?>();
        _closed = new LifecycleSignal<CloseReason>($"{GetType().Name}.Closed", logger);
        _trace = StateStream<TransportTraceEvent>.Events($"{GetType().Name}.Trace", logger);
        SctpStateStream = new StateStream<SctpState?>($"{GetType().Name}.SctpState", sctpState, logger);
        SctpNegotiatedCapabilitiesStream = new StateStream<SctpNegotiatedCapabilities?>($"{GetType().Name}.SctpNegotiatedCapabilities", null, logger);
    }

    /// <summary>The transport's id (a UUID).</summary>
    public string Id { get; }

    /// <summary>True once the transport is closed.</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData { get; set; }

    /// <summary>
    /// Emits why the transport closed, once, then completes; replayed to late subscribers; never errors.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => _closed;

    /// <summary>
    /// Trace events enabled with <see cref="EnableTraceEventAsync"/> (hot: no replay); completes when the transport closes.
    /// <code>
    /// trace:      --e1----e2--e3---|      (closed)
    /// </code>
    /// </summary>
    public IObservable<TransportTraceEvent> Trace => _trace;

    /// <summary>The router this transport belongs to.</summary>
    internal Router Router => _router;

    /// <summary>The worker channel.</summary>
    internal WorkerChannel Channel => _router.Channel;

    WorkerChannel IEntityParent.Channel => Channel;
    void IEntityParent.ThrowIfClosed() => ThrowIfClosed();
    string IEntityParent.EntityKind => GetType().Name;

    string IEntityParent.EntityId => Id;

    /// <summary>The logger.</summary>
    internal ILogger Logger { get; }

    /// <summary>Dumps the transport's internal state; each transport type returns its derived dump record.</summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<TransportDump> DumpAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return DumpCoreAsync(cancellationToken);
    }

    /// <summary>
    /// Gets the transport's statistics (Node returns them as a one-element array; this returns the element);
    /// each transport type returns its derived stats record.
    /// </summary>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="WorkerClosedException">The worker is closed.</exception>
    public Task<TransportStats> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfClosed();
        return GetStatsCoreAsync(cancellationToken);
    }

    /// <summary>
    /// The transport's stats (<see cref="GetStatsAsync"/>; each transport type
    /// polls its derived stats record with its own <c>PollStats</c>) every <paramref name="period"/>: the first request at subscribe, each next one
    /// <paramref name="period"/> after the previous answer (requests never overlap). One shared loop per transport,
    /// period and scheduler; it stops when the last subscriber leaves. Completes when the transport closes; a failed
    /// request other than "closed" is an error. See <see cref="Polling"/>.
    /// <code>
    /// period 1 s:  s0--1s--s1--1s--s2--(closed|)
    /// </code>
    /// </summary>
    /// <param name="period">The delay between an answer and the next request; positive.</param>
    /// <param name="scheduler">The scheduler of the timers (virtual time in tests); the default scheduler when null.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="period"/> is not positive.</exception>
    public IObservable<TransportStats> PollStats(TimeSpan period, IScheduler? scheduler = null)
        => Polling.PollShared(this, "Transport.Stats", GetStatsAsync, period, _closed, scheduler, Logger);

    /// <summary>Sets the maximum incoming bitrate for media streams sent by the remote endpoint; 0 removes the limit.</summary>
    /// <param name="bitrate">Bits per second, 0–4294967295.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too large bitrate.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="UnsupportedException">A <see cref="DirectTransport"/>.</exception>
    public virtual Task SetMaxIncomingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
    {
        uint value = CheckBitrate(bitrate);
        ThrowIfClosed();
        return BaseTransportProtocol.SetMaxIncomingBitrateAsync(Channel, Id, value, cancellationToken);
    }

    /// <summary>
    /// Sets the maximum outgoing bitrate for media streams sent to the remote endpoint; 0 removes the limit.
    /// The worker rejects a value lower than the current minimum (<see cref="MediasoupException"/>).
    /// </summary>
    /// <param name="bitrate">Bits per second, 0–4294967295.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too large bitrate.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="UnsupportedException">A <see cref="DirectTransport"/>.</exception>
    public virtual Task SetMaxOutgoingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
    {
        uint value = CheckBitrate(bitrate);
        ThrowIfClosed();
        return BaseTransportProtocol.SetMaxOutgoingBitrateAsync(Channel, Id, value, cancellationToken);
    }

    /// <summary>
    /// Sets the minimum outgoing bitrate for media streams sent to the remote endpoint; 0 removes the limit.
    /// The worker rejects a value higher than the current maximum (<see cref="MediasoupException"/>).
    /// </summary>
    /// <param name="bitrate">Bits per second, 0–4294967295.</param>
    /// <param name="cancellationToken">Cancels waiting for the worker.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too large bitrate.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    /// <exception cref="UnsupportedException">A <see cref="DirectTransport"/>.</exception>
    public virtual Task SetMinOutgoingBitrateAsync(long bitrate, CancellationToken cancellationToken = default)
    {
        uint value = CheckBitrate(bitrate);
        ThrowIfClosed();
        return BaseTransportProtocol.SetMinOutgoingBitrateAsync(Channel, Id, value, cancellationToken);
    }

    /// <summary>
    /// Chooses which trace events <see cref="Trace"/> emits; null or empty disables them all. Duplicates are sent once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined <see cref="TransportTraceEventType"/> value.</exception>
    /// <exception cref="NotFoundException">The transport is closed.</exception>
    public Task EnableTraceEventAsync(IEnumerable<TransportTraceEventType>? types = null, CancellationToken cancellationToken = default)
    {
        var list = (types ?? []).Distinct().ToArray();
        foreach (var type in list)
            if (!Enum.IsDefined(type))
                throw new ArgumentOutOfRangeException(nameof(types), type, $"invalid trace event type: {type}");
        ThrowIfClosed();
        return BaseTransportProtocol.EnableTraceEventAsync(Channel, Id, list, cancellationToken);
    }

    /// <summary>
    /// Closes the transport and everything in it; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>.
    /// Idempotent; completes when the worker has processed the close (errors because the worker or router is gone
    /// are ignored).
    /// </summary>
    public async Task CloseAsync()
    {
        if (!CloseCore(CloseReason.Explicit)) return;
        try
        {
            await BaseTransportProtocol.CloseAsync(Channel, _router.Id, Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WorkerClosedException or NotFoundException)
        {
        }
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync() => new(CloseAsync());

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name}[id:{Id}]";

    // ---------------------------------------------------------------------------------------------
    // For the derived transports and the partial files (producers, consumers, data producers/consumers)
    // ---------------------------------------------------------------------------------------------

    private protected abstract Task<TransportDump> DumpCoreAsync(CancellationToken cancellationToken);

    private protected abstract Task<TransportStats> GetStatsCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called once when the transport closes, for whatever reason, before <see cref="Closed"/> emits: set the final
    /// states and complete the type's streams.
    /// </summary>
    private protected virtual void OnClosing(CloseReason reason)
    {
    }

    /// <summary>
    /// Implemented by the partial file that adds producers/consumers/data producers/data consumers: close them all
    /// without telling the worker (it already knows). <paramref name="reason"/> is
    /// <see cref="CloseReason.TransportClosed"/>, or <see cref="CloseReason.WorkerClosed"/> /
    /// <see cref="CloseReason.WorkerDied"/> when the worker is the cause.
    /// </summary>
    partial void CloseChildren(CloseReason reason);

    /// <summary>
    /// Throws if the transport is closed: <see cref="WorkerClosedException"/> when the worker is gone (or the
    /// transport closed because of it), else <see cref="NotFoundException"/>.
    /// </summary>
    internal void ThrowIfClosed()
    {
        if (Channel.IsClosed) throw new WorkerClosedException($"Worker closed [transport:{Id}]");
        if (!IsClosed) return;
        if (Volatile.Read(ref _isClosed) != 0 && _closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied)
            throw new WorkerClosedException($"Worker closed [transport:{Id}]");
        throw new NotFoundException($"Transport closed [id:{Id}]");
    }

    /// <summary>The notification sink registered for this transport (tests feed it notifications).</summary>
    internal INotificationSink NotificationSink => _sink;

    /// <summary>Starts receiving the notifications buffered since the handler was registered.</summary>
    internal void AttachNotifications() => _sink.Attach(this);

    /// <summary>The router closed (or its worker closed/died): close without telling the worker.</summary>
    internal void OnRouterClosed(CloseReason reason) => CloseCore(reason);

    /// <summary>The WebRTC server this transport listens through closed: close without telling the worker.</summary>
    internal void OnListenServerClosed() => CloseCore(CloseReason.ListenServerClosed);

    /// <summary>Total subscribers of this transport's streams (a diagnostic for leak checks).</summary>
    internal virtual int SubscriberCount => _closed.SubscriberCount + _trace.SubscriberCount
        + SctpStateStream.SubscriberCount + SctpNegotiatedCapabilitiesStream.SubscriberCount;

    private bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        Channel.UnregisterHandler(Id);
        _router.Transports.Remove(this);
        CloseChildren(reason is CloseReason.WorkerClosed or CloseReason.WorkerDied ? reason : CloseReason.TransportClosed);
        try
        {
            OnClosing(reason);
        }
        catch (Exception e)
        {
            Logger.LogError(e, "error while closing {Transport}", this);
        }
        if (SctpStateStream.Value is not null) SctpStateStream.OnNext(RxMediasoup.SctpState.Closed);
        SctpStateStream.Complete();
        SctpNegotiatedCapabilitiesStream.Complete();
        _trace.Complete();
        _closed.EmitAndComplete(reason);
        return true;
    }

    private static uint CheckBitrate(long bitrate, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(bitrate))] string? name = null)
    {
        if (bitrate is < 0 or > uint.MaxValue)
            throw new ArgumentOutOfRangeException(name, bitrate, "bitrate must be between 0 and 4294967295 bps");
        return (uint)bitrate;
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications (called by TransportNotifications on the dispatch loop)
    // ---------------------------------------------------------------------------------------------

    internal void OnTraceNotification(TransportTraceEvent trace) => _trace.OnNext(trace);

    internal void OnSctpStateChange(SctpState state) => SctpStateStream.OnNext(state);

    internal void OnSctpNegotiatedCapabilities(SctpNegotiatedCapabilities capabilities) => SctpNegotiatedCapabilitiesStream.OnNext(capabilities);

    internal virtual void OnIceStateChange(IceState state) { }

    internal virtual void OnIceSelectedTupleChange(TransportTuple tuple) { }

    internal virtual void OnDtlsStateChange(DtlsState state, string? remoteCert) { }

    internal virtual void OnTupleChange(TransportTuple tuple) { }

    internal virtual void OnRtcpTupleChange(TransportTuple tuple) { }

    internal virtual void OnRtcp(byte[] packet) { }
}
