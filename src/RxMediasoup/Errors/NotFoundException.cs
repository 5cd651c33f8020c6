namespace RxMediasoup;

/// <summary>
/// A referenced entity does not exist (mediasoup's <c>NotFoundError</c>): e.g. a command reached the worker
/// for an entity it no longer knows, or a producer id given to <c>ConsumeAsync</c> is unknown.
/// </summary>
public class NotFoundException : MediasoupException
{
    /// <summary>Creates the exception with a message.</summary>
    public NotFoundException(string message) : base(message) { }
}
