namespace RxMediasoup;

/// <summary>The JSON type held by an <see cref="RtpParameterValue"/>.</summary>
public enum RtpParameterValueKind
{
    /// <summary>A string, e.g. <c>"profile-level-id": "42e01f"</c>. The default (<c>default(RtpParameterValue)</c>) is the empty string.</summary>
    String = 0,

    /// <summary>A number, e.g. <c>"packetization-mode": 1</c>.</summary>
    Number,

    /// <summary>A boolean (only found in values the worker reports; codec parameters given to mediasoup must be strings or numbers).</summary>
    Boolean,

    /// <summary>An array of 32-bit integers (only found in values the worker reports).</summary>
    IntegerArray,
}
