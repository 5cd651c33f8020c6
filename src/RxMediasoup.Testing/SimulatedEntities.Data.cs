namespace RxMediasoup.Testing;

internal sealed class SimDataProducer(string id, SimTransport transport, FBS.Transport.ProduceDataRequestT request,
    FBS.SctpParameters.SctpStreamParametersT? sctp)
{
    public string Id { get; } = id;
    public SimTransport Transport { get; } = transport;
    public FBS.Transport.ProduceDataRequestT Request { get; } = request;
    public FBS.SctpParameters.SctpStreamParametersT? Sctp { get; } = sctp;
    public bool Paused { get; set; } = request.Paused;
    public List<SimDataConsumer> Consumers { get; } = [];
    public ulong MessagesReceived { get; set; }
    public ulong BytesReceived { get; set; }
}

internal sealed class SimDataConsumer(string id, SimTransport transport, SimDataProducer producer, FBS.Transport.ConsumeDataRequestT request,
    FBS.SctpParameters.SctpStreamParametersT? sctp)
{
    public string Id { get; } = id;
    public SimTransport Transport { get; } = transport;
    public SimDataProducer Producer { get; } = producer;
    public FBS.Transport.ConsumeDataRequestT Request { get; } = request;
    public FBS.SctpParameters.SctpStreamParametersT? Sctp { get; } = sctp;
    public bool Paused { get; set; } = request.Paused;
    public bool DataProducerPaused { get; set; }
    public ulong MessagesSent { get; set; }
    public ulong BytesSent { get; set; }
    public uint BufferedAmountLowThreshold { get; set; } = transport.Options.SctpDefaultStreamBufferedAmountLowThreshold;
    public DenseSet Subchannels { get; } = new(request.Subchannels ?? []);
}

/// <summary>
/// ankerl::unordered_dense::set's order, which the worker's subchannel lists follow: insertion order, and an erased
/// element's place taken by the last one.
/// </summary>
internal sealed class DenseSet : IEnumerable<ushort>
{
    private readonly List<ushort> _items = [];

    public DenseSet(IEnumerable<ushort> items)
    {
        foreach (ushort item in items) Add(item);
    }

    public void Add(ushort item)
    {
        if (!_items.Contains(item)) _items.Add(item);
    }

    public void Remove(ushort item)
    {
        int index = _items.IndexOf(item);
        if (index < 0) return;
        _items[index] = _items[^1];
        _items.RemoveAt(_items.Count - 1);
    }

    public void Clear() => _items.Clear();

    public IEnumerator<ushort> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
