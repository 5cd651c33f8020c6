namespace RxMediasoup;

/// <summary>Level of the logs the worker process produces (forwarded to <c>ILogger</c>).</summary>
public enum WorkerLogLevel
{
    /// <summary>Everything (<c>debug</c>).</summary>
    Debug,
    /// <summary>Warnings and errors (<c>warn</c>).</summary>
    Warn,
    /// <summary>Errors only (<c>error</c>, mediasoup's default).</summary>
    Error,
    /// <summary>Nothing (<c>none</c>).</summary>
    None,
}
