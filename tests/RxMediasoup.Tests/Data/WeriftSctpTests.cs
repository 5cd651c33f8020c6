using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;

namespace RxMediasoup.Tests.Data;

/// <summary>
/// Port of mediasoup 3.27.1 node/lib/test/test-werift-sctp.js: a real SCTP peer (werift-sctp in Node, see
/// <see cref="SctpPeer"/>) associates over loopback UDP with a PlainTransport (comedia, SCTP enabled).
/// </summary>
public sealed class WeriftSctpTests : IAsyncLifetime
{
    private const int SctpSendStreamId = 123;
    private const uint PpidString = 51;
    private const uint PpidBinary = 53;

    private RxMediasoup.Worker _worker = null!;
    private PlainTransport _plainTransport = null!;
    private DataProducer _dataProducer = null!;
    private DataConsumer _dataConsumer = null!;
    private SctpPeer? _peer;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        var router = await _worker.CreateRouterAsync();
        _plainTransport = await router.CreatePlainTransportAsync(new PlainTransportOptions
        {
            ListenInfo = new ListenInfo { Protocol = TransportProtocol.Udp, Ip = "127.0.0.1" },
            // So ConnectAsync is not needed.
            Comedia = true,
            EnableSctp = true,
        });
        var sctpConnected = _plainTransport.SctpState
            .Do(s => { if (s is SctpState.Failed or SctpState.Closed) throw new InvalidOperationException($"SCTP {s} in the PlainTransport"); })
            .FirstAsync(s => s == SctpState.Connected).ToTask();
        var tuple = await _plainTransport.Tuple.FirstAsync();
        _peer = SctpPeer.Start(tuple.LocalAddress, tuple.LocalPort);

        // A data producer on the SCTP stream the peer sends on.
        _dataProducer = await _plainTransport.ProduceDataAsync(new DataProducerOptions
        {
            SctpStreamParameters = new SctpStreamParameters { StreamId = SctpSendStreamId, Ordered = true },
            Label = "node-sctp",
            Protocol = "foo & bar 😀😀😀",
        });
        // A data consumer that sends the data producer's messages back to the peer over the same transport.
        _dataConsumer = await _plainTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = _dataProducer.Id });

        // Both ends connected, or a timeout.
        try
        {
            await Task.WhenAll(_peer.Connected, sctpConnected).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"SCTP connection timeout: peer connected {_peer.Connected.IsCompletedSuccessfully}, "
                + $"PlainTransport SCTP state {await _plainTransport.SctpState.FirstAsync()}, tuple {tuple}, peer stderr: {_peer.Stderr}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_peer is not null) await _peer.DisposeAsync();
        await _worker.CloseAsync();
    }

    [Fact]
    [NodeCase("test-werift-sctp.js", "SCTP state is connected")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task SctpStateIsConnected()
    {
        Assert.Equal(SctpState.Connected, await _plainTransport.SctpState.FirstAsync());
        var expected = new SctpNegotiatedCapabilities { NegotiatedMaxOutboundStreams = 65535, NegotiatedMaxInboundStreams = 65535 };
        Assert.Equal(expected, await _plainTransport.SctpNegotiatedCapabilities.FirstAsync(c => c is not null).Timeout(TimeSpan.FromSeconds(2)));
        Assert.True((await _peer!.Connected).GetProperty("established").GetBoolean());
        var dump = await _plainTransport.DumpAsync();
        Assert.Equal(SctpState.Connected, dump.SctpState);
        Assert.Equal(expected, dump.SctpNegotiatedCapabilities);
    }

    [Fact]
    [NodeCase("test-werift-sctp.js", "ordered DataProducer delivers all SCTP messages to the DataConsumer")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task OrderedDataProducerDeliversAllMessages()
    {
        const int numMessages = 200;
        long sentMessageBytes = 0, recvMessageBytes = 0;
        int numSentMessages = 0, numReceivedMessages = 0;
        // It must be zero because it's the first DataConsumer on the plainTransport.
        Assert.Equal(0, _dataConsumer.SctpStreamParameters!.StreamId);

        for (int id = 1; id <= numMessages; id++)
        {
            numSentMessages++;
            byte[] data = Encoding.UTF8.GetBytes(id.ToString());
            await _peer!.SendAsync(SctpSendStreamId, id < numMessages / 2 ? PpidString : PpidBinary, data);
            sentMessageBytes += data.Length;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (numReceivedMessages < numMessages)
        {
            var (streamId, ppid, data) = await _peer!.Messages.ReadAsync(timeout.Token);
            // The first SCTP incoming stream of the peer (the first data consumer).
            Assert.Equal(0, streamId);
            numReceivedMessages++;
            recvMessageBytes += data.Length;
            int id = int.Parse(Encoding.UTF8.GetString(data));
            Assert.Equal(numReceivedMessages, id);
            if (id < numMessages / 2) Assert.Equal(PpidString, ppid);
            else if (id > numMessages / 2) Assert.Equal(PpidBinary, ppid);
        }

        Assert.Equal(numMessages, numSentMessages);
        Assert.Equal(numMessages, numReceivedMessages);
        Assert.Equal(sentMessageBytes, recvMessageBytes);
        var producerStats = await _dataProducer.GetStatsAsync();
        Assert.Equal(_dataProducer.Label, producerStats.Label);
        Assert.Equal(_dataProducer.Protocol, producerStats.Protocol);
        Assert.Equal(numMessages, producerStats.MessagesReceived);
        Assert.Equal(sentMessageBytes, producerStats.BytesReceived);
        var consumerStats = await _dataConsumer.GetStatsAsync();
        Assert.Equal(_dataConsumer.Label, consumerStats.Label);
        Assert.Equal(_dataConsumer.Protocol, consumerStats.Protocol);
        Assert.Equal(numMessages, consumerStats.MessagesSent);
        Assert.Equal(recvMessageBytes, consumerStats.BytesSent);
        Assert.Equal(0, await _dataConsumer.GetBufferedAmountAsync());
    }

    [Fact]
    [NodeCase("test-werift-sctp.js", "can send messages from the SCTP DataConsumer")]
    [Trait(TestWorkerMode.Backend, TestWorkerMode.RealOnly), Trait(TestWorkerMode.RealOnlyCategory, RealOnlyCategories.Media)]
    public async Task CanSendFromSctpDataConsumer()
    {
        Assert.Equal(0, await _dataConsumer.GetBufferedAmountAsync());
        // Sent straight from the data consumer; it returns the current buffered amount, 0 bytes.
        Assert.Equal(0, await _dataConsumer.SendAsync("foo"));
        // And the peer really receives it, on the data consumer's stream.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var (streamId, ppid, data) = await _peer!.Messages.ReadAsync(timeout.Token);
        Assert.Equal(0, streamId);
        Assert.Equal(PpidString, ppid);
        Assert.Equal("foo", Encoding.UTF8.GetString(data));
        // The buffered-amount-low threshold is accepted on an SCTP data consumer.
        await _dataConsumer.SetBufferedAmountLowThresholdAsync(1000);
        Assert.Equal(1000, (await _dataConsumer.DumpAsync()).BufferedAmountLowThreshold);
    }
}
