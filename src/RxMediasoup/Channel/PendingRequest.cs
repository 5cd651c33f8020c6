namespace RxMediasoup.Channel;

/// <summary>A request sent to the worker and waiting for its response.</summary>
internal abstract class PendingRequest
{
    protected PendingRequest(uint id, FBS.Request.Method method, long deadline)
    {
        Id = id;
        Method = method;
        Deadline = deadline;
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
    private readonly TaskCompletionSource<TResult> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ResponseParser<TResult> _parse;
    private readonly DeliveryQueue? _deliveries;

    public PendingRequest(uint id, FBS.Request.Method method, long deadline, ResponseParser<TResult> parse, DeliveryQueue? deliveries = null)
        : base(id, method, deadline)
    {
        _parse = parse;
        _deliveries = deliveries;
    }

    public Task<TResult> Task => _tcs.Task;

    public override void Complete(in FBS.Response.Response response)
    {
        TResult result;
        try
        {
            result = _parse(response);
        }
        catch (Exception e)
        {
            _tcs.TrySetException(new MediasoupException($"invalid response to {Method} (id {Id}): {e.Message}", e));
            return;
        }
        // The state the parser applied (e.g. Paused) reaches subscribers before the awaiter resumes, unless a delivery
        // is running — possibly a subscriber blocked on this very task: then the awaiter resumes now.
        if (_deliveries is null || _deliveries.Count == 0) _tcs.TrySetResult(result);
        else _deliveries.CompleteInOrder(static (tcs, r) => ((TaskCompletionSource<TResult>)tcs!).TrySetResult((TResult)r!), _tcs, result);
    }

    public override bool Fail(Exception error) => _tcs.TrySetException(error);

    public override bool Cancel(CancellationToken token) => _tcs.TrySetCanceled(token);
}
