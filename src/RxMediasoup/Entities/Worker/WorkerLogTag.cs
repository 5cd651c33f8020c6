namespace RxMediasoup;

/// <summary>Areas of the worker whose debug logs are enabled (mediasoup's log tags).</summary>
public enum WorkerLogTag
{
    /// <summary><c>info</c>: general information.</summary>
    Info,
    /// <summary><c>ice</c>: ICE.</summary>
    Ice,
    /// <summary><c>dtls</c>: DTLS.</summary>
    Dtls,
    /// <summary><c>rtp</c>: RTP.</summary>
    Rtp,
    /// <summary><c>srtp</c>: SRTP.</summary>
    Srtp,
    /// <summary><c>rtcp</c>: RTCP.</summary>
    Rtcp,
    /// <summary><c>rtx</c>: RTP retransmission.</summary>
    Rtx,
    /// <summary><c>bwe</c>: bandwidth estimation.</summary>
    Bwe,
    /// <summary><c>score</c>: RTP stream scores.</summary>
    Score,
    /// <summary><c>simulcast</c>: simulcast layer selection.</summary>
    Simulcast,
    /// <summary><c>svc</c>: SVC layer selection.</summary>
    Svc,
    /// <summary><c>sctp</c>: SCTP.</summary>
    Sctp,
    /// <summary><c>message</c>: data channel messages.</summary>
    Message,
}
