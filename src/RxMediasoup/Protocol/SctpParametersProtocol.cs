using Google.FlatBuffers;
using Fbs = FBS.SctpParameters;

namespace RxMediasoup.Protocol;

/// <summary>SCTP parameters and SCTP stream parameters, model ⇄ FlatBuffers (mediasoup's <c>sctpParametersFbsUtils</c>).</summary>
internal static class SctpParametersProtocol
{
    public static Offset<Fbs.SctpStreamParameters> WriteStreamParameters(FlatBufferBuilder b, SctpStreamParameters parameters)
        => Fbs.SctpStreamParameters.CreateSctpStreamParameters(b,
            checked((ushort)parameters.StreamId),
            parameters.Ordered,
            parameters.MaxPacketLifeTime is { } lifeTime ? checked((ushort)lifeTime) : null,
            parameters.MaxRetransmits is { } retransmits ? checked((ushort)retransmits) : null);

    public static SctpStreamParameters ParseStreamParameters(in Fbs.SctpStreamParameters data) => new()
    {
        StreamId = data.StreamId,
        Ordered = data.Ordered,
        MaxPacketLifeTime = data.MaxPacketLifeTime,
        MaxRetransmits = data.MaxRetransmits,
    };

    /// <summary>A transport's SCTP parameters (the backwards-compatible OS/MIS/maxMessageSize filled in like mediasoup).</summary>
    public static SctpParameters ParseSctpParameters(in Fbs.SctpParameters data) => new()
    {
        Port = data.Port,
        MaxSendMessageSize = checked((int)data.MaxSendMessageSize),
        MaxReceiveMessageSize = checked((int)data.MaxReceiveMessageSize),
        SendBufferSize = checked((int)data.SendBufferSize),
        PerStreamSendQueueLimit = checked((int)data.PerStreamSendQueueLimit),
        MaxReceiverWindowBufferSize = checked((int)data.MaxReceiverWindowBufferSize),
        IsDataChannel = data.IsDataChannel,
        OutgoingStreams = 65535,
        MaxIncomingStreams = 65535,
        MaxMessageSize = checked((int)data.MaxReceiveMessageSize),
    };
}
