using System.Collections.Immutable;
using Orleans.Runtime;

namespace RxMediasoup.Orleans;

/// <summary>A peer of a room and the silo that serves it (the silo its signalling connection reached).</summary>
/// <param name="Id">The peer id, unique in the room.</param>
/// <param name="Silo">The silo whose routers host the peer's transports.</param>
/// <param name="DisplayName">Free text shown to other peers (optional).</param>
[GenerateSerializer, Immutable]
public sealed record RoomPeer(
    [property: Id(0)] string Id,
    [property: Id(1)] SiloAddress Silo,
    [property: Id(2)] string? DisplayName = null);

/// <summary>What a directory entry carries.</summary>
[GenerateSerializer]
public enum RoomProducerKind
{
    /// <summary>An audio <see cref="Producer"/>.</summary>
    Audio,
    /// <summary>A video <see cref="Producer"/>.</summary>
    Video,
    /// <summary>A <see cref="DataProducer"/> (e.g. the room's chat).</summary>
    Data,
}

/// <summary>A producer directory entry: where a producer (or data producer) of a room lives.</summary>
/// <param name="Id">The producer id (the same id on every silo it is piped to).</param>
/// <param name="PeerId">The peer that publishes it.</param>
/// <param name="Silo">The silo of the original producer.</param>
/// <param name="RouterId">The router of the original producer (on <paramref name="Silo"/>).</param>
/// <param name="Kind">Audio, video or data.</param>
/// <param name="Paused">Whether the original is paused (data producers: always false).</param>
[GenerateSerializer, Immutable]
public sealed record RoomProducer(
    [property: Id(0)] string Id,
    [property: Id(1)] string PeerId,
    [property: Id(2)] SiloAddress Silo,
    [property: Id(3)] string RouterId,
    [property: Id(4)] RoomProducerKind Kind,
    [property: Id(5)] bool Paused = false);

/// <summary>A router of a room on a given silo.</summary>
/// <param name="Silo">The silo whose <see cref="WorkerManager"/> hosts the router.</param>
/// <param name="RouterId">The router id.</param>
[GenerateSerializer, Immutable]
public sealed record RouterLocation(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] string RouterId);

/// <summary>A room's state as the room grain holds it: membership, producer directory, active speaker.</summary>
/// <param name="RoomId">The room id (the room grain's key).</param>
/// <param name="Version">Increases with every change (silos apply a snapshot only if newer than the one they have).</param>
/// <param name="Peers">The members.</param>
/// <param name="Producers">The producer directory (media and data).</param>
/// <param name="ActiveSpeakerPeerId">The dominant speaker, if any.</param>
[GenerateSerializer, Immutable]
public sealed record RoomSnapshot(
    [property: Id(0)] string RoomId,
    [property: Id(1)] long Version,
    [property: Id(2)] ImmutableArray<RoomPeer> Peers,
    [property: Id(3)] ImmutableArray<RoomProducer> Producers,
    [property: Id(4)] string? ActiveSpeakerPeerId = null);

/// <summary>What one silo holds of a room (what a re-activated room grain rebuilds its state from).</summary>
/// <param name="Silo">The silo.</param>
/// <param name="RouterId">The silo's router of the room, if it has one.</param>
/// <param name="Peers">The peers the silo serves.</param>
/// <param name="Producers">The original producers on the silo (not pipe producers).</param>
/// <param name="Pipes">The pipe transports of the room's router to routers on other silos.</param>
/// <param name="Following">Whether the silo follows the room (gets its snapshots).</param>
/// <param name="IsHome">Whether the silo's router is the room's home router.</param>
/// <param name="Version">The version of the silo's copy of the room's state.</param>
[GenerateSerializer, Immutable]
public sealed record SiloRoomState(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] string? RouterId,
    [property: Id(2)] ImmutableArray<RoomPeer> Peers,
    [property: Id(3)] ImmutableArray<RoomProducer> Producers,
    [property: Id(4)] ImmutableArray<RouterLocation> Pipes,
    [property: Id(5)] bool Following = false,
    [property: Id(6)] bool IsHome = false,
    [property: Id(7)] long Version = -1);

/// <summary>The address a pipe transport listens on, as the other silo connects to it.</summary>
/// <param name="Ip">The announced address (<see cref="MediasoupRoomsOptions.PipeAnnouncedAddress"/>) or the listen IP.</param>
/// <param name="Port">The UDP port.</param>
/// <param name="SrtpParametersJson">The transport's SRTP parameters (mediasoup JSON) when SRTP is on.</param>
[GenerateSerializer, Immutable]
public sealed record PipeEndpoint(
    [property: Id(0)] string Ip,
    [property: Id(1)] int Port,
    [property: Id(2)] string? SrtpParametersJson);

/// <summary>
/// What the producer side of a pipe hands to the consumer side: enough to produce the same producer (same id) on the
/// consumer side's pipe transport.
/// </summary>
/// <param name="ProducerId">The original producer id.</param>
/// <param name="Kind">Audio, video or data.</param>
/// <param name="ParametersJson">Media: the pipe consumer's RTP parameters; data: the pipe data consumer's SCTP stream parameters (mediasoup JSON).</param>
/// <param name="Paused">Media: whether the original is paused.</param>
/// <param name="Label">Data: the label.</param>
/// <param name="Protocol">Data: the protocol.</param>
[GenerateSerializer, Immutable]
public sealed record PipeOffer(
    [property: Id(0)] string ProducerId,
    [property: Id(1)] RoomProducerKind Kind,
    [property: Id(2)] string? ParametersJson,
    [property: Id(3)] bool Paused,
    [property: Id(4)] string? Label = null,
    [property: Id(5)] string? Protocol = null);
