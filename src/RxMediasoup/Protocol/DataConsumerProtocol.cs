using Google.FlatBuffers;
using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using FbsDataConsumer = FBS.DataConsumer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Everything a TRANSPORT_CONSUME_DATA request carries (mediasoup's <c>createConsumeDataRequest</c>).</summary>
/// <param name="DataConsumerId">The new data consumer's id.</param>
/// <param name="DataProducerId">The consumed data producer's id.</param>
/// <param name="Type">SCTP, or direct on a direct transport.</param>
/// <param name="SctpStreamParameters">The SCTP stream parameters (SCTP only), with the stream id the transport allocated.</param>
/// <param name="Label">The data producer's label.</param>
/// <param name="Protocol">The data producer's sub-protocol.</param>
/// <param name="Paused">Whether the data consumer starts paused.</param>
/// <param name="Subchannels">Subchannels to subscribe to.</param>
internal sealed record ConsumeDataRequestData(
    string DataConsumerId,
    string DataProducerId,
    DataConsumerType Type,
    SctpStreamParameters? SctpStreamParameters,
    string Label = "",
    string Protocol = "",
    bool Paused = false,
    IReadOnlyList<int>? Subchannels = null);

/// <summary>Requests, notifications and responses of data consumers (handler: the transport for consume/close, else the data consumer).</summary>
internal static class DataConsumerProtocol
{
    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /// <summary>TRANSPORT_CONSUME_DATA on <paramref name="transportId"/>; the worker answers with the data consumer's dump.</summary>
    public static Task<DataConsumerDump> ConsumeDataAsync(WorkerChannel channel, string transportId, ConsumeDataRequestData data,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_CONSUME_DATA, transportId, FBS.Request.Body.Transport_ConsumeDataRequest, data,
            static (b, d) => WriteConsumeDataRequest(b, d).Value, ParseDumpResponse, cancellationToken);

    /// <summary>TRANSPORT_CLOSE_DATACONSUMER on <paramref name="transportId"/>.</summary>
    public static Task CloseAsync(WorkerChannel channel, string transportId, string dataConsumerId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.TRANSPORT_CLOSE_DATACONSUMER, transportId, FBS.Request.Body.Transport_CloseDataConsumerRequest, dataConsumerId,
            static (b, id) => FBS.Transport.CloseDataConsumerRequest.CreateCloseDataConsumerRequest(b, id).Value, cancellationToken);

    public static Task<DataConsumerDump> DumpAsync(WorkerChannel channel, string dataConsumerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_DUMP, dataConsumerId, ParseDumpResponse, cancellationToken);

    public static Task<DataConsumerStats> GetStatsAsync(WorkerChannel channel, string dataConsumerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_GET_STATS, dataConsumerId, ParseStatsResponse, cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task PauseAsync(WorkerChannel channel, string dataConsumerId, Action? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_PAUSE, dataConsumerId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task ResumeAsync(WorkerChannel channel, string dataConsumerId, Action? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_RESUME, dataConsumerId, AcceptedThen(onAccepted), cancellationToken);

    public static Task<long> GetBufferedAmountAsync(WorkerChannel channel, string dataConsumerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_GET_BUFFERED_AMOUNT, dataConsumerId, ParseBufferedAmountResponse, cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the threshold as the worker's answer is read.</summary>
    public static Task SetBufferedAmountLowThresholdAsync(WorkerChannel channel, string dataConsumerId, uint threshold, Action? onAccepted,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_SET_BUFFERED_AMOUNT_LOW_THRESHOLD, dataConsumerId,
            FBS.Request.Body.DataConsumer_SetBufferedAmountLowThresholdRequest, threshold,
            static (b, t) => FbsDataConsumer.SetBufferedAmountLowThresholdRequest.CreateSetBufferedAmountLowThresholdRequest(b, t).Value,
            AcceptedThen(onAccepted), cancellationToken);

    /// <summary>
    /// DATACONSUMER_SEND: a message straight to this data consumer (use <see cref="DataProducerProtocol.Payload(string, uint?)"/>
    /// for the PPID); completes with the buffered amount.
    /// </summary>
    public static Task<long> SendAsync(WorkerChannel channel, string dataConsumerId, uint ppid, ReadOnlyMemory<byte> data,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_SEND, dataConsumerId, FBS.Request.Body.DataConsumer_SendRequest, (ppid, data),
            static (b, s) => WriteSendRequest(b, s.ppid, s.data).Value, ParseSendResponse, cancellationToken);

    /// <summary>
    /// DATACONSUMER_SET_SUBCHANNELS; completes with the subchannels now subscribed, which <paramref name="onAccepted"/>
    /// applies as the worker's answer is read.
    /// </summary>
    public static Task<IReadOnlyList<int>> SetSubchannelsAsync(WorkerChannel channel, string dataConsumerId, IReadOnlyList<int> subchannels,
        Action<IReadOnlyList<int>>? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_SET_SUBCHANNELS, dataConsumerId, FBS.Request.Body.DataConsumer_SetSubchannelsRequest,
            subchannels, static (b, s) => WriteSetSubchannelsRequest(b, s).Value, Then(ParseSetSubchannelsResponse, onAccepted),
            cancellationToken);

    /// <summary>DATACONSUMER_ADD_SUBCHANNEL; as <see cref="SetSubchannelsAsync"/>.</summary>
    public static Task<IReadOnlyList<int>> AddSubchannelAsync(WorkerChannel channel, string dataConsumerId, int subchannel,
        Action<IReadOnlyList<int>>? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_ADD_SUBCHANNEL, dataConsumerId, FBS.Request.Body.DataConsumer_AddSubchannelRequest,
            subchannel,
            static (b, s) => FbsDataConsumer.AddSubchannelRequest.CreateAddSubchannelRequest(b, checked((ushort)s)).Value,
            Then(ParseAddSubchannelResponse, onAccepted), cancellationToken);

    /// <summary>DATACONSUMER_REMOVE_SUBCHANNEL; as <see cref="SetSubchannelsAsync"/>.</summary>
    public static Task<IReadOnlyList<int>> RemoveSubchannelAsync(WorkerChannel channel, string dataConsumerId, int subchannel,
        Action<IReadOnlyList<int>>? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATACONSUMER_REMOVE_SUBCHANNEL, dataConsumerId, FBS.Request.Body.DataConsumer_RemoveSubchannelRequest,
            subchannel,
            static (b, s) => FbsDataConsumer.RemoveSubchannelRequest.CreateRemoveSubchannelRequest(b, checked((ushort)s)).Value,
            Then(ParseRemoveSubchannelResponse, onAccepted), cancellationToken);

    /// <summary>A parser that also hands the parsed result to <paramref name="onAccepted"/> (as <see cref="AcceptedThen"/>).</summary>
    private static ResponseParser<T> Then<T>(ResponseParser<T> parse, Action<T>? onAccepted)
        => onAccepted is null ? parse : (in FBS.Response.Response response) =>
        {
            var result = parse(response);
            onAccepted(result);
            return result;
        };

    // ---------------------------------------------------------------------------------------------
    // Bodies
    // ---------------------------------------------------------------------------------------------

    public static Offset<FBS.Transport.ConsumeDataRequest> WriteConsumeDataRequest(FlatBufferBuilder b, ConsumeDataRequestData d)
    {
        var dataConsumerId = b.CreateString(d.DataConsumerId);
        var dataProducerId = b.CreateString(d.DataProducerId);
        var label = b.CreateString(d.Label);
        var protocol = b.CreateString(d.Protocol);
        var sctp = d.SctpStreamParameters is { } s ? SctpParametersProtocol.WriteStreamParameters(b, s) : default;
        var subchannels = FBS.Transport.ConsumeDataRequest.CreateSubchannelsVectorBlock(b, DataProducerProtocol.Subchannels(d.Subchannels));
        return FBS.Transport.ConsumeDataRequest.CreateConsumeDataRequest(b, dataConsumerId, dataProducerId, TypeToFbs(d.Type), sctp,
            label, protocol, d.Paused, subchannels);
    }

    public static Offset<FbsDataConsumer.SendRequest> WriteSendRequest(FlatBufferBuilder b, uint ppid, ReadOnlyMemory<byte> data)
    {
        var vector = FbsDataConsumer.SendRequest.CreateDataVectorBlock(b, ProducerProtocol.Segment(data));
        return FbsDataConsumer.SendRequest.CreateSendRequest(b, ppid, vector);
    }

    public static Offset<FbsDataConsumer.SetSubchannelsRequest> WriteSetSubchannelsRequest(FlatBufferBuilder b, IReadOnlyList<int> subchannels)
    {
        var vector = FbsDataConsumer.SetSubchannelsRequest.CreateSubchannelsVectorBlock(b, DataProducerProtocol.Subchannels(subchannels));
        return FbsDataConsumer.SetSubchannelsRequest.CreateSetSubchannelsRequest(b, vector);
    }

    public static FbsDataConsumer.Type TypeToFbs(DataConsumerType type) => type switch
    {
        DataConsumerType.Sctp => FbsDataConsumer.Type.SCTP,
        DataConsumerType.Direct => FbsDataConsumer.Type.DIRECT,
        _ => throw new ArgumentException($"invalid DataConsumerType: {type}", nameof(type)),
    };

    public static DataConsumerType TypeFromFbs(FbsDataConsumer.Type type) => type switch
    {
        FbsDataConsumer.Type.SCTP => DataConsumerType.Sctp,
        FbsDataConsumer.Type.DIRECT => DataConsumerType.Direct,
        _ => throw new InvalidDataException($"invalid data consumer type from the worker: {type}"),
    };

    // ---------------------------------------------------------------------------------------------
    // Responses
    // ---------------------------------------------------------------------------------------------

    public static readonly ResponseParser<DataConsumerDump> ParseDumpResponse = static (in FBS.Response.Response response)
        => ParseDump(response.BodyAsDataConsumer_DumpResponse());

    public static readonly ResponseParser<DataConsumerStats> ParseStatsResponse = static (in FBS.Response.Response response)
        => ParseStats(response.BodyAsDataConsumer_GetStatsResponse());

    public static readonly ResponseParser<long> ParseBufferedAmountResponse = static (in FBS.Response.Response response)
        => response.BodyAsDataConsumer_GetBufferedAmountResponse().BufferedAmount;

    public static readonly ResponseParser<long> ParseSendResponse = static (in FBS.Response.Response response)
        => response.BodyType == FBS.Response.Body.DataConsumer_SendResponse
            ? response.BodyAsDataConsumer_SendResponse().BufferedAmount
            : 0;

    public static readonly ResponseParser<IReadOnlyList<int>> ParseSetSubchannelsResponse = static (in FBS.Response.Response response) =>
    {
        var r = response.BodyAsDataConsumer_SetSubchannelsResponse();
        return Ints(r.SubchannelsLength, r.Subchannels);
    };

    public static readonly ResponseParser<IReadOnlyList<int>> ParseAddSubchannelResponse = static (in FBS.Response.Response response) =>
    {
        var r = response.BodyAsDataConsumer_AddSubchannelResponse();
        return Ints(r.SubchannelsLength, r.Subchannels);
    };

    public static readonly ResponseParser<IReadOnlyList<int>> ParseRemoveSubchannelResponse = static (in FBS.Response.Response response) =>
    {
        var r = response.BodyAsDataConsumer_RemoveSubchannelResponse();
        return Ints(r.SubchannelsLength, r.Subchannels);
    };

    public static DataConsumerDump ParseDump(in FbsDataConsumer.DumpResponse d) => new()
    {
        Id = d.Id ?? string.Empty,
        DataProducerId = d.DataProducerId ?? string.Empty,
        Type = TypeFromFbs(d.Type),
        SctpStreamParameters = d.SctpStreamParameters is { } s ? SctpParametersProtocol.ParseStreamParameters(s) : null,
        Label = d.Label ?? string.Empty,
        Protocol = d.Protocol ?? string.Empty,
        BufferedAmount = d.BufferedAmount,
        BufferedAmountLowThreshold = d.BufferedAmountLowThreshold,
        Paused = d.Paused,
        DataProducerPaused = d.DataProducerPaused,
        Subchannels = Ints(d.SubchannelsLength, d.Subchannels),
    };

    public static DataConsumerStats ParseStats(in FbsDataConsumer.GetStatsResponse s) => new()
    {
        Timestamp = (long)s.Timestamp,
        Label = s.Label ?? string.Empty,
        Protocol = s.Protocol ?? string.Empty,
        MessagesSent = (long)s.MessagesSent,
        BytesSent = (long)s.BytesSent,
        BufferedAmount = s.BufferedAmount,
    };

    private static IReadOnlyList<int> Ints(int length, Func<int, ushort> item)
    {
        var result = new int[length];
        for (int i = 0; i < length; i++) result[i] = item(i);
        return ValueList<int>.Create(result);
    }

    // ---------------------------------------------------------------------------------------------
    // Notifications (DATACONSUMER_MESSAGE, DATACONSUMER_BUFFERED_AMOUNT_LOW; the
    // DATACONSUMER_SCTP_SENDBUFFER_FULL and DATACONSUMER_DATAPRODUCER_PAUSE/RESUME/CLOSE ones have no body)
    // ---------------------------------------------------------------------------------------------

    /// <summary>DATACONSUMER_MESSAGE: the message, its payload copied out of the receive buffer.</summary>
    public static DataConsumerNotification.Message ParseMessageNotification(in FBS.Notification.Notification notification)
    {
        var n = notification.BodyAsDataConsumer_MessageNotification();
        return new DataConsumerNotification.Message(new DataMessage(n.Ppid, n.GetDataArray() ?? []));
    }

    /// <summary>DATACONSUMER_BUFFERED_AMOUNT_LOW: the buffered amount.</summary>
    public static long ParseBufferedAmountLowNotification(in FBS.Notification.Notification notification)
        => notification.BodyAsDataConsumer_BufferedAmountLowNotification().BufferedAmount;
}
