using System.Diagnostics;
using RxMediasoup.Diagnostics;

namespace RxMediasoup.Channel;

/// <summary>A request sent to the worker and waiting for its response (held by its id in <see cref="PendingTable"/>).</summary>
internal interface IPendingRequest
{
    /// <summary>The request method (for messages and the duration histogram).</summary>
    FBS.Request.Method Method { get; }

    /// <summary>True when it was sent at least <paramref name="timeoutMs"/> ms before <paramref name="nowMs"/> (<see cref="Environment.TickCount"/>).</summary>
    bool IsOlderThan(int nowMs, int timeoutMs);

    /// <summary>Parses the accepted response and completes the task (see <see cref="PendingRequest{TResult}.Complete"/>).</summary>
    void Complete(uint id, in FBS.Response.Response response, DeliveryQueue? deliveries);

    /// <summary>Faults the task, once; false if it had ended.</summary>
    bool Fail(Exception error);

    /// <summary>Cancels the task, once; false if it had ended.</summary>
    bool Cancel(CancellationToken token);

    /// <summary>Releases the cancellation registration (called by whoever removed it from the table).</summary>
    void Unregister();
}

/// <summary>
/// A request's promise: the task its sender awaits, with what the response needs. It is kept small (40 bytes on x64,
/// the task aside) because every request allocates one: what only some requests need — a cancellation registration,
/// the delivery item that sent it, the start timestamp of the duration histogram — is held by a subclass
/// (<see cref="WithExtras"/>), chosen by <see cref="Create"/> only then.
/// </summary>
internal class PendingRequest<TResult> : TaskCompletionSource<TResult>, IPendingRequest
{
    private readonly ResponseParser<TResult> _parse;
    private readonly int _sentMs;
    private readonly FBS.Request.Method _method;

    /// <summary>A request without extras (see <see cref="Create"/>).</summary>
    /// <param name="method">The request method (for messages).</param>
    /// <param name="parse">Parses the accepted response (on the reader); may apply the command's state.</param>
    /// <param name="asynchronousCompletions">False in virtual time (pushed frames): the awaiter resumes inside the
    /// scheduler action that delivered the response, so it has run when the scheduler's clock call returns.</param>
    public PendingRequest(FBS.Request.Method method, ResponseParser<TResult> parse, bool asynchronousCompletions = true)
        : base(asynchronousCompletions ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None)
    {
        _method = method;
        _parse = parse;
        _sentMs = Environment.TickCount;
    }

    /// <summary>
    /// A request, with extras when it needs them.
    /// </summary>
    /// <param name="method">The request method (for messages).</param>
    /// <param name="parse">Parses the accepted response (on the reader); may apply the command's state.</param>
    /// <param name="deliveries">The worker's delivery queue; the request is created on the thread sending it, so that the
    /// delivery it runs (if any) is known: a subscriber that sends a command and blocks on it.</param>
    /// <param name="cancellable">True when a cancellation registration will be set (<see cref="SetRegistration"/>).</param>
    /// <param name="asynchronousCompletions">See the constructor.</param>
    public static PendingRequest<TResult> Create(FBS.Request.Method method, ResponseParser<TResult> parse, DeliveryQueue? deliveries = null,
        bool cancellable = false, bool asynchronousCompletions = true)
    {
        long issuer = deliveries?.CurrentItem ?? 0;
        // The rxmediasoup.channel.request.duration histogram (request correlation): timed only while someone listens.
        long started = Telemetry.RequestDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        return cancellable || issuer != 0 || started != 0
            ? new WithExtras(method, parse, asynchronousCompletions, issuer, started)
            : new PendingRequest<TResult>(method, parse, asynchronousCompletions);
    }

    /// <summary>A request with what only some requests need (see the class remarks).</summary>
    private sealed class WithExtras(FBS.Request.Method method, ResponseParser<TResult> parse, bool asynchronousCompletions, long issuer, long started)
        : PendingRequest<TResult>(method, parse, asynchronousCompletions)
    {
        private CancellationTokenRegistration _registration;

        protected override long Issuer => issuer;      // the delivery item that sent the request (DeliveryQueue.CurrentItem), 0: none

        protected override long Started => started;    // a Stopwatch timestamp, 0: the duration is not measured

        public override void SetRegistration(CancellationTokenRegistration registration) => _registration = registration;

        public override void Unregister() => _registration.Dispose();
    }

    /// <summary>The delivery item that sent the request (<see cref="DeliveryQueue.CurrentItem"/>), 0: none.</summary>
    protected virtual long Issuer => 0;

    /// <summary>A <see cref="Stopwatch"/> timestamp of the send, 0: the duration is not measured.</summary>
    protected virtual long Started => 0;

    /// <summary>Sets the cancellation registration (the request was created with <c>cancellable</c>).</summary>
    public virtual void SetRegistration(CancellationTokenRegistration registration)
        => throw new InvalidOperationException("the request was not created cancellable");

    public virtual void Unregister() { }

    public FBS.Request.Method Method => _method;

    public bool IsOlderThan(int nowMs, int timeoutMs) => unchecked(nowMs - _sentMs) >= timeoutMs;

    /// <summary>Records the request's duration with its outcome (when measured and someone still listens).</summary>
    private void Record(string outcome)
    {
        if (Started is not 0 and var started && Telemetry.RequestDuration.Enabled) Telemetry.RecordRequest(started, FbsNames.Of(_method), outcome);
    }

    public void Complete(uint id, in FBS.Response.Response response, DeliveryQueue? deliveries)
    {
        TResult result;
        long posted = DeliveryQueue.PostedOnThisThread;
        try
        {
            result = _parse(response);
        }
        catch (Exception e)
        {
            Record("error");
            TrySetException(new MediasoupException($"invalid response to {_method} (id {id}): {e.Message}", e));
            return;
        }
        Record("ok");
        // A parser that applied state (AcceptedThen → StreamSubject.OnNext) posted its delivery: the awaiter resumes
        // after it (and after what was posted before), unless the delivery that sent this command is still running —
        // possibly blocked on this very task: then it resumes now. See DeliveryQueue.CompleteInOrder.
        if (deliveries is null || DeliveryQueue.PostedOnThisThread == posted) TrySetResult(result);
        else deliveries.CompleteInOrder(static (p, r) => ((PendingRequest<TResult>)p!).TrySetResult((TResult)r!), this, result, Issuer);
    }

    // The one who removed the request from the pending table ends it (once): recorded before its awaiter can resume.
    public bool Fail(Exception error)
    {
        if (Task.IsCompleted) return false;
        Record(Telemetry.Outcome(error));
        return TrySetException(error);
    }

    public bool Cancel(CancellationToken token)
    {
        if (Task.IsCompleted) return false;
        Record("cancelled");
        return TrySetCanceled(token);
    }
}
