using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxMediasoup.Channel;
using RxMediasoup.Diagnostics;
using RxMediasoup.Reactive;

namespace RxMediasoup;

/// <summary>
/// What every mediasoup entity has: <see cref="AppData"/>, <see cref="IsClosed"/>, the <see cref="Closed"/> stream,
/// <see cref="CloseAsync"/> / <see cref="DisposeAsync"/>, and one lifecycle and command policy.
/// </summary>
/// <remarks>
/// <para><b>Closing</b>, whatever the cause (explicit, parent closed, producer closed, listen server closed, worker
/// closed or died): <see cref="IsClosed"/> is true at once; the entity's own children close first (with the reason
/// their parent gives them); then every stream of the entity completes and <see cref="Closed"/> emits the reason —
/// the last thing the entity's streams deliver; then the entities that depend on it close (a producer's consumers
/// on other transports, with <see cref="CloseReason.ProducerClosed"/>), as in mediasoup.</para>
/// <para><b>Commands</b> (<c>…Async</c> methods) never throw synchronously: they return a faulted task. On a closed
/// entity the error is <see cref="NotFoundException"/> ("&lt;Kind&gt; closed"), or <see cref="WorkerClosedException"/>
/// once the worker is closed or dead — checked before anything else.</para>
/// <para><b>Delivery</b>: an entity's streams are delivered through its worker's delivery queue: subscribers are called
/// with no lock held, one at a time, in worker order; a command's resulting state is applied before later
/// notifications of the entity and before the command's awaiter resumes; a subscriber that blocks (even on a
/// command's task) delays later deliveries of that worker, never the reading of responses. A subscriber holding
/// delivery longer than <see cref="WorkerSettings.DeliveryWarningThreshold"/> is logged.</para>
/// </remarks>
public abstract partial class MediasoupEntity : IAsyncDisposable
{
    private IDictionary<string, object?>? _appData;
    private int _isClosed;
    private CloseReason? _closeReason;

    private protected MediasoupEntity(string kind, string entityId, WorkerChannel channel, ILogger logger,
        IDictionary<string, object?>? appData)
    {
        EntityKind = kind;
        EntityId = entityId;
        Channel = channel;
        // Category RxMediasoup.<kind> with the entity in a scope; the parent's logger if the channel logs nowhere.
        Logger = channel.LoggerFactory is NullLoggerFactory ? logger : new EntityLogger(channel.LoggerFactory.CreateLogger($"RxMediasoup.{kind}"), kind, entityId);
        _appData = appData; // an empty dictionary is created on first read
        Telemetry.CountEntity(this, +1);
    }

    /// <summary>Custom application data.</summary>
    public IDictionary<string, object?> AppData
    {
        get => Volatile.Read(ref _appData) ?? Interlocked.CompareExchange(ref _appData, new Dictionary<string, object?>(), null) ?? _appData!;
        set => Volatile.Write(ref _appData, value);
    }

    /// <summary>True once the entity is closed (set at once, before its streams complete).</summary>
    public bool IsClosed => Volatile.Read(ref _isClosed) != 0;

    /// <summary>
    /// Emits why the entity closed, once, then completes; replayed to late subscribers; never errors. It is the last
    /// thing the entity's streams deliver.
    /// <code>
    /// closed:     ----------(reason|)
    /// </code>
    /// </summary>
    public IObservable<CloseReason> Closed => ClosedSignal;

    /// <summary>
    /// Closes the entity and, in the worker, what it owns; <see cref="Closed"/> emits <see cref="CloseReason.Explicit"/>.
    /// Idempotent; completes when the worker has processed the close (the worker's errors are ignored, as in mediasoup:
    /// the entity is closed here whatever it answers) and the close has reached subscribers: the streams of the entity
    /// and of what it owned have completed (except when called from a subscriber of this worker's streams, whose
    /// deliveries run after it returns).
    /// </summary>
    public async Task CloseAsync()
    {
        long posted = DeliveryQueue.PostedOnThisThread;
        long issuer = Channel.Deliveries.CurrentItem; // a subscriber closing (and maybe blocking on it) is not waited for
        if (!CloseCore(CloseReason.Explicit)) return;
        // The cascade completed the streams here; their deliveries wait in the worker's queue when another thread is
        // draining it (a subscriber still receiving RTP, say).
        bool delivering = DeliveryQueue.PostedOnThisThread != posted;
        using var span = Telemetry.StartSpan(this, "Close");
        try
        {
            await SendCloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is MediasoupException or ArgumentException or TimeoutException)
        {
            Telemetry.SetError(span, e);
            // As mediasoup does: the entity is closed here whatever the worker answers (it may have closed it first,
            // e.g. a transport whose close raced a router's).
            Logger.LogDebug(e, "the worker did not confirm closing {Entity}", this);
        }
        // Returns once subscribers have seen the close: every stream of the entity and of what it owned has completed.
        if (delivering) await Channel.Deliveries.WhenDelivered(issuer).ConfigureAwait(false);
    }

    /// <summary>Same as <see cref="CloseAsync"/>.</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return new(CloseAsync());
    }

    /// <summary>The entity kind in messages ("Producer", "WebRtcTransport"…).</summary>
    internal string EntityKind { get; }

    /// <summary>The id in messages and the channel's handler table (the pid for a worker).</summary>
    internal string EntityId { get; }

    /// <summary>The worker channel.</summary>
    internal WorkerChannel Channel { get; }

    /// <summary>The logger of the entity.</summary>
    internal ILogger Logger { get; }

    /// <summary>Why the entity closed; null while open.</summary>
    internal CloseReason? ClosedBecause => Volatile.Read(ref _isClosed) != 0 ? _closeReason : null;


    /// <summary>
    /// Closes the entity without telling the worker (it closed it, or a parent's close covers it). False if it was
    /// already closed. See the class remarks for the order.
    /// </summary>
    internal bool CloseCore(CloseReason reason)
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0) return false;
        _closeReason = reason;
        Telemetry.CountEntity(this, -1);
        Channel.UnregisterHandler(EntityId);
        // Each step isolated (an error is logged, the close goes on); no closure per step: this runs once per entity of
        // a cascade (a router's thousand consumers).
        try { OnClosing(reason); } catch (Exception e) { LogCloseError(e, "closing"); }
        try { CloseChildren(reason); } catch (Exception e) { LogCloseError(e, "closing children"); }
        CompleteStreams(reason);
        try { CloseDependents(reason); } catch (Exception e) { LogCloseError(e, "closing dependents"); }
        return true;
    }

    private void LogCloseError(Exception e, string what) => Logger.LogError(e, "error while {What} {Entity}", what, this);

    /// <summary>Detaches the entity from its parents' collections; runs first in <see cref="CloseCore"/>.</summary>
    private protected virtual void OnClosing(CloseReason reason)
    {
    }

    /// <summary>Closes what the entity owns (they report the reason this derives from <paramref name="reason"/>).</summary>
    private protected virtual void CloseChildren(CloseReason reason)
    {
    }

    /// <summary>Closes what depends on the entity after its own <see cref="Closed"/> (a producer's consumers).</summary>
    private protected virtual void CloseDependents(CloseReason reason)
    {
    }

    /// <summary>Tells the worker to close the entity (after <see cref="CloseCore"/>).</summary>
    private protected abstract Task SendCloseAsync();

    /// <summary>True when the worker is closed or dead (commands then fail with <see cref="WorkerClosedException"/>).</summary>
    private protected virtual bool WorkerIsGone => Channel.IsClosed;

    /// <summary>
    /// The error a command gets now: <see cref="WorkerClosedException"/> when the worker is gone (or the entity closed
    /// because of it), <see cref="NotFoundException"/> when the entity is closed, else null.
    /// </summary>
    internal Exception? ClosedError()
    {
        if (WorkerIsGone || (IsClosed && _closeReason is CloseReason.WorkerClosed or CloseReason.WorkerDied))
            return new WorkerClosedException($"Worker closed [{EntityKind}:{EntityId}]");
        return IsClosed ? new NotFoundException($"{EntityKind} closed [id:{EntityId}]") : null;
    }

    /// <summary>Throws <see cref="ClosedError"/> (for code already inside an async command).</summary>
    internal void ThrowIfClosed()
    {
        if (ClosedError() is { } e) throw e;
    }

    /// <summary>
    /// Runs a command under the command policy: a faulted task, never a synchronous throw; traced as a span
    /// <c>&lt;Kind&gt;.&lt;Command&gt;</c> when someone listens.
    /// </summary>
    private protected Task Command(Func<Task> command, [CallerMemberName] string name = "")
    {
        if (ClosedError() is { } e) return Task.FromException(e);
        Activity? previous = null, span = null;
        if (Telemetry.Source.HasListeners()) // else not even Activity.Current (an AsyncLocal read) is looked at
        {
            previous = Activity.Current;
            span = Telemetry.StartSpan(this, name);
        }
        try
        {
            var task = command();
            return span is null ? task : Telemetry.Traced(task, span);
        }
        catch (Exception ex)
        {
            Telemetry.SetError(span, ex);
            span?.Dispose();
            return Task.FromException(ex);
        }
        finally
        {
            if (span is not null) Activity.Current = previous;
        }
    }

    /// <summary>
    /// Runs a command under the command policy: a faulted task, never a synchronous throw; traced as a span
    /// <c>&lt;Kind&gt;.&lt;Command&gt;</c> when someone listens.
    /// </summary>
    private protected Task<T> Command<T>(Func<Task<T>> command, [CallerMemberName] string name = "")
        => Command(command, static c => c(), name);

    /// <summary>
    /// <see cref="Command{T}(Func{Task{T}}, string)"/> with the command's state passed in: with a static lambda, a hot
    /// command (a dump, stats) allocates no closure.
    /// </summary>
    private protected Task<T> Command<TState, T>(TState state, Func<TState, Task<T>> command, [CallerMemberName] string name = "")
    {
        if (ClosedError() is { } e) return Task.FromException<T>(e);
        Activity? previous = null, span = null;
        if (Telemetry.Source.HasListeners()) // else not even Activity.Current (an AsyncLocal read) is looked at
        {
            previous = Activity.Current;
            span = Telemetry.StartSpan(this, name);
        }
        try
        {
            var task = command(state);
            return span is null ? task : Telemetry.Traced(task, span);
        }
        catch (Exception ex)
        {
            Telemetry.SetError(span, ex);
            span?.Dispose();
            return Task.FromException<T>(ex);
        }
        finally
        {
            if (span is not null) Activity.Current = previous;
        }
    }

    /// <summary>
    /// The trace event types given to an <c>EnableTraceEventAsync</c>, each once; <see cref="ArgumentOutOfRangeException"/>
    /// for an undefined value.
    /// </summary>
    private protected static T[] TraceEventTypes<T>(IEnumerable<T>? types) where T : struct, Enum
    {
        var list = (types ?? []).Distinct().ToArray();
        foreach (var type in list)
            if (!Enum.IsDefined(type))
                throw new ArgumentOutOfRangeException(nameof(types), type, $"invalid trace event type: {type}");
        return list;
    }

    /// <summary>A live collection of this entity's children, delivered through the worker's queue like its streams.</summary>
    private protected EntityCollection<T> Collection<T>(string name, Func<T, string> key) where T : class
        => new(key, Logger, Channel.Deliveries, $"{EntityKind}.{name}");


    /// <inheritdoc />
    public override string ToString() => $"{EntityKind}[id:{EntityId}]";
}

/// <summary>Something an entity completes when it closes.</summary>
internal interface IStreamCompletion
{
    int SubscriberCount { get; }
    bool Complete();
}
