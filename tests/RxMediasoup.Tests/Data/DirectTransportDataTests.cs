using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;

namespace RxMediasoup.Tests.Data;

/// <summary>
/// The data cases of mediasoup 3.27.1 node/lib/test/test-DirectTransport.js, plus messages through a direct transport,
/// worker-death / router-close cascades of data entities and handler-leak checks, against the real worker.
/// </summary>
public sealed class DirectTransportDataTests : IAsyncLifetime
{
    private RxMediasoup.Worker _worker = null!;
    private RxMediasoup.Router _router = null!;

    public async Task InitializeAsync()
    {
        _worker = await RxMediasoup.Worker.CreateAsync();
        _router = await _worker.CreateRouterAsync();
    }

    public async Task DisposeAsync() => await _worker.CloseAsync();

    [Fact]
    [NodeCase("test-DirectTransport.js", "dataProducer.send() succeeds")]
    public async Task DataProducerSendSucceeds()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var dataProducer = await directTransport.ProduceDataAsync(new DataProducerOptions
        {
            Label = "foo",
            Protocol = "bar",
            AppData = new Dictionary<string, object?> { ["foo"] = "bar" },
        });
        var dataConsumer = await directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });

        const int numMessages = 200;
        const int pauseSendingAtMessage = 10;
        const int resumeSendingAtMessage = 20;
        const int pauseReceivingAtMessage = 40;
        const int resumeReceivingAtMessage = 60;
        const int expectedReceivedNumMessages = numMessages
            - (resumeSendingAtMessage - pauseSendingAtMessage)
            - (resumeReceivingAtMessage - pauseReceivingAtMessage);

        long sentMessageBytes = 0, effectivelySentMessageBytes = 0, recvMessageBytes = 0;
        int numSentMessages = 0, numReceivedMessages = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = dataConsumer.Messages.Subscribe(message =>
        {
            Interlocked.Increment(ref numReceivedMessages);
            Interlocked.Add(ref recvMessageBytes, message.Payload.Length);
            int id = int.Parse(Encoding.UTF8.GetString(message.Payload));
            if (id == numMessages) done.TrySetResult();
            else if (id < numMessages / 2 && message.Ppid != 51)
                done.TrySetException(new Exception($"ppid in message with id {id} should be 51 but it is {message.Ppid}"));
            else if (id > numMessages / 2 && message.Ppid != 53)
                done.TrySetException(new Exception($"ppid in message with id {id} should be 53 but it is {message.Ppid}"));
        });

        for (int id = 1; id <= numMessages; id++)
        {
            numSentMessages++;
            if (id == pauseSendingAtMessage) await dataProducer.PauseAsync();
            else if (id == resumeSendingAtMessage) await dataProducer.ResumeAsync();
            else if (id == pauseReceivingAtMessage) await dataConsumer.PauseAsync();
            else if (id == resumeReceivingAtMessage) await dataConsumer.ResumeAsync();

            int messageSize;
            if (id < numMessages / 2)
            {
                string message = id.ToString();
                messageSize = Encoding.UTF8.GetByteCount(message);
                dataProducer.Send(message);
            }
            else
            {
                byte[] message = Encoding.UTF8.GetBytes(id.ToString());
                messageSize = message.Length;
                dataProducer.Send(message);
            }
            sentMessageBytes += messageSize;
            if (!dataProducer.Paused.Value && !dataConsumer.Paused.Value) effectivelySentMessageBytes += messageSize;
        }
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(numMessages, numSentMessages);
        Assert.Equal(expectedReceivedNumMessages, Volatile.Read(ref numReceivedMessages));
        Assert.Equal(effectivelySentMessageBytes, Interlocked.Read(ref recvMessageBytes));

        var producerStats = await dataProducer.GetStatsAsync();
        Assert.Equal(dataProducer.Label, producerStats.Label);
        Assert.Equal(dataProducer.Protocol, producerStats.Protocol);
        Assert.Equal(numMessages, producerStats.MessagesReceived);
        Assert.Equal(sentMessageBytes, producerStats.BytesReceived);
        var consumerStats = await dataConsumer.GetStatsAsync();
        Assert.Equal(dataConsumer.Label, consumerStats.Label);
        Assert.Equal(dataConsumer.Protocol, consumerStats.Protocol);
        Assert.Equal(expectedReceivedNumMessages, consumerStats.MessagesSent);
        Assert.Equal(Interlocked.Read(ref recvMessageBytes), consumerStats.BytesSent);
    }

    [Fact]
    [NodeCase("test-DirectTransport.js", "dataProducer.send() with subchannels succeeds")]
    public async Task DataProducerSendWithSubchannelsSucceeds()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var dataProducer = await directTransport.ProduceDataAsync();
        var dataConsumer1 = await directTransport.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = dataProducer.Id,
            Subchannels = [1, 11, 666],
        });
        var dataConsumer2 = await directTransport.ConsumeDataAsync(new DataConsumerOptions
        {
            DataProducerId = dataProducer.Id,
            Subchannels = [2, 22, 666],
        });
        const int expectedReceivedNumMessages1 = 7;
        const int expectedReceivedNumMessages2 = 5;
        var receivedMessages1 = new List<string>();
        var receivedMessages2 = new List<string>();
        var gate = new object();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (receivedMessages1.Count == expectedReceivedNumMessages1 && receivedMessages2.Count == expectedReceivedNumMessages2)
                done.TrySetResult();
        }
        using var s1 = dataConsumer1.Messages.Subscribe(m => { lock (gate) { receivedMessages1.Add(m.Text); Check(); } });
        using var s2 = dataConsumer2.Messages.Subscribe(m => { lock (gate) { receivedMessages2.Add(m.Text); Check(); } });

        // Must be received by dataConsumer1 and dataConsumer2.
        dataProducer.Send("both");
        dataProducer.Send("both", subchannels: [1, 2]);
        dataProducer.Send("both", subchannels: [11, 22, 33], requiredSubchannel: 666);
        // Must not be received by neither dataConsumer1 nor dataConsumer2.
        dataProducer.Send("none", subchannels: [3], requiredSubchannel: 666);
        dataProducer.Send("none", subchannels: [666], requiredSubchannel: 3);
        // Must be received by dataConsumer1.
        dataProducer.Send("dc1", subchannels: [1]);
        dataProducer.Send("dc1", subchannels: [11], requiredSubchannel: 1);
        dataProducer.Send("dc1", subchannels: [666], requiredSubchannel: 11);
        // Must be received by dataConsumer2.
        dataProducer.Send("dc2", subchannels: [666], requiredSubchannel: 2);
        // Make dataConsumer2 also subscribe to subchannel 1 (not awaited: the request precedes the next send on the channel).
        var setSubchannels = dataConsumer2.SetSubchannelsAsync([.. dataConsumer2.Subchannels, 1]);
        // Must be received by dataConsumer1 and dataConsumer2.
        dataProducer.Send("both", subchannels: [1], requiredSubchannel: 666);

        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await setSubchannels;
        lock (gate)
        {
            Assert.Equal(expectedReceivedNumMessages1, receivedMessages1.Count);
            Assert.Equal(expectedReceivedNumMessages2, receivedMessages2.Count);
            Assert.All(receivedMessages1, m => Assert.Contains(m, new[] { "both", "dc1" }));
            Assert.All(receivedMessages2, m => Assert.Contains(m, new[] { "both", "dc2" }));
        }
    }

    [Fact]
    public async Task MessagesThroughDirectTransportKeepPpidsAndPayloads()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var dataProducer = await directTransport.ProduceDataAsync(new DataProducerOptions
        {
            // Ignored on a direct transport (a warning), as in mediasoup.
            SctpStreamParameters = new SctpStreamParameters { StreamId = 1 },
        });
        Assert.Equal(DataProducerType.Direct, dataProducer.Type);
        Assert.Null(dataProducer.SctpStreamParameters);
        var dataConsumer = await directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id, Ordered = true });
        Assert.Equal(DataConsumerType.Direct, dataConsumer.Type);
        Assert.Null(dataConsumer.SctpStreamParameters);

        var received = dataConsumer.Messages.Take(5).ToList().ToTask().WaitAsync(TimeSpan.FromSeconds(5));
        dataProducer.Send("hello");
        dataProducer.Send("");
        dataProducer.Send(new byte[] { 1, 2, 3 });
        dataProducer.Send(ReadOnlyMemory<byte>.Empty);
        dataProducer.Send("custom", ppid: 1234);
        var messages = await received;

        Assert.Equal([51u, 56u, 53u, 57u, 1234u], messages.Select(m => m.Ppid));
        Assert.Equal("hello", messages[0].Text);
        Assert.True(messages[0].IsText);
        Assert.Equal("", messages[1].Text);
        Assert.Equal(" "u8.ToArray(), messages[1].Payload);
        Assert.Equal(new byte[] { 1, 2, 3 }, messages[2].Payload);
        Assert.False(messages[2].IsText);
        Assert.Equal(new byte[] { 0 }, messages[3].Payload);
        Assert.Equal("custom", Encoding.UTF8.GetString(messages[4].Payload));
        // Payloads are distinct arrays the subscriber may keep.
        Assert.NotSame(messages[0].Payload, messages[4].Payload);

        Assert.Throws<ArgumentOutOfRangeException>(() => dataProducer.Send("x", subchannels: [65536]));
        Assert.Throws<ArgumentOutOfRangeException>(() => dataProducer.Send("x", requiredSubchannel: -1));
        Assert.Equal("ignoredSubchannel",
            Assert.Throws<ArgumentOutOfRangeException>(() => dataProducer.Send(new byte[] { 1 }, ignoredSubchannel: 65536)).ParamName);
        // Buffered amount commands are SCTP-only in the worker.
        await Assert.ThrowsAsync<ArgumentException>(() => dataConsumer.GetBufferedAmountAsync());
    }

    [Fact]
    public async Task DataProducerCloseClosesItsDataConsumersAndNothingLeaks()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var dataProducer = await directTransport.ProduceDataAsync();
        var dataConsumer1 = await directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var dataConsumer2 = await directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var changes = new List<IEntityChangeSet<DataConsumer, string>>();
        var subscriptions = new List<IDisposable>
        {
            directTransport.DataConsumers.Connect().Subscribe(changes.Add),
            dataConsumer1.Messages.Subscribe(_ => { }),
            dataConsumer1.Paused.Subscribe(_ => { }),
            dataConsumer1.DataProducerPaused.Subscribe(_ => { }),
            dataConsumer1.BufferedAmountLow.Subscribe(_ => { }),
            dataConsumer1.SctpSendBufferFull.Subscribe(_ => { }),
            dataProducer.Paused.Subscribe(_ => { }),
        };
        var closed1 = dataConsumer1.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        var closed2 = dataConsumer2.Closed.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        await dataProducer.CloseAsync();
        Assert.Equal(CloseReason.DataProducerClosed, await closed1);
        Assert.Equal(CloseReason.DataProducerClosed, await closed2);
        Assert.Empty(directTransport.DataConsumers.Items);
        Assert.Equal(2, changes.Sum(c => c.Removes));
        Assert.Equal(0, dataConsumer1.SubscriberCount);
        Assert.Equal(0, dataProducer.SubscriberCount);
        await Assert.ThrowsAsync<NotFoundException>(
            () => directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id }));

        foreach (var s in subscriptions) s.Dispose();
        await directTransport.CloseAsync();
        Assert.Equal(0, directTransport.DataConsumers.SubscriberCount);
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task RouterCloseAndWorkerCloseCascadeWithoutLeaks()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var webRtcTransport = await _router.CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        var dataProducer = await directTransport.ProduceDataAsync();
        var sctpDataConsumer = await webRtcTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var directDataConsumer = await directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        // 2 transports and 2 data consumers (data producers receive no notifications).
        Assert.Equal(4, _worker.Diagnostics.RegisteredHandlers);
        await _router.CloseAsync();
        Assert.Equal(CloseReason.TransportClosed, await dataProducer.Closed.FirstAsync());
        Assert.Equal(CloseReason.TransportClosed, await sctpDataConsumer.Closed.FirstAsync());
        Assert.Equal(CloseReason.TransportClosed, await directDataConsumer.Closed.FirstAsync());
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);

        var router = await _worker.CreateRouterAsync();
        var transport = await router.CreateDirectTransportAsync();
        var dataProducer2 = await transport.ProduceDataAsync();
        var dataConsumer2 = await transport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer2.Id });
        await _worker.CloseAsync();
        Assert.Equal(CloseReason.WorkerClosed, await dataProducer2.Closed.FirstAsync());
        Assert.Equal(CloseReason.WorkerClosed, await dataConsumer2.Closed.FirstAsync());
        await Assert.ThrowsAsync<WorkerClosedException>(() => dataConsumer2.DumpAsync());
        Assert.Throws<WorkerClosedException>(() => dataProducer2.Send("x"));
        Assert.Equal(0, _worker.Diagnostics.RegisteredHandlers);
    }

    [Fact]
    public async Task SctpStreamIdsAreAllocatedAndReleased()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var webRtcTransport = await _router.CreateWebRtcTransportAsync(DataProducerTests.SctpOptions());
        var dataProducer = await directTransport.ProduceDataAsync();
        var c0 = await webRtcTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var c1 = await webRtcTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        Assert.Equal(0, c0.SctpStreamParameters!.StreamId);
        Assert.Equal(1, c1.SctpStreamParameters!.StreamId);
        await c0.CloseAsync();
        var c2 = await webRtcTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        Assert.Equal(2, c2.SctpStreamParameters!.StreamId);
        var dump = await webRtcTransport.DumpAsync();
        Assert.Equal(new[] { c1.Id, c2.Id }.Order(), dump.DataConsumerIds.Order());
    }

    [Fact]
    public async Task PollStatsDeliversAndCompletesOnClose()
    {
        var directTransport = await _router.CreateDirectTransportAsync();
        var dataProducer = await directTransport.ProduceDataAsync();
        var dataConsumer = await directTransport.ConsumeDataAsync(new DataConsumerOptions { DataProducerId = dataProducer.Id });
        var received = dataConsumer.Messages.FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        dataProducer.Send("abc");
        await received;
        var producerStats = await dataProducer.PollStats(TimeSpan.FromMilliseconds(50)).FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        Assert.Equal(1, producerStats.MessagesReceived);
        var consumerStats = await dataConsumer.PollStats(TimeSpan.FromMilliseconds(50)).FirstAsyncOrTimeout(TimeSpan.FromSeconds(2));
        Assert.Equal(1, consumerStats.MessagesSent);
        Assert.Equal(3, consumerStats.BytesSent);

        var completed = dataConsumer.PollStats(TimeSpan.FromMilliseconds(50)).LastOrDefaultAsync().ToTask();
        await dataConsumer.CloseAsync();
        await completed.WaitAsync(TimeSpan.FromSeconds(2));
    }
}
