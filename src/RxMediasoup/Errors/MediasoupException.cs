namespace RxMediasoup;

/// <summary>
/// Base class of the errors RxMediasoup raises that have no better-fitting BCL type: the worker rejected a
/// request for a reason other than bad input, an entity was not found, an operation is unsupported, or the
/// worker is closed. Bad input is reported with the <see cref="ArgumentException"/> family instead
/// (mediasoup's <c>TypeError</c>).
/// </summary>
public class MediasoupException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public MediasoupException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public MediasoupException(string message, Exception? innerException) : base(message, innerException) { }
}
