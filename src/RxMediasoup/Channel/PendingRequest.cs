using System.Diagnostics;
using RxMediasoup.Diagnostics;

namespace RxMediasoup.Channel;

/// <summary>A request sent to the worker and waiting for its response.</summary>
internal abstract class PendingRequest
{
    protected PendingRequest(uint id, FBS.Request.Method method, long deadline)
    {
        Id = id;
        Method = method;
        Deadline = deadline;
        // The rxmediasoup.channel.request.duration histogram (request correlation): timed only while someone listens.
        Started = Telemetry.RequestDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
    }

    /// <summary>When it was sent (a <see cref="Stopwatch"/> timestamp), 0 when its duration is not measured.</summary>
    protected long Started { get; }

    /// <summary>Records the request's duration with its outcome (when measured and someone still listens).</summary>
    protected void Record(string outcome)
    {
        if (Started != 0 && Telemetry.RequestDuration.Enabled) Telemetry.RecordRequest(Started, FbsNames.Of(Method), outcome);
    }

    public uint Id { get; }
    public FBS.Request.Method Method { get; }

    /// <summary>Environment.TickCount64 after which the request times out (long.MaxValue: never).</summary>
    public long Deadline { get; }

    public CancellationTokenRegistration Registration { get; set; }

    public abstract void Complete(in FBS.Response.Response response);
    public abstract bool Fail(Exception error);
    public abstract bool Cancel(CancellationToken token);
}

internal sealed class PendingRequest<TResult> : PendingRequest
{
    private readonly TaskCompletionSource<TResult> _tcs;
    private readonly ResponseParser<TResult> _parse;
    private readonly DeliveryQueue? _deliveries;
    private readonly long _issuer;

    /// <param name="id">The request id.</param>
    /// <param name="method">The request method (for messages).</param>
    /// <param name="deadline">When it times out.</param>
    /// <param name="parse">Parses the accepted response (on the reader); may apply the command's state.</param>
    /// <param name="deliveries">The worker's delivery queue; created on the thread sending the request, so that the
    /// delivery it runs (if any) is known: a subscriber that sends a command and blocks on it.</param>
    /// <param name="asynchronousCompletions">False in virtual time (pushed frames): the awaiter resumes inside the
    /// scheduler action that delivered the response, so it has run when the scheduler's clock call returns.</param>
    public PendingRequest(uint id, FBS.Request.Method method, long deadline, ResponseParser<TResult> parse, DeliveryQueue? deliveries = null,
        bool asynchronousCompletions = true)
        : base(id, method, deadline)
    {
        _tcs = new(asynchronousCompletions ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None);
        _parse = parse;
        _deliveries = deliveries;
        _issuer = deliveries?.CurrentItem ?? 0;
    }

    public Task<TResult> Task => _tcs.Task;

    public override void Complete(in FBS.Response.Response response)
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
            _tcs.TrySetException(new MediasoupException($"invalid response to {Method} (id {Id}): {e.Message}", e));
            return;
        }
        Record("ok");
        // A parser that applied state (AcceptedThen → StreamSubject.OnNext) posted its delivery: the awaiter resumes
        // after it (and after what was posted before), unless the delivery that sent this command is still running —
        // possibly blocked on this very task: then it resumes now. See DeliveryQueue.CompleteInOrder.
        if (_deliveries is null || DeliveryQueue.PostedOnThisThread == posted) _tcs.TrySetResult(result);
        else _deliveries.CompleteInOrder(static (tcs, r) => ((TaskCompletionSource<TResult>)tcs!).TrySetResult((TResult)r!), _tcs, result, _issuer);
    }

    // The one who removed the request from the pending table ends it (once): recorded before its awaiter can resume.
    public override bool Fail(Exception error)
    {
        if (_tcs.Task.IsCompleted) return false;
        Record(Telemetry.Outcome(error));
        return _tcs.TrySetException(error);
    }

    public override bool Cancel(CancellationToken token)
    {
        if (_tcs.Task.IsCompleted) return false;
        Record("cancelled");
        return _tcs.TrySetCanceled(token);
    }
}
