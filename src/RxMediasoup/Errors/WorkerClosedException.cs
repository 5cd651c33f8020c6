namespace RxMediasoup;

/// <summary>
/// The worker is closed or died (mediasoup's <c>WorkerClosedError</c>): raised by commands issued after the
/// worker closed, and by every request still pending when the worker closed, died or its channel broke.
/// </summary>
public class WorkerClosedException : MediasoupException
{
    /// <summary>Creates the exception with a message.</summary>
    public WorkerClosedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public WorkerClosedException(string message, Exception? innerException) : base(message, innerException) { }
}
