using System.Text;
using RxMediasoup.Protocol;
using Event = FBS.Notification.Event;
using FbsDataConsumer = FBS.DataConsumer;
using FbsDataProducer = FBS.DataProducer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Tests.Protocol;

/// <summary>TRANSPORT_PRODUCE_DATA / TRANSPORT_CONSUME_DATA and the data producer's and data consumer's messages.</summary>
public class DataProtocolTests
{
    private static readonly SctpStreamParameters Unordered = new() { StreamId = 12, Ordered = false, MaxRetransmits = 4 };

    [Fact]
    public async Task ProduceDataCarriesEveryFieldAndParsesTheDump()
    {
        using var peer = new ProtocolPeer();
        var data = new ProduceDataRequestData("dp-1", DataProducerType.Sctp, Unordered, "chat", "json", Paused: true);
        var task = DataProducerProtocol.ProduceDataAsync(peer.Channel, "transport-1", data, CancellationToken.None);
        var request = await peer.ExpectAsync(Method.TRANSPORT_PRODUCE_DATA, "transport-1",
            FBS.Response.BodyUnion.FromDataProducer_DumpResponse(new FbsDataProducer.DumpResponseT
            {
                Id = "dp-1",
                Type = FbsDataProducer.Type.SCTP,
                SctpStreamParameters = new FBS.SctpParameters.SctpStreamParametersT { StreamId = 12, Ordered = false, MaxRetransmits = 4 },
                Label = "chat",
                Protocol = "json",
                Paused = true,
            }));
        var body = request.Body.AsTransport_ProduceDataRequest();
        Assert.Equal("dp-1", body.DataProducerId);
        Assert.Equal(FbsDataProducer.Type.SCTP, body.Type);
        Assert.Equal((ushort)12, body.SctpStreamParameters.StreamId);
        Assert.False(body.SctpStreamParameters.Ordered);
        Assert.Equal((ushort?)4, body.SctpStreamParameters.MaxRetransmits);
        Assert.Null(body.SctpStreamParameters.MaxPacketLifeTime);
        Assert.Equal("chat", body.Label);
        Assert.Equal("json", body.Protocol);
        Assert.True(body.Paused);
        Assert.Equal(new DataProducerDump
        {
            Id = "dp-1",
            Type = DataProducerType.Sctp,
            SctpStreamParameters = Unordered,
            Label = "chat",
            Protocol = "json",
            Paused = true,
        }, await task);
    }

    [Fact]
    public void DirectProduceDataHasNoSctpParametersAndEmptyStrings()
    {
        var data = new ProduceDataRequestData("dp-2", DataProducerType.Direct, null);
        var r = Fbs.Root(b => DataProducerProtocol.WriteProduceDataRequest(b, data).Value, FBS.Transport.ProduceDataRequest.GetRootAsProduceDataRequest);
        Assert.Equal(FbsDataProducer.Type.DIRECT, r.Type);
        Assert.Null(r.SctpStreamParameters);
        Assert.Equal("", r.Label);
        Assert.Equal("", r.Protocol);
        Assert.False(r.Paused);
    }

    [Fact]
    public async Task DataProducerSendNotificationCarriesPpidDataAndSubchannels()
    {
        using var peer = new ProtocolPeer();
        DataProducerProtocol.Send(peer.Channel, "dp-1", new DataProducerSendData(51, "hello"u8.ToArray(), [1, 65535], 7, 9));
        var n = await peer.ReadNotificationAsync();
        Assert.Equal(Event.DATAPRODUCER_SEND, n.Event);
        Assert.Equal("dp-1", n.HandlerId);
        var body = n.Body.AsDataProducer_SendNotification();
        Assert.Equal(51u, body.Ppid);
        Assert.Equal("hello"u8.ToArray(), body.Data);
        Assert.Equal([(ushort)1, (ushort)65535], body.Subchannels);
        Assert.Equal((ushort?)7, body.RequiredSubchannel);
        Assert.Equal((ushort?)9, body.IgnoredSubchannel);

        DataProducerProtocol.Send(peer.Channel, "dp-1", new DataProducerSendData(53, new byte[] { 9 }));
        var plain = (await peer.ReadNotificationAsync()).Body.AsDataProducer_SendNotification();
        Assert.Empty(plain.Subchannels); // always written, like mediasoup
        Assert.Null(plain.RequiredSubchannel);
        Assert.Null(plain.IgnoredSubchannel);
    }

    [Fact]
    public void PayloadFollowsMediasoupsPpidRules()
    {
        var (ppid, payload) = DataProducerProtocol.Payload("héllo");
        Assert.Equal(51u, ppid);
        Assert.Equal(Encoding.UTF8.GetBytes("héllo"), payload.ToArray());
        (ppid, payload) = DataProducerProtocol.Payload("");
        Assert.Equal(56u, ppid);
        Assert.Equal(" "u8.ToArray(), payload.ToArray());
        (ppid, payload) = DataProducerProtocol.Payload(new byte[] { 1, 2 });
        Assert.Equal(53u, ppid);
        Assert.Equal(new byte[] { 1, 2 }, payload.ToArray());
        (ppid, payload) = DataProducerProtocol.Payload(ReadOnlyMemory<byte>.Empty);
        Assert.Equal(57u, ppid);
        Assert.Equal(new byte[1], payload.ToArray());
        (ppid, payload) = DataProducerProtocol.Payload("x", 57);
        Assert.Equal(57u, ppid);
        Assert.Equal(new byte[1], payload.ToArray());
        (ppid, payload) = DataProducerProtocol.Payload("x", 1234);
        Assert.Equal(1234u, ppid);
        Assert.Equal("x"u8.ToArray(), payload.ToArray());
    }

    [Fact]
    public async Task DataProducerStatsAndBodilessRequests()
    {
        using var peer = new ProtocolPeer();
        var stats = DataProducerProtocol.GetStatsAsync(peer.Channel, "dp-1", CancellationToken.None);
        await peer.ExpectAsync(Method.DATAPRODUCER_GET_STATS, "dp-1", FBS.Response.BodyUnion.FromDataProducer_GetStatsResponse(
            new FbsDataProducer.GetStatsResponseT
            {
                Timestamp = 123, Label = "chat", Protocol = "json", MessagesReceived = 4, BytesReceived = 50, BufferedAmount = 6,
            }));
        Assert.Equal(new DataProducerStats
        {
            Timestamp = 123, Label = "chat", Protocol = "json", MessagesReceived = 4, BytesReceived = 50, BufferedAmount = 6,
        }, await stats);

        var pause = DataProducerProtocol.PauseAsync(peer.Channel, "dp-1", null, CancellationToken.None);
        Assert.Equal(FBS.Request.Body.NONE, (await peer.ExpectAsync(Method.DATAPRODUCER_PAUSE, "dp-1")).Body.Type);
        await pause;
        var resume = DataProducerProtocol.ResumeAsync(peer.Channel, "dp-1", null, CancellationToken.None);
        await peer.ExpectAsync(Method.DATAPRODUCER_RESUME, "dp-1");
        await resume;
        var close = DataProducerProtocol.CloseAsync(peer.Channel, "transport-1", "dp-1", CancellationToken.None);
        Assert.Equal("dp-1", (await peer.ExpectAsync(Method.TRANSPORT_CLOSE_DATAPRODUCER, "transport-1"))
            .Body.AsTransport_CloseDataProducerRequest().DataProducerId);
        await close;
    }

    private static FbsDataConsumer.DumpResponseT ConsumerDump() => new()
    {
        Id = "dc-1",
        DataProducerId = "dp-1",
        Type = FbsDataConsumer.Type.SCTP,
        SctpStreamParameters = new FBS.SctpParameters.SctpStreamParametersT { StreamId = 3, Ordered = true },
        Label = "chat",
        Protocol = "json",
        BufferedAmount = 10,
        BufferedAmountLowThreshold = 20,
        Paused = true,
        DataProducerPaused = true,
        Subchannels = [1, 2, 3],
    };

    [Fact]
    public async Task ConsumeDataCarriesEveryFieldAndParsesTheDump()
    {
        using var peer = new ProtocolPeer();
        var data = new ConsumeDataRequestData("dc-1", "dp-1", DataConsumerType.Sctp,
            new SctpStreamParameters { StreamId = 3, Ordered = true }, "chat", "json", Paused: true, Subchannels: [1, 2, 3]);
        var task = DataConsumerProtocol.ConsumeDataAsync(peer.Channel, "transport-1", data, CancellationToken.None);
        var request = await peer.ExpectAsync(Method.TRANSPORT_CONSUME_DATA, "transport-1",
            FBS.Response.BodyUnion.FromDataConsumer_DumpResponse(ConsumerDump()));
        var body = request.Body.AsTransport_ConsumeDataRequest();
        Assert.Equal("dc-1", body.DataConsumerId);
        Assert.Equal("dp-1", body.DataProducerId);
        Assert.Equal(FbsDataConsumer.Type.SCTP, body.Type);
        Assert.Equal((ushort)3, body.SctpStreamParameters.StreamId);
        Assert.True(body.SctpStreamParameters.Ordered);
        Assert.Equal("chat", body.Label);
        Assert.Equal("json", body.Protocol);
        Assert.True(body.Paused);
        Assert.Equal([(ushort)1, (ushort)2, (ushort)3], body.Subchannels);
        Assert.Equal(new DataConsumerDump
        {
            Id = "dc-1",
            DataProducerId = "dp-1",
            Type = DataConsumerType.Sctp,
            SctpStreamParameters = new SctpStreamParameters { StreamId = 3, Ordered = true },
            Label = "chat",
            Protocol = "json",
            BufferedAmount = 10,
            BufferedAmountLowThreshold = 20,
            Paused = true,
            DataProducerPaused = true,
            Subchannels = [1, 2, 3],
        }, await task);
    }

    [Fact]
    public void DirectConsumeDataHasNoSctpParametersAndAnEmptySubchannelList()
    {
        var data = new ConsumeDataRequestData("dc-2", "dp-2", DataConsumerType.Direct, null);
        var r = Fbs.Root(b => DataConsumerProtocol.WriteConsumeDataRequest(b, data).Value, FBS.Transport.ConsumeDataRequest.GetRootAsConsumeDataRequest).UnPack();
        Assert.Equal(FbsDataConsumer.Type.DIRECT, r.Type);
        Assert.Null(r.SctpStreamParameters);
        Assert.Empty(r.Subchannels);
        Assert.False(r.Paused);

        var dump = ConsumerDump();
        dump.Type = FbsDataConsumer.Type.DIRECT;
        dump.SctpStreamParameters = null;
        var parsed = DataConsumerProtocol.ParseDumpResponse(Fbs.Response(FBS.Response.BodyUnion.FromDataConsumer_DumpResponse(dump)));
        Assert.Equal(DataConsumerType.Direct, parsed.Type);
        Assert.Null(parsed.SctpStreamParameters);
    }

    [Fact]
    public async Task DataConsumerRequests()
    {
        using var peer = new ProtocolPeer();

        var threshold = DataConsumerProtocol.SetBufferedAmountLowThresholdAsync(peer.Channel, "dc-1", 4096, null, CancellationToken.None);
        Assert.Equal(4096u, (await peer.ExpectAsync(Method.DATACONSUMER_SET_BUFFERED_AMOUNT_LOW_THRESHOLD, "dc-1"))
            .Body.AsDataConsumer_SetBufferedAmountLowThresholdRequest().Threshold);
        await threshold;

        var buffered = DataConsumerProtocol.GetBufferedAmountAsync(peer.Channel, "dc-1", CancellationToken.None);
        await peer.ExpectAsync(Method.DATACONSUMER_GET_BUFFERED_AMOUNT, "dc-1", FBS.Response.BodyUnion.FromDataConsumer_GetBufferedAmountResponse(
            new FbsDataConsumer.GetBufferedAmountResponseT { BufferedAmount = 777 }));
        Assert.Equal(777, await buffered);

        var send = DataConsumerProtocol.SendAsync(peer.Channel, "dc-1", 53, new byte[] { 1, 2, 3 }, CancellationToken.None);
        var sendBody = (await peer.ExpectAsync(Method.DATACONSUMER_SEND, "dc-1", FBS.Response.BodyUnion.FromDataConsumer_SendResponse(
            new FbsDataConsumer.SendResponseT { BufferedAmount = 3 }))).Body.AsDataConsumer_SendRequest();
        Assert.Equal(53u, sendBody.Ppid);
        Assert.Equal(new byte[] { 1, 2, 3 }, sendBody.Data);
        Assert.Equal(3, await send);

        IReadOnlyList<int>? applied = null;
        var set = DataConsumerProtocol.SetSubchannelsAsync(peer.Channel, "dc-1", [5, 6], r => applied = r, CancellationToken.None);
        Assert.Equal([(ushort)5, (ushort)6], (await peer.ExpectAsync(Method.DATACONSUMER_SET_SUBCHANNELS, "dc-1",
            FBS.Response.BodyUnion.FromDataConsumer_SetSubchannelsResponse(new FbsDataConsumer.SetSubchannelsResponseT { Subchannels = [5, 6] })))
            .Body.AsDataConsumer_SetSubchannelsRequest().Subchannels);
        Assert.Equal([5, 6], await set);
        Assert.Equal([5, 6], applied);

        var add = DataConsumerProtocol.AddSubchannelAsync(peer.Channel, "dc-1", 7, null, CancellationToken.None);
        Assert.Equal((ushort)7, (await peer.ExpectAsync(Method.DATACONSUMER_ADD_SUBCHANNEL, "dc-1",
            FBS.Response.BodyUnion.FromDataConsumer_AddSubchannelResponse(new FbsDataConsumer.AddSubchannelResponseT { Subchannels = [5, 6, 7] })))
            .Body.AsDataConsumer_AddSubchannelRequest().Subchannel);
        Assert.Equal([5, 6, 7], await add);

        var remove = DataConsumerProtocol.RemoveSubchannelAsync(peer.Channel, "dc-1", 5, null, CancellationToken.None);
        Assert.Equal((ushort)5, (await peer.ExpectAsync(Method.DATACONSUMER_REMOVE_SUBCHANNEL, "dc-1",
            FBS.Response.BodyUnion.FromDataConsumer_RemoveSubchannelResponse(new FbsDataConsumer.RemoveSubchannelResponseT { Subchannels = [6, 7] })))
            .Body.AsDataConsumer_RemoveSubchannelRequest().Subchannel);
        Assert.Equal([6, 7], await remove);

        var stats = DataConsumerProtocol.GetStatsAsync(peer.Channel, "dc-1", CancellationToken.None);
        await peer.ExpectAsync(Method.DATACONSUMER_GET_STATS, "dc-1", FBS.Response.BodyUnion.FromDataConsumer_GetStatsResponse(
            new FbsDataConsumer.GetStatsResponseT { Timestamp = 5, Label = "l", Protocol = "p", MessagesSent = 6, BytesSent = 70, BufferedAmount = 8 }));
        Assert.Equal(new DataConsumerStats { Timestamp = 5, Label = "l", Protocol = "p", MessagesSent = 6, BytesSent = 70, BufferedAmount = 8 },
            await stats);

        var dump = DataConsumerProtocol.DumpAsync(peer.Channel, "dc-1", CancellationToken.None);
        await peer.ExpectAsync(Method.DATACONSUMER_DUMP, "dc-1", FBS.Response.BodyUnion.FromDataConsumer_DumpResponse(ConsumerDump()));
        Assert.Equal("dc-1", (await dump).Id);

        var pause = DataConsumerProtocol.PauseAsync(peer.Channel, "dc-1", null, CancellationToken.None);
        await peer.ExpectAsync(Method.DATACONSUMER_PAUSE, "dc-1");
        await pause;
        var resume = DataConsumerProtocol.ResumeAsync(peer.Channel, "dc-1", null, CancellationToken.None);
        await peer.ExpectAsync(Method.DATACONSUMER_RESUME, "dc-1");
        await resume;
        var close = DataConsumerProtocol.CloseAsync(peer.Channel, "transport-1", "dc-1", CancellationToken.None);
        Assert.Equal("dc-1", (await peer.ExpectAsync(Method.TRANSPORT_CLOSE_DATACONSUMER, "transport-1"))
            .Body.AsTransport_CloseDataConsumerRequest().DataConsumerId);
        await close;
    }

    [Fact]
    public void DataConsumerNotifications()
    {
        var message = Fbs.Notification(Event.DATACONSUMER_MESSAGE, FBS.Notification.BodyUnion.FromDataConsumer_MessageNotification(
            new FbsDataConsumer.MessageNotificationT { Ppid = 51, Data = [.. "hi"u8.ToArray()] }));
        var parsed = DataConsumerProtocol.ParseMessageNotification(message).Value;
        Assert.Equal(51u, parsed.Ppid);
        Assert.Equal("hi"u8.ToArray(), parsed.Payload);

        var low = Fbs.Notification(Event.DATACONSUMER_BUFFERED_AMOUNT_LOW, FBS.Notification.BodyUnion.FromDataConsumer_BufferedAmountLowNotification(
            new FbsDataConsumer.BufferedAmountLowNotificationT { BufferedAmount = 12 }));
        Assert.Equal(12, DataConsumerProtocol.ParseBufferedAmountLowNotification(low));
    }

    [Fact]
    public void DataConsumerNotificationsParseIntoOneRecordFamily()
    {
        var parse = DataConsumerNotification.Parse;
        var message = Fbs.Notification(Event.DATACONSUMER_MESSAGE, FBS.Notification.BodyUnion.FromDataConsumer_MessageNotification(
            new FbsDataConsumer.MessageNotificationT { Ppid = 53, Data = [1, 2] }));
        var m = Assert.IsType<DataConsumerNotification.Message>(parse(Event.DATACONSUMER_MESSAGE, message));
        Assert.Equal(53u, m.Value.Ppid);
        Assert.Equal(new byte[] { 1, 2 }, m.Value.Payload);
        var low = Fbs.Notification(Event.DATACONSUMER_BUFFERED_AMOUNT_LOW, FBS.Notification.BodyUnion.FromDataConsumer_BufferedAmountLowNotification(
            new FbsDataConsumer.BufferedAmountLowNotificationT { BufferedAmount = 9 }));
        Assert.Equal(new DataConsumerNotification.BufferedAmountLow(9), parse(Event.DATACONSUMER_BUFFERED_AMOUNT_LOW, low));
        FBS.Notification.Notification Bodiless(Event e) => Fbs.Notification(e, null);
        // Bodiless notifications cost nothing: one shared record each.
        Assert.Same(DataConsumerNotification.SctpSendBufferFull.Instance,
            parse(Event.DATACONSUMER_SCTP_SENDBUFFER_FULL, Bodiless(Event.DATACONSUMER_SCTP_SENDBUFFER_FULL)));
        Assert.Same(DataConsumerNotification.DataProducerPaused.True,
            parse(Event.DATACONSUMER_DATAPRODUCER_PAUSE, Bodiless(Event.DATACONSUMER_DATAPRODUCER_PAUSE)));
        Assert.Same(DataConsumerNotification.DataProducerPaused.False,
            parse(Event.DATACONSUMER_DATAPRODUCER_RESUME, Bodiless(Event.DATACONSUMER_DATAPRODUCER_RESUME)));
        Assert.Same(DataConsumerNotification.DataProducerClose.Instance,
            parse(Event.DATACONSUMER_DATAPRODUCER_CLOSE, Bodiless(Event.DATACONSUMER_DATAPRODUCER_CLOSE)));
        Assert.Null(parse(Event.PRODUCER_SCORE, Bodiless(Event.PRODUCER_SCORE)));
    }
}
