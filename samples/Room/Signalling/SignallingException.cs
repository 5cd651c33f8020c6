namespace RxMediasoup.Samples.Room;

/// <summary>The stable error codes of the signalling protocol (PROTOCOL.md lists when each is sent).</summary>
public static class ErrorCodes
{
    /// <summary>The message is not JSON.</summary>
    public const string MalformedJson = "malformed_json";
    /// <summary>The message is JSON but not a request object (or a binary frame).</summary>
    public const string InvalidRequest = "invalid_request";
    /// <summary>The method is not one of the protocol's.</summary>
    public const string UnknownMethod = "unknown_method";
    /// <summary>A required field is absent (or null).</summary>
    public const string MissingField = "missing_field";
    /// <summary>A field has the wrong JSON type or shape.</summary>
    public const string WrongType = "wrong_type";
    /// <summary>A field has the right type but a value out of its range.</summary>
    public const string InvalidValue = "invalid_value";
    /// <summary>An id that is not one of this peer's entities (unknown, or another peer's).</summary>
    public const string NotFound = "not_found";
    /// <summary>The message is bigger than the server's limit.</summary>
    public const string MessageTooLarge = "message_too_large";
    /// <summary>More transports, producers or data producers than a peer may have.</summary>
    public const string LimitExceeded = "limit_exceeded";
    /// <summary>A method other than join before joining.</summary>
    public const string NotJoined = "not_joined";
    /// <summary>A second join on the same socket.</summary>
    public const string AlreadyJoined = "already_joined";
    /// <summary>The request is valid but not now (e.g. consuming twice, a send transport used to receive).</summary>
    public const string InvalidState = "invalid_state";
    /// <summary>mediasoup refused the parameters (its message is passed on).</summary>
    public const string Rejected = "rejected";
    /// <summary>A bug of the server (logged with its stack trace).</summary>
    public const string InternalError = "internal_error";
}

/// <summary>A request the server answers with an error reply: <see cref="Code"/> is one of <see cref="ErrorCodes"/>.</summary>
public sealed class SignallingException(string code, string message) : Exception(message)
{
    /// <summary>The error's stable code.</summary>
    public string Code { get; } = code;
}
