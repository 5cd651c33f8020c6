namespace RxMediasoup.Testing;

/// <summary>A failure the simulated worker answers with, as mediasoup-worker does: <c>Error</c> or <c>TypeError</c> and a reason.</summary>
internal sealed class SimulatedError(string reason, bool isTypeError = false, string? error = null) : Exception(reason)
{
    public string Error => error ?? (isTypeError ? "TypeError" : "Error");

    /// <summary>MS_THROW_NOT_FOUND_ERROR: answered with the error kind <c>NotFoundError</c>.</summary>
    public static SimulatedError NotFound(string reason) => new(reason, error: "NotFoundError");
}

internal sealed class SimRouter(string id)
{
    public string Id { get; } = id;
    public Dictionary<string, SimTransport> Transports { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SimRtpObserver> RtpObservers { get; } = new(StringComparer.Ordinal);
}

internal enum SimTransportKind { WebRtc, Plain, Direct, Pipe }

internal sealed class SimTransport(string id, SimRouter router, SimTransportKind kind)
{
    public string Id { get; } = id;
    public SimRouter Router { get; } = router;
    public SimTransportKind Kind { get; } = kind;
    public bool Connected { get; set; }
    public List<FBS.WebRtcTransport.IceCandidateT> IceCandidates { get; } = [];
    public string UsernameFragment { get; set; } = "";
    public string? OldUsernameFragment { get; set; }
    public string Password { get; set; } = "";
    public FBS.WebRtcTransport.DtlsRole DtlsRole { get; set; } = FBS.WebRtcTransport.DtlsRole.AUTO;
    public bool RtcpMux { get; init; }
    public bool Comedia { get; init; }
    public FBS.Transport.TupleT? Tuple { get; init; }
    public FBS.Transport.TupleT? RtcpTuple { get; init; }
    public Dictionary<string, SimProducer> Producers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SimConsumer> Consumers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> MidTable { get; } = new(StringComparer.Ordinal);
    public Dictionary<uint, string> SsrcTable { get; } = [];
    public Dictionary<string, string> RidTable { get; } = new(StringComparer.Ordinal);
    public List<FBS.Transport.TraceEventType> TraceEventTypes { get; set; } = [];
    public List<(FBS.Transport.Protocol, string, ushort)> Ports { get; } = [];
    public ulong MaxIncomingBitrate { get; set; }
    public ulong MaxOutgoingBitrate { get; set; }
    public ulong MinOutgoingBitrate { get; set; }
    public Dictionary<uint, string> ConsumerSsrcs { get; } = [];
    public Dictionary<uint, string> ConsumerRtxSsrcs { get; } = [];
    public FBS.Transport.RecvRtpHeaderExtensionsT RecvHeaderExtensions { get; } = new();
    public FBS.Transport.OptionsT Options { get; init; } = new() { MaxSendMessageSize = 262144, MaxReceiveMessageSize = 262144 };
    public Dictionary<string, SimDataProducer> DataProducers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, SimDataConsumer> DataConsumers { get; } = new(StringComparer.Ordinal);
    public SimWebRtcServer? Server { get; set; }
    public FBS.SrtpParameters.SrtpParametersT? Srtp { get; set; }
    public bool Rtx { get; init; }
}

internal sealed class SimProducer(string id, SimTransport transport, FBS.Transport.ProduceRequestT request, FBS.RtpParameters.Type type)
{
    public string Id { get; } = id;
    public SimTransport Transport { get; } = transport;
    public FBS.Transport.ProduceRequestT Request { get; } = request;
    public FBS.RtpParameters.Type Type { get; } = type;
    public bool Paused { get; set; } = request.Paused;
    public List<SimConsumer> Consumers { get; } = [];
    public List<FBS.Producer.TraceEventType> TraceEventTypes { get; set; } = [];
    public long PacketsReceived { get; set; }
    public long BytesReceived { get; set; }
    public int EncodingCount => Math.Max(1, Request.RtpParameters?.Encodings?.Count ?? 1);
}

internal sealed class SimConsumer(string id, SimTransport transport, SimProducer producer, FBS.Transport.ConsumeRequestT request)
{
    public List<FBS.Consumer.TraceEventType> TraceEventTypes { get; set; } = [];
    public long PacketsSent { get; set; }
    public byte Priority { get; set; } = 1;
    public long BytesSent { get; set; }
    public string Id { get; } = id;
    public SimTransport Transport { get; } = transport;
    public SimProducer Producer { get; } = producer;
    public FBS.Transport.ConsumeRequestT Request { get; } = request;
    public bool Paused { get; set; } = request.Paused;
    public bool ProducerPaused { get; set; } = producer.Paused;
    public FBS.Consumer.ConsumerLayersT? PreferredLayers { get; set; }
    public bool IsLayered => Request.Type is FBS.RtpParameters.Type.SIMULCAST or FBS.RtpParameters.Type.SVC;

    /// <summary>The highest spatial and temporal layers of the consumable encodings (as the worker reads the scalability mode).</summary>
    public (byte Spatial, byte Temporal) MaxLayers()
    {
        var encodings = Request.ConsumableRtpEncodings ?? [];
        var (spatial, temporal) = ScalabilityMode(encodings.FirstOrDefault()?.ScalabilityMode);
        if (Request.Type == FBS.RtpParameters.Type.SIMULCAST) spatial = Math.Max(1, encodings.Count);
        return ((byte)(spatial - 1), (byte)(temporal - 1));
    }

    /// <summary>"L3T3", "S2T3_KEY"... → (spatial, temporal) layer counts; (1, 1) when absent or unreadable.</summary>
    public static (int Spatial, int Temporal) ScalabilityMode(string? mode)
    {
        if (string.IsNullOrEmpty(mode) || mode.Length < 4 || (mode[0] != 'L' && mode[0] != 'S')) return (1, 1);
        int t = mode.IndexOf('T', StringComparison.Ordinal);
        if (t < 2 || !int.TryParse(mode.AsSpan(1, t - 1), out int spatial)) return (1, 1);
        int end = t + 1;
        while (end < mode.Length && char.IsDigit(mode[end])) end++;
        return int.TryParse(mode.AsSpan(t + 1, end - t - 1), out int temporal) ? (spatial, temporal) : (spatial, 1);
    }
}
