using System.Text.Json;
using System.Text.Json.Serialization;

namespace RxMediasoup.BrowserTesting;

// The shapes of samples/Room's page test hooks (window.__room, documented in samples/Room/README.md).

/// <summary><c>window.__room.state()</c>.</summary>
public sealed record RoomState(
    bool Joined,
    string? RoomId,
    string? PeerId,
    int Reconnects,
    string? ActiveSpeaker,
    IReadOnlyList<RemotePeer> Peers,
    IReadOnlyList<ChatMessage> Chat)
{
    public RemotePeer? Peer(string peerId) => Peers.FirstOrDefault(p => p.PeerId == peerId);

    public override string ToString() => JsonSerializer.Serialize(this, RoomHooks.Json);
}

/// <summary>A remote peer as the page shows it.</summary>
public sealed record RemotePeer(string PeerId, bool Stalled, IReadOnlyList<RemoteConsumer> Consumers)
{
    public RemoteConsumer? Consumer(string kind) => Consumers.FirstOrDefault(c => c.Kind == kind);
}

/// <summary>One of the page's consumers, with the score and bitrate the server pushed.</summary>
public sealed record RemoteConsumer(string Id, string Kind, double? Score, double? Bitrate, bool Paused);

public sealed record ChatMessage(string From, string Text);

/// <summary><c>await window.__room.stats()</c>: the page's RTCPeerConnection.getStats(), per stream.</summary>
public sealed record PageStats(IReadOnlyList<InboundStream> Inbound, IReadOnlyList<OutboundStream> Outbound)
{
    public InboundStream? From(string peerId, string kind) => Inbound.FirstOrDefault(s => s.PeerId == peerId && s.Kind == kind);

    public override string ToString() => JsonSerializer.Serialize(this, RoomHooks.Json);
}

/// <summary>An inbound-rtp stream; <see cref="PeerId"/> is the producing peer.</summary>
public sealed record InboundStream(
    string? PeerId,
    string Kind,
    long PacketsReceived,
    long BytesReceived,
    long? FramesDecoded,
    int? FrameWidth,
    int? FrameHeight);

public sealed record OutboundStream(string Kind, long PacketsSent, long BytesSent);

public static class RoomHooks
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static T Parse<T>(string json, string what) =>
        JsonSerializer.Deserialize<T>(json, Json) ?? throw new InvalidOperationException($"{what} returned null: {json}");
}
