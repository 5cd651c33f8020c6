namespace RxMediasoup;

/// <summary>
/// Base class of the errors RxMediasoup raises that have no better-fitting BCL type: the worker rejected a
/// request for a reason other than bad input, an entity was not found, an operation is unsupported, or the
/// worker is closed. Bad input is reported with the <see cref="ArgumentException"/> family instead
/// (mediasoup's <c>TypeError</c>). <see cref="Code"/> tells the worker-side conflicts a caller may branch on.
/// </summary>
public class MediasoupException : Exception
{
    /// <summary>Creates the exception with a message (its <see cref="Code"/> is <see cref="MediasoupErrorCode.Unknown"/>).</summary>
    public MediasoupException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and a code.</summary>
    public MediasoupException(string message, MediasoupErrorCode code) : base(message) => Code = code;

    /// <summary>Creates the exception with a message and the exception that caused it (its <see cref="Code"/> is <see cref="MediasoupErrorCode.Unknown"/>).</summary>
    public MediasoupException(string message, Exception? innerException) : base(message, innerException) { }

    /// <summary>
    /// What the error is about when it is one of the conflicts listed in <see cref="MediasoupErrorCode"/>
    /// (e.g. <see cref="MediasoupErrorCode.PortInUse"/>); otherwise <see cref="MediasoupErrorCode.Unknown"/>.
    /// </summary>
    public MediasoupErrorCode Code { get; }
}
