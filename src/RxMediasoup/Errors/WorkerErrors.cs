namespace RxMediasoup;

/// <summary>Maps an error response of the worker to the exception a request fails with.</summary>
internal static class WorkerErrors
{
    /// <summary>
    /// The worker's <c>TypeError</c> → <see cref="ArgumentException"/>, <c>NotFoundError</c> →
    /// <see cref="NotFoundException"/>, any other error → <see cref="MediasoupException"/> with the
    /// <see cref="MediasoupErrorCode"/> its reason reads as.
    /// </summary>
    public static Exception FromResponse(string? error, string reason) => error switch
    {
        "TypeError" => new ArgumentException(reason),
        "NotFoundError" => new NotFoundException(reason),
        _ => new MediasoupException(reason, Classify(reason)),
    };

    /// <summary>
    /// The code of a worker reason, matched on mediasoup 3.27's wording (worker/src/RTC/PortManager.cpp,
    /// RtpListener.cpp, SctpListener.cpp, Transport.cpp, WebRtcTransport.cpp, PlainTransport.cpp, PipeTransport.cpp).
    /// </summary>
    public static MediasoupErrorCode Classify(string reason)
    {
        // "uv_udp_bind() failed [protocol:udp, ip:'127.0.0.1', port:40000]: address already in use" (uv_strerror(UV_EADDRINUSE)),
        // or uv_tcp_bind()/uv_listen() with TCP.
        if (reason.Contains("address already in use", StringComparison.Ordinal)) return MediasoupErrorCode.PortInUse;
        // "no more available ports [protocol:udp, ip:'127.0.0.1', numAttempt:1]"
        if (reason.StartsWith("no more available ports", StringComparison.Ordinal)) return MediasoupErrorCode.NoPortAvailable;
        // "MID already exists in RTP listener [mid:0]"
        if (reason.StartsWith("MID already exists", StringComparison.Ordinal)) return MediasoupErrorCode.MidInUse;
        // "ssrc already exists in RTP listener [ssrc:1111]", "RTX ssrc already exists in RTP listener [ssrc:1112]"
        if (reason.StartsWith("ssrc already exists", StringComparison.Ordinal)
            || reason.StartsWith("RTX ssrc already exists", StringComparison.Ordinal)) return MediasoupErrorCode.SsrcInUse;
        // "RID already exists in RTP listener and no MID is given [rid:r0]"
        if (reason.StartsWith("RID already exists", StringComparison.Ordinal)) return MediasoupErrorCode.RidInUse;
        // "connect() already called"
        if (reason.StartsWith("connect() already called", StringComparison.Ordinal)) return MediasoupErrorCode.AlreadyConnected;
        // "SCTP not enabled and not a direct Transport", "SCTP not enabled",
        // "cannot close DataProducer, SCTP not enabled and not a direct Transport"
        if (reason.Contains("SCTP not enabled", StringComparison.Ordinal)) return MediasoupErrorCode.SctpNotEnabled;
        // "streamId already exists in SCTP listener [streamId:1]",
        // "an SCTP DataConsumer with same streamId 1 already exists [method:TRANSPORT_CONSUME_DATA]"
        if (reason.StartsWith("streamId already exists in SCTP listener", StringComparison.Ordinal)
            || reason.StartsWith("an SCTP DataConsumer with same streamId", StringComparison.Ordinal)) return MediasoupErrorCode.SctpStreamIdInUse;
        return MediasoupErrorCode.Unknown;
    }
}
