namespace RxMediasoup;

/// <summary>
/// A transport's statistics, as returned by <see cref="Transport.GetStatsAsync"/> (mediasoup's
/// <c>BaseTransportStats</c>); each transport type returns a derived record with its own fields.
/// Bitrates are in bits per second, byte counters since the transport was created.
/// </summary>
public record TransportStats
{
    /// <summary>The stats type: <c>"webrtc-transport"</c>, <c>"plain-rtp-transport"</c>, <c>"pipe-transport"</c> or <c>"direct-transport"</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The transport's id.</summary>
    public required string TransportId { get; init; }

    /// <summary>When the stats were taken, in ms of the worker's clock.</summary>
    public long Timestamp { get; init; }

    /// <summary>The SCTP state, if SCTP is enabled.</summary>
    public SctpState? SctpState { get; init; }

    /// <summary>Bytes received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>Receive bitrate.</summary>
    public long RecvBitrate { get; init; }

    /// <summary>Bytes sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>Send bitrate.</summary>
    public long SendBitrate { get; init; }

    /// <summary>RTP bytes received.</summary>
    public long RtpBytesReceived { get; init; }

    /// <summary>RTP receive bitrate.</summary>
    public long RtpRecvBitrate { get; init; }

    /// <summary>RTP bytes sent.</summary>
    public long RtpBytesSent { get; init; }

    /// <summary>RTP send bitrate.</summary>
    public long RtpSendBitrate { get; init; }

    /// <summary>RTX bytes received.</summary>
    public long RtxBytesReceived { get; init; }

    /// <summary>RTX receive bitrate.</summary>
    public long RtxRecvBitrate { get; init; }

    /// <summary>RTX bytes sent.</summary>
    public long RtxBytesSent { get; init; }

    /// <summary>RTX send bitrate.</summary>
    public long RtxSendBitrate { get; init; }

    /// <summary>Probation bytes sent.</summary>
    public long ProbationBytesSent { get; init; }

    /// <summary>Probation send bitrate.</summary>
    public long ProbationSendBitrate { get; init; }

    /// <summary>Available outgoing bitrate, as estimated, if known.</summary>
    public long? AvailableOutgoingBitrate { get; init; }

    /// <summary>Available incoming bitrate, as estimated, if known.</summary>
    public long? AvailableIncomingBitrate { get; init; }

    /// <summary>The limit set with <see cref="NetworkTransport.SetMaxIncomingBitrateAsync"/>, if any.</summary>
    public long? MaxIncomingBitrate { get; init; }

    /// <summary>The limit set with <see cref="NetworkTransport.SetMaxOutgoingBitrateAsync"/>, if any.</summary>
    public long? MaxOutgoingBitrate { get; init; }

    /// <summary>The limit set with <see cref="NetworkTransport.SetMinOutgoingBitrateAsync"/>, if any.</summary>
    public long? MinOutgoingBitrate { get; init; }

    /// <summary>Packet loss of received RTP, 0–1, if known.</summary>
    public double? RtpPacketLossReceived { get; init; }

    /// <summary>Packet loss of sent RTP, 0–1, if known.</summary>
    public double? RtpPacketLossSent { get; init; }
}
