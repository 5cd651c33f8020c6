namespace RxMediasoup;

/// <summary>
/// The requested operation or media is not supported (mediasoup's <c>UnsupportedError</c>): e.g. a codec
/// the router does not support, or RTP capabilities that cannot consume a producer.
/// </summary>
public class UnsupportedException : MediasoupException
{
    /// <summary>Creates the exception with a message.</summary>
    public UnsupportedException(string message) : base(message) { }
}
