using System.Text;
using Google.FlatBuffers;
using RxMediasoup.Channel;
using static RxMediasoup.Protocol.ProtocolHelpers;
using FbsDataProducer = FBS.DataProducer;
using Method = FBS.Request.Method;

namespace RxMediasoup.Protocol;

/// <summary>Everything a TRANSPORT_PRODUCE_DATA request carries (mediasoup's <c>createProduceDataRequest</c>).</summary>
/// <param name="DataProducerId">The new data producer's id.</param>
/// <param name="Type">SCTP, or direct on a direct transport.</param>
/// <param name="SctpStreamParameters">The validated SCTP stream parameters (SCTP only).</param>
/// <param name="Label">The DataChannel label.</param>
/// <param name="Protocol">The DataChannel sub-protocol.</param>
/// <param name="Paused">Whether the data producer starts paused.</param>
internal sealed record ProduceDataRequestData(
    string DataProducerId,
    DataProducerType Type,
    SctpStreamParameters? SctpStreamParameters,
    string Label = "",
    string Protocol = "",
    bool Paused = false);

/// <summary>A DATAPRODUCER_SEND notification body.</summary>
/// <param name="Ppid">The SCTP payload protocol id (see <see cref="DataProducerProtocol.Payload(string, uint?)"/>).</param>
/// <param name="Data">The message.</param>
/// <param name="Subchannels">Only data consumers subscribed to one of these receive it (none: all).</param>
/// <param name="RequiredSubchannel">Only data consumers subscribed to this one receive it.</param>
/// <param name="IgnoredSubchannel">Data consumers subscribed to this one do not receive it (mediasoup 3.27+).</param>
internal readonly record struct DataProducerSendData(
    uint Ppid,
    ReadOnlyMemory<byte> Data,
    IReadOnlyList<int>? Subchannels = null,
    int? RequiredSubchannel = null,
    int? IgnoredSubchannel = null);

/// <summary>Requests, notifications and responses of data producers (handler: the transport for produce/close, else the data producer).</summary>
internal static class DataProducerProtocol
{
    /// <summary>WebRTC String (PPID 51).</summary>
    public const uint PpidString = 51;

    /// <summary>WebRTC Binary (PPID 53).</summary>
    public const uint PpidBinary = 53;

    /// <summary>WebRTC String Empty (PPID 56).</summary>
    public const uint PpidStringEmpty = 56;

    /// <summary>WebRTC Binary Empty (PPID 57).</summary>
    public const uint PpidBinaryEmpty = 57;

    // ---------------------------------------------------------------------------------------------
    // Requests
    // ---------------------------------------------------------------------------------------------

    /// <summary>TRANSPORT_PRODUCE_DATA on <paramref name="transportId"/>; the worker answers with the data producer's dump.</summary>
    public static Task<DataProducerDump> ProduceDataAsync(WorkerChannel channel, string transportId, ProduceDataRequestData data,
        CancellationToken cancellationToken)
        => channel.RequestAsync(Method.TRANSPORT_PRODUCE_DATA, transportId, FBS.Request.Body.Transport_ProduceDataRequest, data,
            static (b, d) => WriteProduceDataRequest(b, d).Value, ParseDumpResponse, cancellationToken);

    /// <summary>TRANSPORT_CLOSE_DATAPRODUCER on <paramref name="transportId"/>.</summary>
    public static Task CloseAsync(WorkerChannel channel, string transportId, string dataProducerId, CancellationToken cancellationToken)
        => IdRequestAsync(channel, Method.TRANSPORT_CLOSE_DATAPRODUCER, transportId, FBS.Request.Body.Transport_CloseDataProducerRequest, dataProducerId,
            static (b, id) => FBS.Transport.CloseDataProducerRequest.CreateCloseDataProducerRequest(b, id).Value, cancellationToken);

    public static Task<DataProducerDump> DumpAsync(WorkerChannel channel, string dataProducerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATAPRODUCER_DUMP, dataProducerId, ParseDumpResponse, cancellationToken);

    public static Task<DataProducerStats> GetStatsAsync(WorkerChannel channel, string dataProducerId, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATAPRODUCER_GET_STATS, dataProducerId, ParseStatsResponse, cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task PauseAsync(WorkerChannel channel, string dataProducerId, Action? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATAPRODUCER_PAUSE, dataProducerId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary><paramref name="onAccepted"/> applies the state as the worker's answer is read, in answer order.</summary>
    public static Task ResumeAsync(WorkerChannel channel, string dataProducerId, Action? onAccepted, CancellationToken cancellationToken)
        => channel.RequestAsync(Method.DATAPRODUCER_RESUME, dataProducerId, AcceptedThen(onAccepted), cancellationToken);

    /// <summary>DATAPRODUCER_SEND (a notification; no answer).</summary>
    public static void Send(WorkerChannel channel, string dataProducerId, DataProducerSendData data)
        => channel.Notify(FBS.Notification.Event.DATAPRODUCER_SEND, dataProducerId, FBS.Notification.Body.DataProducer_SendNotification,
            data, static (b, d) => WriteSendNotification(b, d).Value);

    /// <summary>
    /// mediasoup's PPID rules for a text message: 51 (String), or 56 (String Empty) with a single space as payload
    /// when empty; an explicit <paramref name="ppid"/> wins, and 56/57 still force their placeholder payloads.
    /// </summary>
    public static (uint Ppid, ReadOnlyMemory<byte> Payload) Payload(string message, uint? ppid = null)
    {
        uint p = ppid ?? (message.Length > 0 ? PpidString : PpidStringEmpty);
        return Placeholder(p) ?? (p, Encoding.UTF8.GetBytes(message));
    }

    /// <summary>mediasoup's PPID rules for a binary message: 53 (Binary), or 57 (Binary Empty) with a single zero byte when empty.</summary>
    public static (uint Ppid, ReadOnlyMemory<byte> Payload) Payload(ReadOnlyMemory<byte> message, uint? ppid = null)
    {
        uint p = ppid ?? (message.Length > 0 ? PpidBinary : PpidBinaryEmpty);
        return Placeholder(p) ?? (p, message);
    }

    private static (uint, ReadOnlyMemory<byte>)? Placeholder(uint ppid) => ppid switch
    {
        PpidStringEmpty => (ppid, " "u8.ToArray()),
        PpidBinaryEmpty => (ppid, new byte[1]),
        _ => null,
    };

    // ---------------------------------------------------------------------------------------------
    // Bodies
    // ---------------------------------------------------------------------------------------------

    public static Offset<FBS.Transport.ProduceDataRequest> WriteProduceDataRequest(FlatBufferBuilder b, ProduceDataRequestData d)
    {
        var id = b.CreateString(d.DataProducerId);
        var label = b.CreateString(d.Label);
        var protocol = b.CreateString(d.Protocol);
        var sctp = d.SctpStreamParameters is { } s ? SctpParametersProtocol.WriteStreamParameters(b, s) : default;
        return FBS.Transport.ProduceDataRequest.CreateProduceDataRequest(b, id, TypeToFbs(d.Type), sctp, label, protocol, d.Paused);
    }

    public static Offset<FbsDataProducer.SendNotification> WriteSendNotification(FlatBufferBuilder b, DataProducerSendData d)
    {
        var subchannels = FbsDataProducer.SendNotification.CreateSubchannelsVectorBlock(b, Subchannels(d.Subchannels));
        var data = FbsDataProducer.SendNotification.CreateDataVectorBlock(b, ProducerProtocol.Segment(d.Data));
        return FbsDataProducer.SendNotification.CreateSendNotification(b, d.Ppid, data, subchannels,
            d.RequiredSubchannel is { } r ? checked((ushort)r) : null,
            d.IgnoredSubchannel is { } i ? checked((ushort)i) : null);
    }

    internal static ushort[] Subchannels(IReadOnlyList<int>? subchannels)
    {
        if (subchannels is null || subchannels.Count == 0) return [];
        var result = new ushort[subchannels.Count];
        for (int i = 0; i < result.Length; i++) result[i] = checked((ushort)subchannels[i]);
        return result;
    }

    public static FbsDataProducer.Type TypeToFbs(DataProducerType type) => type switch
    {
        DataProducerType.Sctp => FbsDataProducer.Type.SCTP,
        DataProducerType.Direct => FbsDataProducer.Type.DIRECT,
        _ => throw new ArgumentException($"invalid DataProducerType: {type}", nameof(type)),
    };

    public static DataProducerType TypeFromFbs(FbsDataProducer.Type type) => type switch
    {
        FbsDataProducer.Type.SCTP => DataProducerType.Sctp,
        FbsDataProducer.Type.DIRECT => DataProducerType.Direct,
        _ => throw new InvalidDataException($"invalid data producer type from the worker: {type}"),
    };

    // ---------------------------------------------------------------------------------------------
    // Responses
    // ---------------------------------------------------------------------------------------------

    public static readonly ResponseParser<DataProducerDump> ParseDumpResponse = static (in FBS.Response.Response response)
        => ParseDump(response.BodyAsDataProducer_DumpResponse());

    public static readonly ResponseParser<DataProducerStats> ParseStatsResponse = static (in FBS.Response.Response response)
        => ParseStats(response.BodyAsDataProducer_GetStatsResponse());

    public static DataProducerDump ParseDump(in FbsDataProducer.DumpResponse d) => new()
    {
        Id = d.Id ?? string.Empty,
        Type = TypeFromFbs(d.Type),
        SctpStreamParameters = d.SctpStreamParameters is { } s ? SctpParametersProtocol.ParseStreamParameters(s) : null,
        Label = d.Label ?? string.Empty,
        Protocol = d.Protocol ?? string.Empty,
        Paused = d.Paused,
    };

    public static DataProducerStats ParseStats(in FbsDataProducer.GetStatsResponse s) => new()
    {
        Timestamp = (long)s.Timestamp,
        Label = s.Label ?? string.Empty,
        Protocol = s.Protocol ?? string.Empty,
        MessagesReceived = (long)s.MessagesReceived,
        BytesReceived = (long)s.BytesReceived,
        BufferedAmount = s.BufferedAmount,
    };
}
